"""Value cleaning with FollowTheMoney's property types, over distinct values.

FtM cleans one value at a time in Python. Ingest therefore cleans each distinct
(type, hint, raw value) once and joins the result back in SQL: the cost grows with
the number of distinct values, not rows. Large sets are split across this
process and a worker process (:func:`crosslink.parallel.run_jobs`, never a fork).

Where FtM cannot clean a value it returns None and would drop it; crosslink keeps
the raw value and says why (the ``reason`` column), so nothing is lost silently.
Text-like types (name, string, text, identifier) are only whitespace-normalised,
and that happens in SQL.
"""

from __future__ import annotations

import os
import re

import pyarrow as pa
from followthemoney import registry
from phonenumbers import (
    PhoneMetadata,
    PhoneNumber,
    PhoneNumberFormat,
    format_number,
    is_valid_number_for_region,
    national_significant_number,
)
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

from crosslink import parallel

__all__ = ["PYTHON_TYPES", "SQL_TYPES", "clean_values", "reason_for"]

#: Types whose cleaning is whitespace normalisation only (done in SQL).
SQL_TYPES = frozenset({"name", "string", "text", "identifier", "entity", "html", "json", "checksum"})

#: Types cleaned value by value with FtM.
PYTHON_TYPES = frozenset(
    {"iban", "phone", "date", "email", "country", "url", "ip", "language", "gender", "number", "address", "topic", "mimetype"}
)

#: Below this many distinct values a worker costs more than it saves.
PARALLEL_THRESHOLD = 40_000
#: Values per job: small enough to share the work evenly, large enough that the
#: round trip to a worker (pickling the strings) is noise.
CHUNK = 10_000


def reason_for(type_name: str, hint: str | None) -> str:
    """Why FtM rejected a value, in words an analyst can act on."""
    if type_name == "phone":
        if hint:
            return f"not a valid phone number (international, or national for country {hint})"
        return "not a valid international phone number; national numbers need a country hint (country: in the mapping or --country)"
    if type_name == "date":
        if hint:
            return f"not a date in the format {hint}, nor an ISO date"
        return "not an ISO date (YYYY-MM-DD); give the column's format in the mapping, e.g. format: '%d/%m/%Y'"
    if type_name == "iban":
        return "not a valid IBAN (format or checksum)"
    if type_name == "email":
        return "not a valid e-mail address"
    if type_name == "country":
        return "not a recognised country name or code"
    if type_name == "number":
        return "not a number"
    return f"not a valid {type_name} value"


def _clean_iban(value: str) -> str | None:
    """FtM 4 types IBANs as plain identifiers and checks nothing; python-stdnum
    validates the country format and the mod-97 checksum."""
    from stdnum import iban
    from stdnum.exceptions import ValidationError

    try:
        return str(iban.validate(value))
    except ValidationError:
        return None


_E164 = re.compile(r"\+([1-9]\d{6,14})")


def _clean_e164(value: str) -> str | None:
    """A number already in E.164 form, checked without parsing its text.

    FtM cleans a phone with ``phonenumbers.parse`` (half of its ~30 us per value)
    and then checks validity. A value that is already ``+<country><national>``
    needs no parsing: build the PhoneNumber from its digits and let phonenumbers
    judge it. Only a valid number that formats back to exactly the input is taken;
    anything else returns None and goes the full FtM way, so the result is FtM's
    (tests/ingest/test_clean.py compares both on every region's numbers).
    """
    match = _E164.fullmatch(value)
    if match is None:
        return None
    digits = match.group(1)
    for width in (1, 2, 3):  # country calling codes are prefix-free
        code = int(digits[:width])
        if code in COUNTRY_CODE_TO_REGION_CODE:
            national = digits[width:]
            zeros = len(national) - len(national.lstrip("0"))
            number = PhoneNumber(
                country_code=code,
                national_number=int(national) if national.strip("0") else 0,
                italian_leading_zero=True if zeros else None,
                number_of_leading_zeros=zeros if zeros > 1 else None,
            )
            if _is_valid(number) and format_number(number, PhoneNumberFormat.E164) == value:
                return value
            return None
    return None


_LEADING_DIGITS: dict[str, re.Pattern[str] | None] = {}


def _is_valid(number: PhoneNumber) -> bool:
    """``phonenumbers.is_valid_number``, without checking the matched region twice.

    For a calling code shared by several regions (+44: GB, GG, IM, JE; +1; +7)
    phonenumbers first finds the region by testing each region's number types,
    then tests the found region's types again. This is the same search with the
    answer kept (half the cost on UK numbers); the test compares it with
    phonenumbers on every region's and every non-geographic code's numbers.
    """
    regions = COUNTRY_CODE_TO_REGION_CODE.get(number.country_code or 0, ())
    if len(regions) == 1:
        return bool(is_valid_number_for_region(number, regions[0]))
    national: str | None = None
    for region in regions:
        if region not in _LEADING_DIGITS:
            metadata = PhoneMetadata.metadata_for_region(region, None)
            leading = None if metadata is None else metadata.leading_digits
            _LEADING_DIGITS[region] = re.compile(leading) if leading else None
        pattern = _LEADING_DIGITS[region]
        if pattern is not None:
            national = national or national_significant_number(number)
            if pattern.match(national):
                return bool(is_valid_number_for_region(number, region))
        elif is_valid_number_for_region(number, region):
            return True
    return False


def _clean_phones(values: list[str], hint: str | None) -> list[str | None]:
    ftm_type = registry.phone
    out: list[str | None] = []
    for value in values:
        cleaned = _clean_e164(value)
        if cleaned is None:
            try:
                cleaned = ftm_type.clean(value, format=hint)
            except Exception:  # FtM raises on some malformed inputs instead of returning None
                cleaned = None
        out.append(cleaned)
    return out


def _clean_chunk(args: tuple[str, str | None, list[str]]) -> list[str | None]:
    type_name, hint, values = args
    if type_name == "iban":
        return [_clean_iban(v) for v in values]
    if type_name == "phone":
        return _clean_phones(values, hint)
    ftm_type = registry.get(type_name)
    if ftm_type is None:
        return list(values)
    out: list[str | None] = []
    # A column given a date format may still hold ISO dates: try both.
    fallback = type_name == "date" and hint is not None
    for value in values:
        try:
            cleaned = ftm_type.clean(value, format=hint)
            if cleaned is None and fallback:
                cleaned = ftm_type.clean(value)
        except Exception:  # FtM raises on some malformed inputs instead of returning None
            cleaned = None
        out.append(cleaned)
    return out


def clean_values(type_name: str, hint: str | None, values: list[str]) -> pa.Table:
    """Clean distinct raw values of one type: returns (raw, value, reason).

    ``value`` is the cleaned form, or the raw input when cleaning failed, in which
    case ``reason`` says why. O(len(values)) FtM calls, on two processes for big sets
    (this one and a worker).
    """
    workers = min(4, os.cpu_count() or 1)
    if len(values) >= PARALLEL_THRESHOLD and workers > 1:
        chunks = [(type_name, hint, values[i : i + CHUNK]) for i in range(0, len(values), CHUNK)]
        parts: list[list[str | None]] = [[] for _ in chunks]
        for index, part in parallel.run_jobs(_clean_chunk, chunks, workers=workers):
            parts[index] = part
        cleaned = [v for part in parts for v in part]
    else:
        cleaned = _clean_chunk((type_name, hint, values))
    reason = reason_for(type_name, hint)
    return pa.table(
        {
            "raw": pa.array(values, pa.string()),
            "value": pa.array([c if c is not None else v for c, v in zip(cleaned, values, strict=True)], pa.string()),
            "reason": pa.array([None if c is not None else reason for c in cleaned], pa.string()),
        }
    )
