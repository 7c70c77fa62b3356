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

# A group of digits (with OCR letters) and the separators between groups. Both are
# possessive (Python 3.11): a group always ends at a character that is not in it,
# since only a separator or the end look-ahead can follow, so nothing is given back.
_G = r"[OolI]*+[0-9][0-9OolI]*+"
_SEP = r"(?:[ \t]*+(?:[-.\u2010-\u2015)(]|\r?\n)[ \t]*+|[ \t]{1,3})"
# starts with one character class so re can skip ahead in C (see _base.trie_regex)
PHONE_RE = re.compile(
    r"[+(\dO](?<![\w+/@.\-:£$€].)(?:(?<=\d)[0-9OolI]*+|(?<=O)(?=\d)[0-9OolI]*+|(?<=[+(])[ \t]?\+?" + _G + r")"
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


@lru_cache(maxsize=65536)
def _read_run(s: str, region: str, labelled: bool) -> tuple[tuple[tuple[int, int, int, str], ...], bool]:
    """Phone numbers in one run of digit groups ``s`` (as PHONE_RE matched it).

    Returns ``((label_at, start, end, e164), ...)`` relative to the run (``label_at``
    is where a label before the number is looked for), longest reading first
    from each group, and whether a phone label before the run would change the
    reading (bare international digits "447911123456" are only read after a phone
    label; ``labelled`` says there is one). A pure function of the run, so it is
    cached: the same number written the same way is read once.
    """
    isdigit = str.isdigit
    if len(s) < 7 or sum(map(isdigit, s)) < 6:
        return (), False
    # OCR letters are only believable inside digits: at most two per number
    ocr = 0 if s.isdigit() else sum(map(s.count, "OolI"))
    if ocr > 2:
        return (), False
    groups: list[tuple[int, int, str]] = []
    for g in _GROUP_RE.finditer(s):
        d = g.group()
        if d == "0" and s[g.start() - 1 : g.start()] == "(":
            d = ""  # "+44 (0)7911": the bracketed trunk 0 is not dialled
        elif ocr:
            d = d.translate(OCR_DIGITS)
        groups.append((g.start(), g.end(), d))
    plus = "+" in s[:2]
    # cum[k]: number of digits in groups[:k], so any run of groups is one slice
    cum = [0]
    for grp in groups:
        cum.append(cum[-1] + len(grp[2]))
    alldigits = "".join(grp[2] for grp in groups)
    needs_label = False
    out: list[tuple[int, int, int, str]] = []
    i, n = 0, len(groups)
    while i < n:
        hit = None
        for j in range(min(n, i + 8) - 1, i - 1, -1):
            size = cum[j + 1] - cum[i]
            if size > 17 or size < 7:
                continue
            digits = alldigits[cum[i] : cum[j + 1]]
            val = normalise_phone(("+" + digits) if (plus and i == 0) else digits, region)
            if val is None and i == 0 and not plus and digits[0] != "0" and size >= 10:
                needs_label = True
                if labelled:
                    val = normalise_phone("+" + digits, region)
            if val is not None:
                hit = (j, val)
                break
        if hit is None:
            i += 1
            continue
        j, val = hit
        start = 0 if (i == 0 and (plus or s[0] == "(")) else groups[i][0]
        end = groups[j][1]
        label_at = start
        if s[start] == "(" and ")" not in s[start:end]:
            start += 1
        out.append((label_at, start, end, val))
        i = j + 1
    return tuple(out), needs_label


def find(text: str, hint: str | None) -> list[Candidate]:
    """Phone candidates in ``text``. O(len(text)) regex scan plus one
    ``phonenumbers`` parse per plausible digit-group sequence (cached by run)."""
    region = (hint or "GB").upper()
    out: list[Candidate] = []
    kind_of = NUMBER_LABELS.kind
    for m in PHONE_RE.finditer(text):
        s = m.group()
        if len(s) < 7:
            continue
        base = m.start()
        found, needs_label = _read_run(s, region, False)
        if needs_label and kind_of(text, base) == "phone":
            found, _ = _read_run(s, region, True)
        for label_at, rs, re_, val in found:
            start, end = base + rs, base + re_
            kind = kind_of(text, base + label_at)
            if kind in NOT_A_PHONE:
                continue
            out.append(
                Candidate(start, end, "phone", val, {"labelled": kind == "phone"}, boost=1 if kind == "phone" else 0)
            )
    return out
