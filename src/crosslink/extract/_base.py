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

__all__ = ["Candidate", "window_before", "window_start", "lowered", "trie_regex", "OCR_DIGITS", "WORD_LEAD_CHARS"]


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

# a blank line, a sentence end before a capital ("b. 1990" is not one), ';' or '|'
CLAUSE_BREAK = re.compile(r"\n[ \t]*\n|[.!?](?=\s+[A-Z])|[;|]")


def window_start(text: str, start: int, width: int = 40) -> int:
    """Where the window of :func:`window_before` begins in ``text``. O(width)."""
    lo = max(0, start - width)
    cut = lo
    for brk in CLAUSE_BREAK.finditer(text, lo, start):
        cut = brk.end()
    return cut


def window_before(text: str, start: int, width: int = 40) -> str:
    """Lower-cased text in the same clause just before ``start``.

    The window stops at a sentence or clause break so that a label two sentences
    back does not describe this value. O(width).
    """
    return lowered(text)[window_start(text, start, width) : start]


#: Characters (besides whitespace) that can precede a word.
WORD_LEAD_CHARS = frozenset("\"'“”‘’(),;:/!?.[]{}<>|«»*&+=~")


def trie_regex(words: list[str], boundary: str = r"[\w-]") -> str:
    """A regex for any of ``words`` (already lower-cased) that Python's ``re`` scans fast.

    ``re`` only skips ahead in C when a pattern starts with one character class;
    a plain alternation of words defeats that and costs ~50x more on a megabyte.
    So the pattern is ``[first chars]`` then, per first char, a lookbehind branch
    holding the trie of the rest; a space in a word matches any run of blanks.
    ``boundary`` is the class that must not precede the match.
    """
    trie: dict[str, Any] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def esc(ch: str) -> str:
        return r"[ \t]+" if ch == " " else re.escape(ch)

    def sub(node: dict[str, Any]) -> str:
        keys = sorted(node)
        end = "" in node
        branches = [esc(k) + sub(node[k]) for k in keys if k]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return "(?:" + body + ")?" if end else body

    firsts = sorted(trie)
    cls = "[" + "".join(re.escape(c) for c in firsts) + "]"
    branches = [f"(?<={re.escape(c)}){sub(trie[c])}" for c in firsts]
    return cls + f"(?<!{boundary}.)" + "(?:" + "|".join(branches) + ")"


_LOW_CACHE: list[tuple[str, str]] = []


def lowered(text: str) -> str:
    """``text.lower()`` with the same length (offsets stay valid). Caches the last text.

    ``str.lower`` lengthens ``İ`` (to ``i`` + combining dot): it is lowered to ``i``;
    any other such character is kept as it is.
    """
    if _LOW_CACHE and _LOW_CACHE[0][0] is text:
        return _LOW_CACHE[0][1]
    # "İ" always lengthens under str.lower: replace it first rather than lower twice
    low = text.replace("\u0130", "i").lower() if "\u0130" in text else text.lower()
    if len(low) != len(text):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    _LOW_CACHE[:] = [(text, low)]
    return low
