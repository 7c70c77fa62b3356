"""Plates written with blanks or hyphens in unusual places, after a vehicle word.

:mod:`.vehicles` reads each national format with its usual separators ("AB12 CDE",
"AB-123-CD"). Writers and OCR put them elsewhere ("AB1 2CDE", "AB12-CDE", "CJ-12-ABC",
"1234-BCD"): right after a vehicle word ("VRM", "car", "plate", "kenteken"), a
nationality word ("Romanian", "Turkish") or a country code before it ("car GB AB12-CDE"),
the next one to four tokens of capitals and digits are joined and the joined form is
tested against every format with its separators removed. The longest join that fits
wins; a value must have letters and digits and 5 to 8 characters.

Formats: those of :mod:`.vehicles` (UK, FR, BE, NL, DE, ES, PL, RO; IT shares the French
shape, AL the French loose one) and the Turkish one, which is only read here
(province 01-81, one to three letters, two to four digits: "34 ABC 123", "06 AB 1234").
"""

from __future__ import annotations

import re
from functools import lru_cache

from crosslink.extract import keywords

__all__ = ["COMPACT_RE", "NATION_WORDS", "COUNTRY_CODES", "compact_plate", "after"]

_TR = r"(?:0[1-9]|[1-7][0-9]|8[01])[A-Z]{1,3}[0-9]{2,4}"


def _compact(pattern: str) -> str:
    """A format's regex with its separators removed (they are optional in the joined form)."""
    pattern = pattern.replace("[ ]?", "").replace("[- ]", "")
    out, depth = [], 0
    for ch in pattern:  # a literal hyphen outside a character class is a separator
        depth += ch == "["
        depth -= ch == "]"
        if ch != "-" or depth:
            out.append(ch)
    return "".join(out)


def _distinctive(tag: str, pattern: str) -> bool:
    """Whether a format stays distinctive without its separators: three alternating groups
    of letters and digits, so not the German and Polish ones (2-5 letters, then digits:
    "GB 123" of a VAT number), the old UK ones, or the Dutch two-group ones ("QQ 12 34"
    of an NI number)."""
    if tag in ("de", "pl") or "{1,3}" in pattern:
        return False
    kinds = re.sub(r"\{[^}]*\}", "", _compact(pattern))
    groups = re.sub(r"(\[0-9\]|\[1-9\])+", "9", re.sub(r"\[[A-Z][^\]]*\]", "A", kinds))
    groups = re.sub(r"A+", "A", re.sub(r"9+", "9", groups)).replace("?", "")
    return len(groups) >= 3


def _build() -> re.Pattern[str]:
    from crosslink.extract.vehicles import _FORMATS

    pats = [f"(?P<{tag}{i}>{_compact(p)})" for i, (tag, p, _strong) in enumerate(_FORMATS) if _distinctive(tag, p)]
    pats.append(f"(?P<tr99>{_TR})")
    return re.compile("|".join(pats))


_COMPACT: list[re.Pattern[str]] = []


def compact_plate(joined: str) -> str | None:
    """The country tag of the first format ``joined`` (no separators) fully matches, or None."""
    if not _COMPACT:
        _COMPACT.append(_build())
    m = _COMPACT[0].fullmatch(joined)
    if m is None or m.lastgroup is None:
        return None
    return m.lastgroup.rstrip("0123456789")


COMPACT_RE = _COMPACT
#: nationality words that say the next token is a foreign plate ("Romanian CJ-12-ABC")
NATION_WORDS = (
    "french german dutch belgian polish romanian italian spanish albanian turkish bulgarian lithuanian "
    "british uk-registered french-registered german-registered dutch-registered belgian-registered "
    "polish-registered romanian-registered italian-registered spanish-registered albanian-registered "
    "turkish-registered foreign-registered"
).split()
keywords.register("plate_nation", NATION_WORDS, keywords.not_word)
#: international vehicle codes that may stand before the plate itself ("GB AB12-CDE")
COUNTRY_CODES = frozenset("GB UK F FR D DE NL B BE PL RO I IT E ES AL TR BG LT".split())
_TOKENS = re.compile(r"[ \t]*+[:#]?[ \t]*+(?P<t>[A-Z0-9]{1,8})(?P<rest>(?:(?:[ \t]{1,2}|[ \t]?-[ \t]?)[A-Z0-9]{1,5}){0,6})(?![\w]|-\w)")
_PART = re.compile(r"[A-Z0-9]{1,8}")


def after(text: str, pos: int) -> tuple[int, int, str, str] | None:
    """A plate in the tokens starting at ``pos`` (after a cue): ``(start, end, value, country)``.

    A leading international code ("GB", "F") is skipped when the tokens after it make a
    plate. O(number of tokens squared), at most five tokens; the reading of one
    stretch of text is cached (the same plate is often written many times).
    """
    m = _TOKENS.match(text, pos)
    if m is None:
        return None
    hit = _read(text[m.start("t") : m.end("rest")])
    if hit is None:
        return None
    base = m.start("t")
    return base + hit[0], base + hit[1], hit[2], hit[3]


@lru_cache(maxsize=16384)
def _read(span: str) -> tuple[int, int, str, str] | None:
    """:func:`after` on the token stretch ``span`` alone, offsets relative to it."""
    text = span
    toks = [(t.start(), t.end()) for t in _PART.finditer(span)]
    # "GB AB12-CDE": after a country code, the plate without it is tried first (joined with
    # the code, the tokens could fit another format: "GBAB12" has the German shape)
    for first in ((1, 0) if len(toks) > 1 and text[toks[0][0] : toks[0][1]] in COUNTRY_CODES else (0,)):
        for last in range(len(toks), first, -1):
            s, e = toks[first][0], toks[last - 1][1]
            joined = "".join(text[a:b] for a, b in toks[first:last])
            if not (5 <= len(joined) <= 8) or joined.isalpha() or joined.isdigit():
                continue
            country = compact_plate(joined)
            # a short token right after is part of another number ("QQ 12 34 56 C")
            if country is not None and not (last < len(toks) and toks[last][1] - toks[last][0] <= 2):
                return s, e, joined, country
    return None
