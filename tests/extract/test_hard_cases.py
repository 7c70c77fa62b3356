"""Every hard-case category of issue 4, one behaviour per test."""

from __future__ import annotations

import pytest

from crosslink.extract import extract, mention_property


def values(text: str, typ: str, hint: str | None = None) -> list[str]:
    return [m.value for m in extract(text, hint) if m.type == typ]


def types(text: str, hint: str | None = None) -> set[str]:
    return {m.type for m in extract(text, hint)}


@pytest.mark.parametrize(
    "spelling", ["07911 123456", "+44 7911 123456", "0044-7911-123456", "(07911) 123 456", "+44 (0)7911 123456"]
)
def test_same_phone_written_many_ways_links(spelling: str) -> None:
    assert values(f"call {spelling} now", "phone") == ["+447911123456"]


def test_country_hint_reads_national_numbers() -> None:
    assert values("tel 06 12 34 56 78", "phone", "FR") == ["+33612345678"]
    assert values("tel 06 12 34 56 78", "phone") == []  # not a GB number


@pytest.mark.parametrize(
    "text",
    [
        "Crime ref 46/123456/24 refers",
        "CRN 0791112345 created",
        "Occurrence number 07911123456",
        "IMSI 234150999999999 seen",
        "ICCID 8944100030000000001",
        "passport no. 0791112345",
        "account number 07911123456",
        "sort code 20-00-00, acc 12345678",
        "on 01/02/2023 at 14:30",
        "on 01.02.2023 at 1430hrs",
        "postcode CT17 9BZ",
        "container MSCU1234565",
        "IP 192.168.10.12",
    ],
)
def test_look_alikes_are_not_selectors(text: str) -> None:
    assert types(text) & {"phone", "iban", "imei", "crypto", "plate", "vessel"} == set()


def test_bad_checksums_are_rejected() -> None:
    assert values("IBAN GB82 WEST 1234 5698 7654 33", "iban") == []
    assert values("IBAN GB82 WEST 1234 5698 7654 32", "iban") == ["GB82WEST12345698765432"]
    assert values("BTC 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", "crypto") == []
    assert values("TRON TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u", "crypto") == []
    assert values("TRON TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "crypto") == ["TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"]
    assert values("IMEI 352099001761482", "imei") == []
    assert values("IMEI 352099001761481", "imei") == ["352099001761481"]
    assert values("IMO 9074728", "vessel") == []


def test_bech32_and_bech32m_wallets() -> None:
    v0 = "BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ"
    assert values(f"wallet {v0}", "crypto") == [v0.lower()]
    taproot = "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297"
    assert values(f"wallet {taproot}", "crypto") == [taproot]


def test_ocr_noise_in_numbers() -> None:
    assert values("Tel O7911 l23456", "phone") == ["+447911123456"]
    assert values("IBAN GB8Z WEST", "iban") == []


def test_numbers_broken_across_lines() -> None:
    text = "mobile 07400\n123456 and IBAN GB82 WEST 1234\n5698 7654 32"
    ms = extract(text)
    phone = [m for m in ms if m.type == "phone"]
    assert [m.value for m in phone] == ["+447400123456"]
    assert phone[0].text == "07400\n123456"
    assert values(text, "iban") == ["GB82WEST12345698765432"]


def test_two_numbers_run_together_are_split() -> None:
    assert values("07911 123456 07922 654321", "phone") == ["+447911123456", "+447922654321"]


def test_names_that_are_also_places() -> None:
    ms = extract("Jordan SMITH travelled to Jordan; Florence TAYLOR lives in Dover.")
    assert [(m.type, m.value) for m in ms] == [
        ("person", "Jordan Smith"),
        ("location", "Jordan"),
        ("person", "Florence Taylor"),
        ("location", "Dover"),
    ]


def test_ambiguous_place_needs_a_cue() -> None:
    assert values("Jordan said nothing", "location") == []
    assert values("they crossed at Deal beach", "location") == ["Deal"]
    assert values("it was a good deal", "location") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ahmed KARIMI was stopped", "Ahmed Karimi"),
        ("KARIMI, Ahmed was stopped", "Ahmed Karimi"),
        ("driver Hiwa Ahmadi was stopped", "Hiwa Ahmadi"),
        ("Mohammed Ali AL-HASHIMI was stopped", "Mohammed Ali Al-Hashimi"),
        ("Sean O'BRIEN was stopped", "Sean O'Brien"),
        ("Mr KARIMI was stopped", "Karimi"),
    ],
)
def test_person_name_conventions(text: str, expected: str) -> None:
    assert values(text, "person") == [expected]


def test_lower_case_names_in_chat() -> None:
    assert values("tell karwan the boat is ready", "person") == ["Karwan"]
    assert values("msg from dilan karimi", "person") == ["Dilan Karimi"]
    assert values("i will mark the map", "person") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # given names of the broader lists, with a cue before or a verb after
        ("ok so hawkar said 2k per head", ["Hawkar"]),
        ("thanks rebin, see u at the camp", ["Rebin"]),
        ("yo ask dawit about the van", ["Dawit"]),
        ("klodjan has the money", ["Klodjan"]),
        # a name no list knows, in a frame where a bare word is a person
        ("tell bestoon to bring the money", ["Bestoon"]),
        ("kak sherwan will drive tonight", ["Sherwan"]),
        ("ok so dilawar said 2k per head", ["Dilawar"]),
        # and what such frames must not take for a name
        ("tell him the boat leaves at 3", []),
        ("the driver said wait at the services", []),
        ("ok so he said yes", []),
        ("ask around for a van", []),
        ("hi everyone, boat tomorrow", []),
        ("thanks for the help", []),
        ("ok so payment said pending", []),
        ("tell kurd to wait", []),
        ("The source said Bestoon is in Calais", []),  # prose, not chat
        # a family name after a chat given name, unless it is an ordinary word
        ("msg from omid rahimi", ["Omid Rahimi"]),
        ("tell minh do it now", ["Minh"]),
    ],
)
def test_chat_names_and_cues(text: str, expected: list[str]) -> None:
    assert values(text, "person") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "Ho" is a Vietnamese family name and the Home Office: after a given name, a name
        ("Van-Minh HO (30/12/1980) is an agent", ["Van-Minh Ho"]),
        ("Op 30/04/2024 werd HO Van-Minh geboren op 30/12/1980 gezien", ["Van-Minh Ho"]),
        ("reported to the HO by Ahmed KARIMI", ["Ahmed Karimi"]),
        # "Van" is a town and a Vietnamese middle name
        ("le nommé NGUYEN VAN Duc Anh né le 01/09/1989", ["Duc Anh Nguyen Van"]),
        # a route place of several words is not a person, even when it starts with a given name
        ("He travelled from Viet Nam to France.", []),
        # the broader lists, in sentence case and inverted
        ("Her brother Rezhwan Barzinji was stopped", ["Rezhwan Barzinji"]),
        ("SHINWARI, Zalmai was stopped at Dover", ["Zalmai Shinwari"]),
    ],
)
def test_name_forms_of_the_broader_lists(text: str, expected: list[str]) -> None:
    assert values(text, "person") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("واسأل عن هاوکار السعر 3000 دولار", ["هاوکار"]),  # "about"
        ("قل لكارزان يجي بكرة", ["كارزان"]),  # "to" written onto the name; the verbs after it are no name
        ("سامر قال السعر 3000", ["سامر"]),  # "said" after it
        ("پەیوەندی بکە بە کاروان", ["کاروان"]),  # Kurdish "to"
        ("با آرش تماس بگیرید", ["آرش"]),  # Farsi "with"
        ("تواصل مع محمد علي حسن الجبوري", ["محمد علي حسن الجبوري"]),  # given names and an -i family name
        ("كاروان بارزاني في كاليه", ["كاروان بارزاني"]),  # Arabic letters for the Kurdish spelling
        ("وليد في لندن", []),  # Walid alone, no cue (and not "and Lid")
        ("كريم جدا", []),  # an adjective after a given name is not a family name
    ],
)
def test_arabic_script_cues(text: str, expected: list[str]) -> None:
    assert values(text, "person") == expected


def test_organisations_and_acronyms_are_not_people() -> None:
    assert values("Kent POLICE and the NCA met UK Border Force", "person") == []


def test_alias() -> None:
    assert values('Ahmed KARIMI aka "Kaka Rash" was seen', "alias") == ["Kaka Rash"]
    assert values("known as BIG AZAD in Calais", "alias") == ["Big Azad"]


@pytest.mark.parametrize(
    ("text", "iso"),
    [("DOB 12/03/1990", "1990-03-12"), ("born 3rd March 1985", "1985-03-03"), ("d.o.b. 01.02.88", "1988-02-01"),
     ("Ahmed KARIMI (05/06/1991)", "1991-06-05")],
)
def test_dob_uk_day_month(text: str, iso: str) -> None:
    assert values(text, "dob") == [iso]


def test_plain_dates_are_not_dobs() -> None:
    assert values("stopped on 12/03/2024", "dob") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [("3k euros", "3000 EUR"), ("£2,500", "2500 GBP"), ("1.500,00 €", "1500 EUR"), ("5 grand", "5000 GBP"),
     ("EUR 1500", "1500 EUR"), ("€2.5k", "2500 EUR"), ("20,000 USDT", "20000 USDT")],
)
def test_money(text: str, value: str) -> None:
    assert values(f"paid {text} today", "money") == [value]


def test_bare_numbers_are_not_money() -> None:
    assert values("12 people in 3 boats", "money") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [("VRM AB12 CDE", "AB12CDE"), ("plate AB-123-CD", "AB123CD"), ("1-ABC-123", "1ABC123"),
     ("kenteken 12-ABC-3", "12ABC3"), ("HH-AB 1234", "HHAB1234"), ("reg ab12 cde", "AB12CDE")],
)
def test_plates(text: str, value: str) -> None:
    assert values(text, "plate") == [value]


def test_partial_plates() -> None:
    assert values("partial VRM AB1? CDE", "plate_partial") == ["AB1?CDE"]
    assert values("partial plate ending in XYZ", "plate_partial") == ["*XYZ"]


def test_vessels() -> None:
    ms = extract("MV Sea Breeze (IMO 9074729, MMSI 235012345)")
    assert [(m.type, m.value) for m in ms] == [
        ("vessel_name", "SEA BREEZE"),
        ("vessel", "9074729"),
        ("vessel", "235012345"),
    ]
    assert mention_property(ms[1]) == ("Vessel", "imoNumber")
    assert mention_property(ms[2]) == ("Vessel", "mmsi")


def test_handles_link_across_spellings() -> None:
    for text in ("t.me/Boat_Man", "https://t.me/boat_man", "Telegram: @boat_man", "@boat_man on Telegram"):
        assert values(text, "handle") == ["boat_man"], text


def test_whatsapp_link_is_a_phone() -> None:
    assert values("wa.me/447911123456", "phone") == ["+447911123456"]


def test_email_and_obfuscated_email() -> None:
    assert values("mail Foo.Bar@Example.COM", "email") == ["foo.bar@example.com"]
    assert values("smuggler.k [at] protonmail [dot] com", "email") == ["smuggler.k@protonmail.com"]


def test_multilingual_places() -> None:
    assert values("from Dunkerque via Duinkerke to Hawler and Köln, İstanbul", "location") == [
        "Dunkirk", "Dunkirk", "Erbil", "Cologne", "Istanbul"
    ]


def test_empty_and_plain_text() -> None:
    assert extract("") == []
    assert extract("nothing to see here at all") == []
