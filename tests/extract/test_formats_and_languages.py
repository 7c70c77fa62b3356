"""Ethereum, IMEISV, OCR'd IMEIs, Italian/Spanish/Polish plates, names and money in
other languages and scripts, and the held-out set's structure."""

from __future__ import annotations

import pytest

from crosslink.extract import extract
from crosslink.extract.accounts import valid_eth

from .corpus import HELDOUT, load_corpus

ETH = "0x19Ee426A72a5bD48A13468ebEA08928b7EB4315F"


def values(text: str, typ: str, hint: str | None = None) -> list[str]:
    return [m.value for m in extract(text, hint) if m.type == typ]


def test_ethereum_checksum_and_case() -> None:
    assert values(f"USDT (ERC-20) to {ETH}", "crypto") == [ETH.lower()]
    # one letter's case flipped: the EIP-55 checksum fails
    assert values(f"to {ETH[:-1]}f", "crypto") == []
    # all lower-case carries no checksum; it links to the checksummed spelling
    assert values(f"to {ETH.lower()}", "crypto") == [ETH.lower()]
    assert valid_eth("0x" + "A" * 40) == "0x" + "a" * 40


def test_imeisv_links_to_the_imei() -> None:
    assert values("IMEISV 3532870913486001", "imei") == ["353287091348603"]
    assert values("IMEI 353287091348603", "imei") == ["353287091348603"]
    # 16 digits without an IMEISV label are not a handset
    assert values("serial 3532870913486001", "imei") == []


def test_ocr_letters_in_a_labelled_imei() -> None:
    assert values("handset 3584651O8622252", "imei") == ["358465108622252"]
    assert values("ref 3584651O8622252", "imei") == []


@pytest.mark.parametrize(
    ("text", "hint", "plate"),
    [
        ("Il furgone targato FA 482 KL è stato fermato", "IT", "FA482KL"),
        ("el coche con matrícula 1234 BCD", "ES", "1234BCD"),
        ("Polish lorry WX 12345 at the port", None, "WX12345"),
        ("ciągnik siodłowy WPR 5612A", "PL", "WPR5612A"),
    ],
)
def test_more_plate_formats(text: str, hint: str | None, plate: str) -> None:
    assert values(text, "plate", hint) == [plate]


def test_weak_plate_shapes_need_a_vehicle_word() -> None:
    assert values("paid 2024 GBP on 1234 BCD day", "plate") == []
    assert values("ticket WX 12345 issued", "plate") == []


@pytest.mark.parametrize(
    ("text", "hint", "name"),
    [
        ("Der Beschuldigte HAIDARI Karim, geboren am 20.05.1994", "DE", "Karim Haidari"),
        ("Detenido Mohamed AMRANI en Algeciras", "ES", "Mohamed Amrani"),
        ("Kierowca Piotr NOWAK, tel. +48 512 345 678", "PL", "Piotr Nowak"),
        ("Kontakto Arben HOXHA në Instagram", None, "Arben Hoxha"),
        ("Kak Rebwar SHARIF le Hewlêr", None, "Rebwar Sharif"),
        ("Nominal MAHMOUD, Zana (DOB 30/08/1999)", None, "Zana Mahmoud"),
        ("Tawasul ma'a Abu Karam WhatsApp", None, "Abu Karam"),
    ],
)
def test_role_words_and_honorifics_are_not_names(text: str, hint: str | None, name: str) -> None:
    assert values(text, "person", hint) == [name]


def test_arabic_script_names_keep_their_script_with_a_transliteration() -> None:
    ms = [m for m in extract("تواصل مع أحمد كريم واتساب +964 751 112 2233") if m.type == "person"]
    assert [m.value for m in ms] == ["أحمد كريم"]
    assert ms[0].extra["latin"] == "Ahmd Krym"
    # a given name alone needs a cue ("with", "Mr"...)
    assert values("محمد", "person") == []
    assert values("تواصل مع محمد", "person") == ["محمد"]


def test_arabic_currency_words() -> None:
    assert values("السعر 2000 يورو", "money") == ["2000 EUR"]
    assert values("السعر 1500 باوند", "money") == ["1500 GBP"]


def test_platform_label_without_colon_needs_a_handle_like_name() -> None:
    assert values("Snapchat kw_travels", "handle") == ["kw_travels"]
    assert values("Telegram t.me/abukaram_uk", "handle") == ["abukaram_uk"]
    assert values("on Snapchat tonight", "handle") == []


def test_quoted_contact_name_is_an_alias() -> None:
    assert values('saved as "Mamosta"', "alias") == ["Mamosta"]


def test_inflected_place_names() -> None:
    assert values("nga Brukseli dhe Warszawie", "location") == ["Brussels", "Warsaw"]


def test_heldout_set_covers_every_hard_case() -> None:
    docs = load_corpus(HELDOUT)
    assert len(docs) >= 30
    decoys = {x.type for d in docs for x in d.decoys}
    assert {"crime_ref", "date", "time", "postcode", "sortcode", "imsi", "iccid", "passport", "container",
            "bad_iban", "bad_wallet"} <= decoys
    gold = {g.type for d in docs for g in d.gold}
    assert {"phone", "email", "iban", "crypto", "imei", "plate", "vessel", "person", "dob", "money", "location",
            "handle"} <= gold
    for d in docs:
        for g in d.gold + d.decoys:
            assert d.text[g.start : g.end].strip(), (d.id, g)


def test_a_labelled_plate_outside_the_known_formats() -> None:
    # Z is never a UK first letter and U never appears on a French plate, but the
    # writer says it is a VRM: it is read as one
    assert values("seen driving VRM ZA57 CVM today", "plate") == ["ZA57CVM"]
    assert values("driving VRM UA-682-HT.", "plate") == ["UA682HT"]
    assert values("reg 2024 and VRM unknown", "plate") == []
