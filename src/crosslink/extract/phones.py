"""Telephone numbers, normalised to E.164 with ``phonenumbers``.

Hard cases handled here: numbers split by spaces, dots, hyphens, brackets or a
line break; several numbers run together ("07911 123456 07922 654321"); OCR
noise (``O`` for 0, ``l``/``I`` for 1) inside digit groups; and look-alikes
(crime reference numbers, IMSI, ICCID, passport, account and container numbers)
which are rejected by their labels (:mod:`crosslink.extract.labels`) or because
``phonenumbers`` does not validate them.

Numbers in national format are read with the country hint, GB when there is
none (crosslink's users are UK agencies; pass ``country_hint`` otherwise).
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

from crosslink.extract._base import OCR_DIGITS, Candidate
from crosslink.extract.labels import NOT_A_PHONE, NUMBER_LABELS

__all__ = ["find", "normalise_phone"]

_G = r"[0-9OolI]*[0-9][0-9OolI]*"
_SEP = r"(?:[ \t]*[-.\u2010-\u2015][ \t]*|[ \t]*\)[ \t]*|[ \t]*\([ \t]*|[ \t]{1,3}|[ \t]*\r?\n[ \t]*)"
# starts with one character class so re can skip ahead in C (see _base.trie_regex)
PHONE_RE = re.compile(
    r"[+(\dO](?<![\w+/@.\-:£$€].)(?:(?<=\d)[0-9OolI]*|(?<=O)(?=\d)[0-9OolI]*|(?<=[+(])[ \t]?\+?" + _G + r")"
    r"(?:" + _SEP + _G + r"){0,7}(?![\w@]|[/:]\d|[.,]\d)"
)
_GROUP_RE = re.compile(_G)
# Ofcom reserves 07700 900000-900999 for drama; phonenumbers calls them invalid, but
# training material and synthetic scenarios use them, so they are accepted.
_DRAMA = re.compile(r"^\+447700900\d{3}$")


@lru_cache(maxsize=65536)
def normalise_phone(raw: str, region: str) -> str | None:
    """E.164 form of ``raw`` (digits with optional leading + or 00), or None.

    National numbers must start with a trunk 0 (or the region has none); bare
    international digits without + / 00 are not accepted here (too many
    look-alikes), callers that have a phone label pass them with a '+'.
    """
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    digits = len(raw) - (1 if raw.startswith("+") else 0)
    if digits < 7 or digits > 15:
        return None
    if not raw.startswith("+") and not raw.startswith("0") and region not in _NO_TRUNK:
        return None
    try:
        num = phonenumbers.parse(raw, None if raw.startswith("+") else region)
    except phonenumbers.NumberParseException:
        return None
    e164 = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    # is_valid_number_for_region on the main region of the country code is much
    # cheaper than is_valid_number (which tries every region sharing the code)
    main = region if not raw.startswith("+") else phonenumbers.region_code_for_country_code(num.country_code or 0)
    if phonenumbers.is_valid_number_for_region(num, main) or _DRAMA.match(e164) or phonenumbers.is_valid_number(num):
        return e164
    return None


# Regions whose national numbers have no trunk prefix 0.
_NO_TRUNK = frozenset({"ES", "IT", "GR", "PT", "DK", "NO", "US", "CA"})


def find(text: str, hint: str | None) -> list[Candidate]:
    """Phone candidates in ``text``. O(len(text)) regex scan plus one
    ``phonenumbers`` parse per plausible digit-group sequence."""
    region = (hint or "GB").upper()
    out: list[Candidate] = []
    for m in PHONE_RE.finditer(text):
        s = m.group()
        if sum(c.isdigit() for c in s) < 6:
            continue
        plus = "+" in s[:2]
        base = m.start()
        groups = [
            (
                base + g.start(),
                base + g.end(),
                # "+44 (0)7911": the bracketed trunk 0 is not dialled
                "" if g.group() == "0" and s[g.start() - 1 : g.start()] == "(" else g.group().translate(OCR_DIGITS),
            )
            for g in _GROUP_RE.finditer(s)
        ]
        # OCR letters are only believable inside digits: at most two per number
        if sum(1 for c in s if c in "OolI") > 2:
            continue
        i, n = 0, len(groups)
        while i < n:
            hit = None
            for j in range(min(n, i + 8) - 1, i - 1, -1):
                digits = "".join(g[2] for g in groups[i : j + 1])
                if len(digits) > 17 or len(digits) < 7:
                    continue
                raw = ("+" + digits) if (plus and i == 0) else digits
                val = normalise_phone(raw, region)
                if val is None and i == 0 and not plus and not digits.startswith("0"):
                    kind = NUMBER_LABELS.kind(text, base)
                    if kind == "phone" and len(digits) >= 10:
                        val = normalise_phone("+" + digits, region)
                if val is not None:
                    hit = (j, val)
                    break
            if hit is None:
                i += 1
                continue
            j, val = hit
            start = base if (i == 0 and (plus or s[0] == "(")) else groups[i][0]
            end = groups[j][1]
            kind = NUMBER_LABELS.kind(text, start)
            if kind in NOT_A_PHONE:
                i = j + 1
                continue
            if text[start] == "(" and ")" not in text[start:end]:
                start += 1
            out.append(
                Candidate(start, end, "phone", val, {"labelled": kind == "phone"}, boost=1 if kind == "phone" else 0)
            )
            i = j + 1
    return out
