"""The orchestrator: run every extractor, resolve overlaps, return mentions.

Each extractor proposes candidates independently; overlapping candidates are
resolved by type priority (a validated IBAN beats the phone-shaped digits
inside it, a crime reference number blocks the "phone" it looks like), then by
a label boost, then by length. Blockers (types starting with ``_``) win their
spans and are dropped from the output.
"""

from __future__ import annotations

from bisect import bisect_left, insort

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

_EXTRACTORS = (handles.find, accounts.find, vehicles.find, phones.find, dates.find, money.find, names.find, places.find)


def _resolve(cands: list[Candidate]) -> list[Candidate]:
    """Greedy non-overlapping selection by (priority, boost, length). O(n log n)."""
    cands.sort(key=lambda c: (-PRIORITY[c.type], -c.boost, -(c.end - c.start), c.start))
    starts: list[int] = []
    spans: dict[int, int] = {}
    kept: list[Candidate] = []
    for c in cands:
        i = bisect_left(starts, c.start)
        # neighbour starting at or after c.start must start at or after c.end
        if i < len(starts) and starts[i] < c.end:
            continue
        # neighbour starting before c.start must end at or before it
        if i > 0 and spans[starts[i - 1]] > c.start:
            continue
        insort(starts, c.start)
        spans[c.start] = c.end
        kept.append(c)
    return kept


def extract(text: str, country_hint: str | None = None) -> list[Mention]:
    """Every mention in ``text``, sorted by start, with exact offsets.

    ``country_hint`` (ISO 3166 alpha-2) reads national-format phone numbers;
    without it they are read as GB. O(len(text)) regex scans, plus validators
    (phonenumbers, stdnum) on candidates only.
    """
    cands: list[Candidate] = []
    for find in _EXTRACTORS:
        cands.extend(find(text, country_hint))
    kept = _resolve([c for c in cands if c.end > c.start])
    kept.sort(key=lambda c: c.start)
    return [
        Mention(c.type, text[c.start : c.end], c.start, c.end, c.value, c.extra)
        for c in kept
        if not c.type.startswith("_")
    ]
