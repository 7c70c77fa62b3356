"""The orchestrator: run every extractor, resolve overlaps, return mentions.

Each extractor proposes candidates independently; overlapping candidates are
resolved by type priority (a validated IBAN beats the phone-shaped digits
inside it, a crime reference number blocks the "phone" it looks like), then by
a label boost, then by length. Blockers (types starting with ``_``) win their
spans and are dropped from the output.
"""

from __future__ import annotations

import gc
import re
from datetime import date
from operator import attrgetter
from typing import Any

from crosslink.extract import accounts, dates, handles, money, names, phones, places, vehicles
from crosslink.extract._base import Candidate
from crosslink.extract.mentions import Mention

__all__ = ["extract", "PRIORITY"]

#: Higher wins an overlap.
PRIORITY: dict[str, int] = {
    "email": 100,
    "handle": 95,
    "iban": 90,
    "crypto": 90,
    "vessel": 85,
    "imei": 80,
    "_labelled": 75,
    "_iccid": 75,
    "_container": 75,
    "_crime_ref": 70,
    "dob": 65,
    "_date": 60,
    "_number": 60,
    "_ip": 60,
    "money": 58,
    "phone": 55,
    "_sortcode": 50,
    "_time": 50,
    "_postcode": 50,
    "plate": 40,
    "plate_partial": 38,
    "vessel_name": 36,
    "alias": 34,
    "person": 30,
    "location": 20,
}

_START = attrgetter("start")
_EXTRACTORS = (handles.find, accounts.find, vehicles.find, phones.find, dates.find, money.find, names.find, places.find)


def _resolve_cluster(cands: list[Candidate]) -> list[Candidate]:
    """Greedy non-overlapping selection by (priority, boost, length), then by start.

    O(n log n) plus O(span of the cluster) for its occupancy map (a kept span marks
    its characters; a candidate touching a marked one loses).
    """
    prio = PRIORITY
    cands.sort(key=lambda c: (-prio[c.type], -c.boost, c.start - c.end, c.start))
    lo = min(c.start for c in cands)
    taken = bytearray(max(c.end for c in cands) - lo)
    kept: list[Candidate] = []
    for c in cands:
        s, e = c.start - lo, c.end - lo
        if taken[s] or taken[e - 1] or (e - s > 2 and taken.find(1, s, e) >= 0):
            continue
        taken[s:e] = b"\x01" * (e - s)
        kept.append(c)
    kept.sort(key=_START)
    return kept


def _resolve(cands: list[Candidate]) -> list[Candidate]:
    """Non-overlapping candidates, sorted by start.

    Candidates are sorted by start (O(n log n), in C) and cut into clusters of
    overlapping spans in one pass; a lone candidate is kept as it is, and only
    clusters go through :func:`_resolve_cluster` (selection within one cluster
    cannot change another, so this is the same as one global greedy pass).
    """
    cands.sort(key=_START)
    kept: list[Candidate] = []
    i, n = 0, len(cands)
    while i < n:
        c = cands[i]
        hi = c.end
        j = i + 1
        while j < n and cands[j].start < hi:
            if cands[j].end > hi:
                hi = cands[j].end
            j += 1
        if j == i + 1:
            kept.append(c)
        else:
            kept.extend(_resolve_cluster(cands[i:j]))
        i = j
    return kept


def extract(text: str, country_hint: str | None = None, *, events: bool = False) -> list[Mention]:
    """Every mention in ``text``, sorted by start, with exact offsets.

    ``country_hint`` (ISO 3166 alpha-2) reads national-format phone numbers;
    without it they are read as GB. ``events`` adds every other date as a ``date``
    mention (met, paid, crossed on ...), in the day-month order of the hint's country;
    the scorers leave it off, since their gold sets mark dates as decoys. O(len(text)) regex scans, plus validators
    (phonenumbers, stdnum) on candidates only.
    """
    # Extraction allocates tens of thousands of small objects per megabyte and makes
    # no reference cycles, so the cyclic collector's generation-0 passes (about a
    # sixth of the time on selector-dense text) find nothing: it is paused for the
    # call and resumed only if it was running (a caller that disabled it keeps it off).
    gc_was_on = gc.isenabled()
    if gc_was_on:
        gc.disable()
    try:
        cands: list[Candidate] = []
        for find in _EXTRACTORS:
            cands.extend(find(text, country_hint))
        out: list[Mention] = []
        append = out.append
        # _mention inlined, its setters in locals: one call and six global look-ups
        # less per mention (tens of thousands per megabyte)
        new, set_type, set_text, set_start, set_end, set_value, set_extra = (
            _new, _SET_TYPE, _SET_TEXT, _SET_START, _SET_END, _SET_VALUE, _SET_EXTRA
        )
        for c in _resolve([c for c in cands if c.end > c.start]):
            typ = c.type
            value = c.value
            if typ[0] == "_":
                if not (events and typ == "_date" and value):
                    continue
                typ, value = "date", event_date(text[c.start : c.end], value, country_hint)
            start, end = c.start, c.end
            m: Mention = new(Mention)
            set_type(m, typ)
            set_text(m, text[start:end])
            set_start(m, start)
            set_end(m, end)
            set_value(m, value)
            set_extra(m, c.extra)
            append(m)
        return out
    finally:
        if gc_was_on:
            gc.enable()


#: Countries that write a numeric date month first (3/12/2024 is 12 March elsewhere).
MONTH_FIRST = frozenset({"US", "PH", "FM", "PW", "MH", "BZ"})
_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})")


def event_date(span: str, value: str, country_hint: str | None) -> str:
    """The ISO date an event date's ``span`` means where the report was written: the
    readers read numeric dates day first (UK order); a month-first country's
    "3/12/2024" is re-read as 12 March. Dates with a month word are the same anywhere."""
    if country_hint is None or country_hint.upper() not in MONTH_FIRST:
        return value
    m = _NUMERIC_DATE.fullmatch(span.strip())
    if m is None or len(value) != 10:
        return value
    month, day = int(m.group(1)), int(m.group(2))
    if month > 12 or day > 31:
        return value
    try:
        return date(int(value[:4]), month, day).isoformat()
    except ValueError:
        return value


_SET_TYPE, _SET_TEXT, _SET_START, _SET_END, _SET_VALUE, _SET_EXTRA = (
    Mention.__dict__[f].__set__ for f in ("type", "text", "start", "end", "value", "extra")
)
_new = object.__new__


def _mention(typ: str, span: str, start: int, end: int, value: str, extra: dict[str, Any]) -> Mention:
    """``Mention(...)`` without the frozen dataclass ``__init__`` (which goes through
    ``object.__setattr__`` per field): mentions are made by the ten thousand, and the
    slot descriptors set the same fields faster."""
    m: Mention = _new(Mention)
    _SET_TYPE(m, typ)
    _SET_TEXT(m, span)
    _SET_START(m, start)
    _SET_END(m, end)
    _SET_VALUE(m, value)
    _SET_EXTRA(m, extra)
    return m
