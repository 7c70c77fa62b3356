"""The general forms of issue 14, each a test that fails if it breaks: dates written in
words in other languages, handles after a platform word without "@", plates with odd
spacing and foreign formats, IBANs split across lines or in odd groups."""

from __future__ import annotations

import pytest

from crosslink.extract import extract


def found(text: str, typ: str) -> list[tuple[str, str]]:
    """(value, exact surface) of the ``typ`` mentions of ``text``."""
    out = []
    for m in extract(text):
        assert text[m.start : m.end] == m.text  # offsets exact
        if m.type == typ:
            out.append((m.value, m.text))
    return out


@pytest.mark.parametrize(
    ("text", "value", "surface"),
    [
        ("Elle est née le 12 mars 1990 à Lille.", "1990-03-12", "12 mars 1990"),  # French
        ("Der Beschuldigte, geboren am 5. März 1991, schweigt.", "1991-03-05", "5. März 1991"),  # German
        ("verdachte, geboren op 12 januari 1989, rijdt", "1989-01-12", "12 januari 1989"),  # Dutch
        ("l'indagato, nato il 4 aprile 1990, guidava", "1990-04-04", "4 aprile 1990"),  # Italian
        ("detenido, nacido el 5 de mayo de 1987, conducía", "1987-05-05", "5 de mayo de 1987"),  # Spanish
        ("kierowca, urodzony 7 lipca 1992, zatrzymany", "1992-07-07", "7 lipca 1992"),  # Polish genitive
        ("șoferul, născut la 9 iunie 1985, a declarat", "1985-06-09", "9 iunie 1985"),  # Romanian
        ("i dyshuari, lindur më 3 prill 1990 në Fier", "1990-04-03", "3 prill 1990"),  # Albanian
        ("şüpheli, doğum tarihi 15 Ağustos 1993, sürücü", "1993-08-15", "15 Ağustos 1993"),  # Turkish
        ("rojbûn 3 gulan 1988, ji Duhokê", "1988-05-03", "3 gulan 1988"),  # Kurdish (Kurmanji)
        ("تاريخ الميلاد 5 آذار 1990", "1990-03-05", "5 آذار 1990"),  # Arabic (Levantine months)
        ("تاریخ تولد: ۲۱ شهریور ۱۳۶۹", "1990-09-12", "۲۱ شهریور ۱۳۶۹"),  # Farsi, Solar Hijri
    ],
)
def test_birth_dates_in_words_in_other_languages(text: str, value: str, surface: str) -> None:
    assert found(text, "dob") == [(value, surface)]


@pytest.mark.parametrize(
    "text",
    [
        "Treffen am 7 lipca 2023 im Hafen.",  # a date, but no birth label: not a DOB
        "Payment on 15 Ağustos 2023 of 500 euros.",
        "Seen 31 shkurt 1990 at the port.",  # no such day
    ],
)
def test_dates_in_other_languages_without_birth_label_are_not_dobs(text: str) -> None:
    assert found(text, "dob") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("contact him on snap: kurd_taxi for the price", "kurd_taxi"),
        ("she is on insta dilan.uk and posts daily", "dilan.uk"),
        ("adverts from insta dilan.uk.", "dilan.uk"),
        ("his tiktok is smuggler_king", "smuggler_king"),
        ("add him on snap kurd.boy99 tonight", "kurd.boy99"),
        ("on insta as dilan.uk since May", "dilan.uk"),
        ('the snap "kurd_taxi" posts prices', "kurd_taxi"),
        ("Snapchat name is kw_travels2", "kw_travels2"),
        ("message kurd_taxi on snap for details", "kurd_taxi"),
        ("follow dilan.uk (insta) for crossings", "dilan.uk"),
    ],
)
def test_handles_after_a_platform_word_without_at(text: str, value: str) -> None:
    assert [v for v, _ in found(text, "handle")] == [value]


@pytest.mark.parametrize(
    "text",
    ["his snap is down today", "met on instagram last year", "paid 3000 on fb", "seen at 14.30 on snap"],
)
def test_platform_words_with_ordinary_words_are_no_handles(text: str) -> None:
    assert found(text, "handle") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("White van VRM AB-12 CDE seen at Dover", "AB12CDE"),  # UK, odd hyphen
        ("reg AB1 2CDE was stopped", "AB12CDE"),  # UK, blank in the wrong place
        ("the car GB AB12-CDE left", "AB12CDE"),  # country code before it
        ("French plate AB 123-CD", "AB123CD"),  # FR SIV, mixed separators
        ("car FR AB 123 CD parked", "AB123CD"),  # FR with its code (not German "FR AB 123")
        ("a Romanian CJ-12-ABC lorry", "CJ12ABC"),  # RO county plate
        ("an Italian AB123CD", "AB123CD"),  # IT
        ("the Spanish 1234-BCD", "1234BCD"),  # ES
        ("Albanian TR 123 AB van", "TR123AB"),  # AL
        ("Turkish 06 AB 1234", "06AB1234"),  # TR
        ("TR plate 34 ABC 123", "34ABC123"),  # TR
        ("NL kenteken 12 ABC 3", "12ABC3"),  # NL side code, blanks for hyphens
        ("Belgian 1 ABC 123", "1ABC123"),  # BE
        ("German plate B-AB 1234", "BAB1234"),  # DE
        ("PL plate WA 12345", "WA12345"),  # PL
    ],
)
def test_plates_with_odd_separators_and_foreign_formats(text: str, value: str) -> None:
    assert [v for v, _ in found(text, "plate")] == [value]


@pytest.mark.parametrize(
    "text",
    [
        "The VAT number GB 123 4567 89 and invoice INV-77812",
        "NI number QQ 12 34 56 C on the car hire form",
        "car seen 12-34-56",  # a sort code
        "van parked at CT17 9BZ",  # a postcode
    ],
)
def test_loose_plate_reading_never_takes_other_numbers(text: str) -> None:
    assert found(text, "plate") == []


@pytest.mark.parametrize(
    "text",
    [
        "IBAN GB 82 WEST 1234 5698 7654 32",  # blank between country code and check digits
        "IBAN GB82  WEST  1234 5698 7654 32",  # double blanks
        "IBAN GB82-WEST-1234-5698-7654-32",  # hyphens
        "IBAN GB82.WEST.1234.5698.7654.32",  # dots
        "IBAN: GB82 WEST 12\n34 5698 7654 32",  # split across lines inside a group
        "IBAN GB82WEST1234\n   5698765432 thanks",  # split across lines, indented
        "acct GB82WE ST12 3456 9876 5432",  # groups of odd sizes
        "iban gb82 west 1234 5698 7654 32 pls",  # lower case in chat
        "IBAN GB82 WEST 1234 5698 7654 32. BIC WESTGB2L",  # a BIC after it is not part of it
    ],
)
def test_ibans_split_or_oddly_grouped(text: str) -> None:
    got = found(text, "iban")
    assert [v for v, _ in got] == ["GB82WEST12345698765432"]
    assert got[0][1].replace("\n", " ").split()[-1].endswith("32")  # the span ends on the last digit


@pytest.mark.parametrize(
    "text",
    ["IBAN GB82 WEST 1234 5698 7654 33", "IBAN GB82-WEST-1234-5698-7654-3", "iban gb82 west 1234 5698 7654 23"],
)
def test_ibans_with_bad_checksums_never_hit(text: str) -> None:
    assert found(text, "iban") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Subject born in 1990, from Ranya.", "1990"),
        ("KARIMI, Ahmed. DOB: 1990.", "1990"),
        ("YOB 1990 (estimated)", "1990"),
        ("geboren 1988 in Herat", "1988"),
        ("born on the 12th of March 1990", "1990-03-12"),
    ],
)
def test_years_of_birth_and_english_forms(text: str, value: str) -> None:
    assert [v for v, _ in found(text, "dob")] == [value]


@pytest.mark.parametrize("text", ["born in 1990s Iraq", "dob 1990/91 unclear", "DOB 2031"])
def test_no_year_of_birth_from_other_numbers(text: str) -> None:
    assert found(text, "dob") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [("VRM AB12  CDE seen", "AB12CDE"), ("plate AB12 - CDE", "AB12CDE"), ("French plate AB - 123 - CD", "AB123CD"),
     ("reg A B 1 2 C D E seen", "AB12CDE")],
)
def test_plates_with_wide_or_spaced_out_separators(text: str, value: str) -> None:
    assert [v for v, _ in found(text, "plate")] == [value]


@pytest.mark.parametrize(
    ("text", "value"),
    [("date of birth 3rd March 90", "1990-03-03"), ("DOB 12-MAR-90", "1990-03-12"), ("born 3 May 88 in Erbil", "1988-05-03")],
)
def test_two_digit_years_after_a_month_word_in_birth_dates(text: str, value: str) -> None:
    assert [v for v, _ in found(text, "dob")] == [value]


def test_a_two_digit_number_after_a_month_word_is_left_alone_without_a_birth_label() -> None:
    assert [(m.type, m.value) for m in extract("paid on 3 May 50 euros")] == [("money", "50 EUR")]


@pytest.mark.parametrize(
    ("text", "value"),
    [("urodzony 12.III.1990", "1990-03-12"), ("DOB 3 XI 1988", "1988-11-03"), ("data urodzenia: 05.VI.1992 r.", "1992-06-05")],
)
def test_roman_month_numerals_in_birth_dates(text: str, value: str) -> None:
    assert [v for v, _ in found(text, "dob")] == [value]


@pytest.mark.parametrize(
    ("text", "platform"),
    [("سناب: kurd_taxi", "snapchat"), ("انستا dilan.uk", "instagram"), ("تلگرام @boat_man", "telegram")],
)
def test_platform_words_in_arabic_script(text: str, platform: str) -> None:
    ms = [m for m in extract(text) if m.type == "handle"]
    assert len(ms) == 1 and ms[0].extra["platform"] == platform


@pytest.mark.parametrize(
    ("text", "value"),
    [("acc gb82 west 1234 5698 7654 32 ok", "GB82WEST12345698765432"), ("rekening nl91 abna 0417 1643 00", "NL91ABNA0417164300")],
)
def test_lower_case_ibans_after_an_account_word(text: str, value: str) -> None:
    assert [v for v, _ in found(text, "iban")] == [value]


@pytest.mark.parametrize(
    ("text", "value"),
    [("SC: kurd-taxi", "kurd-taxi"),
     ("Snapchat: kurd-taxi-uk.", "kurd-taxi-uk"), ("Telegram: kurd_taxi-", "kurd_taxi")],
)
def test_hyphenated_names_after_a_label(text: str, value: str) -> None:
    assert [v for v, _ in found(text, "handle")] == [value]
