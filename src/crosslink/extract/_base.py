"""Shared pieces of the extractors: the candidate record and context look-ups.

Every extractor module exposes ``find(text, hint) -> list[Candidate]``. Types
beginning with ``_`` are *blockers*: spans recognised as something that must not
be read as a selector (crime reference numbers, times, postcodes, IMSI...). They
take part in overlap resolution and are never emitted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Candidate", "ContextLabels", "window_before", "OCR_DIGITS"]


@dataclass(slots=True)
class Candidate:
    start: int
    end: int
    type: str
    value: str
    extra: dict[str, Any] = field(default_factory=dict)
    #: added to the type's priority (e.g. a labelled number beats an unlabelled one)
    boost: int = 0


#: OCR confusions inside digit runs: letter O for zero, l/I/| for one, S for 5, B for 8.
OCR_DIGITS = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "|": "1"})

_CLAUSE_BREAK = re.compile(r"[;\n]\s*\n|[.;!?](?=\s)|\|")


def window_before(text: str, start: int, width: int = 40) -> str:
    """Lower-cased text in the same clause just before ``start``.

    The window stops at a sentence or clause break so that a label two sentences
    back does not describe this value. O(width).
    """
    lo = max(0, start - width)
    win = text[lo:start]
    last = None
    for last in _CLAUSE_BREAK.finditer(win):
        pass
    if last is not None:
        win = win[last.end() :]
    return win.lower()


class ContextLabels:
    """What a label just before a value says the value is.

    ``labels`` maps a kind ("phone", "imsi", "crime_ref"...) to a regex
    alternation of label words. :meth:`kind` returns the kind of the *nearest*
    label in the window before the value, or None: "IMSI 2341..., mobile 0791..."
    labels the second number as a phone even though "IMSI" is in its window.
    """

    def __init__(self, labels: dict[str, str]) -> None:
        parts = [f"(?P<{k}>{v})" for k, v in labels.items()]
        self._re = re.compile(r"(?<![a-z0-9])(?:" + "|".join(parts) + r")(?![a-z])")

    def kind(self, text: str, start: int, width: int = 40) -> str | None:
        win = window_before(text, start, width)
        found: str | None = None
        for m in self._re.finditer(win):
            found = m.lastgroup
        return found

    def kind_and_distance(self, text: str, start: int, width: int = 40) -> tuple[str | None, int]:
        win = window_before(text, start, width)
        found: str | None = None
        end = 0
        for m in self._re.finditer(win):
            found = m.lastgroup
            end = m.end()
        return found, len(win) - end
