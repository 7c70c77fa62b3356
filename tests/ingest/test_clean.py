"""Value cleaning: the E.164 shortcut gives exactly FtM's answer, faster."""

from __future__ import annotations

import random

import phonenumbers
from followthemoney import registry
from phonenumbers import PhoneNumberFormat, PhoneNumberType, format_number

from crosslink.ingest import clean


def _numbers() -> list[str]:
    """Every region's example mobile and fixed line, with random endings and the
    usual mistakes (a trunk 0 kept after the country code, a digit too many or few)."""
    rng = random.Random(12)
    out = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            e164 = format_number(example, PhoneNumberFormat.E164)
            out += [e164[:-3] + f"{rng.randrange(1000):03d}" for _ in range(4)]
            out += [e164[:3] + "0" + e164[3:], e164 + "1", e164[:-1], e164]
    for code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
        example = phonenumbers.example_number_for_non_geo_entity(code)
        if example is not None:
            e164 = format_number(example, PhoneNumberFormat.E164)
            out += [e164, e164[:-2] + "00", e164 + "9"]
    return out + ["+390612345678", "+4407700900123", "+1 202 555 0143", "+0044", "+999123456789", "07700 900123"]


def test_e164_shortcut_agrees_with_followthemoney_everywhere() -> None:
    numbers = _numbers()
    assert len(numbers) > 3000
    ours = clean._clean_chunk(("phone", None, numbers))
    theirs = [registry.phone.clean(n) for n in numbers]
    assert ours == theirs
    assert sum(v is not None for v in ours) > len(numbers) // 3  # many valid, many not


def test_national_numbers_still_use_the_country_hint() -> None:
    assert clean._clean_chunk(("phone", "GB", ["07911 123456", "+447911123456", "12345"])) == [
        "+447911123456", "+447911123456", None,
    ]


def test_values_that_do_not_clean_are_kept_with_the_reason() -> None:
    table = clean.clean_values("phone", None, ["+447911123456", "not a number"])
    assert table.column("value").to_pylist() == ["+447911123456", "not a number"]
    assert table.column("reason").to_pylist()[0] is None
    assert "international" in table.column("reason").to_pylist()[1]
