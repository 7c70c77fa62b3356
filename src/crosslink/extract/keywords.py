"""One Aho-Corasick pass over a text for every word list the extractors use.

Places, lower-case given names, vehicle and boat words, alias cues, platform
names, profile-URL domains, number labels and currency words are all fixed word
lists. Scanning for each with its own regex costs one pass over the text per list
(``re`` tries a trie at every candidate start: tens of milliseconds per megabyte
per list). Here every list is a *category* of one automaton (``pyahocorasick``,
C): the text is scanned once, and each hit is kept for a category only when the
characters around it satisfy that category's word boundaries. Within a category
hits are then made leftmost-longest and non-overlapping, which is what a regex
alternation of the same words finds with ``finditer``.

Extractors register their lists at import time with :func:`register`; the
automaton is built on first use. :func:`index` returns the (cached) hits of the
last text it was asked about, so the eight extractors share one scan.

Complexity: O(len(text) + raw hits) for the scan, O(h log h) per category for
the h hits kept; look-ups are O(log h) bisects.

Known limits (against the per-list regexes this replaced): the words of a
multi-word key ("loon plage") are matched across one blank or tab, not a run of
them; and a word must be followed by a character of :data:`END_CHARS` (ASCII
other than a-z, whitespace, common punctuation), so a Latin word glued to a
letter of another script is not found.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import ahocorasick

from crosslink.extract._base import CLAUSE_BREAK, WORD_LEAD_CHARS, lowered

__all__ = ["register", "index", "TextIndex", "Hits", "not_az", "not_word", "word_lead"]

#: True when the character (or "" at the edge of the text) allows a word boundary.
Boundary = Callable[[str], bool]


def not_az(ch: str) -> bool:
    """Boundary against an ASCII lower-case letter (the ``[a-z]`` look-arounds)."""
    return not ("a" <= ch <= "z")


def not_word(ch: str) -> bool:
    """Boundary against a word character (``\\w``)."""
    return not (ch.isalnum() or ch == "_")


def word_lead(ch: str) -> bool:
    """A character that can precede a word: a separator or the start of the text."""
    return ch == "" or ch in WORD_LEAD_CHARS or ch.isspace()


@dataclass(frozen=True, slots=True)
class _Category:
    name: str
    words: Callable[[], Iterable[str]]
    left: Boundary
    right: Callable[[str, int], bool] | None


_CATEGORIES: dict[str, _Category] = {}
#: categories whose hits :meth:`TextIndex.known` ignores (``register(..., known=False)``)
_UNKNOWN: set[str] = set()
_AUTOMATON: list[ahocorasick.Automaton] = []


def register(
    name: str,
    words: Callable[[], Iterable[str]] | Iterable[str],
    left: Boundary = not_az,
    right: Callable[[str, int], bool] | None = None,
    known: bool = True,
) -> None:
    """Add a word list (lower-cased words; a space stands for one blank).

    ``left`` tests the character before a hit (``""`` at the start of the text);
    whatever it says, a hit never starts right after an ASCII letter (most raw
    hits are inside words, and this one test drops them). ``right`` tests
    ``(lowered_text, end)``; by default no ASCII letter may follow (a hit always
    ends before one of :data:`END_CHARS`, so an always-true ``left`` or ``right`` is
    the default, and only makes the scan test it). A ``right``
    test may look at ``lowered_text[end : end + 2]`` only: the scan caches both
    verdicts by the character before and the two after (see :meth:`TextIndex._scan`).
    ``known=False`` leaves the category's hits out of :meth:`TextIndex.known`.
    """
    if callable(words):
        fn = words
    else:
        frozen = tuple(words)

        def fn() -> Iterable[str]:
            return frozen

    _CATEGORIES[name] = _Category(name, fn, left, right)
    if known:
        _UNKNOWN.discard(name)
    else:
        _UNKNOWN.add(name)
    _AUTOMATON.clear()
    _LAST.clear()


#: Characters that can end a word: every ASCII character but a-z (the text is
#: lower-cased), whitespace, and common Unicode punctuation and spaces.
END_CHARS = (
    "".join(chr(c) for c in range(32, 127) if not (97 <= c <= 122))
    + "\n\r\f\v\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b"
    + "\u2028\u2029\u202f\u205f\u3000\u2010\u2011\u2012\u2013\u2014\u2015\u2018\u2019\u201a\u201b"
    + "\u201c\u201d\u201e\u201f\u2026\u2032\u2033«»‹›¡¿°º§¶·•€£¥₺\u060c\u061b\u061f\u06d4"
    # Ge'ez (Tigrinya, Amharic) full stop, comma, semicolons, colon, question mark
    + "\u1362\u1363\u1364\u1365\u1366\u1367"
)


#: The distinct ``((category number, left, right), ...)`` tuples of the words, and per
#: tuple the cached verdicts: ``(previous character, next two characters)`` -> the
#: category numbers whose boundaries hold there (filled by the scan, cleared with the
#: automaton).
_ENTRIES: list[tuple[tuple[int, Boundary | None, Callable[[str, int], bool] | None], ...]] = []
_VERDICTS: list[dict[tuple[str, str], tuple[int, ...]]] = []
_MAX_VERDICTS = 4096


def _automaton() -> ahocorasick.Automaton:
    """The automaton over every registered word; a key's value is
    ``(word, length, entries number, simple)``, ``entries`` being the word's
    ``((category number, left, right), ...)`` in :data:`_ENTRIES`.

    Each word is added once per character of :data:`END_CHARS` that may follow it
    (the trie shares the word, so that is one node per variant): a word then only
    hits where it ends, not as the prefix of a longer word ("all" in "allows"),
    which keeps the raw hits, and the Python that filters them, few. The text is
    scanned with one blank appended so that a word can end the text.
    """
    if _AUTOMATON:
        return _AUTOMATON[0]
    keys: dict[str, dict[str, _Category]] = {}
    for cat in _CATEGORIES.values():
        for w in cat.words():
            w = " ".join(w.split())
            if w:
                keys.setdefault(w, {})[cat.name] = cat
    auto = ahocorasick.Automaton()
    names = list(_CATEGORIES)
    numbers: dict[tuple[tuple[int, Boundary | None, Callable[[str, int], bool] | None], ...], int] = {}
    _ENTRIES.clear()
    _VERDICTS.clear()
    for w, cats in keys.items():
        # left None: only the ASCII-letter test every category gets anyway
        entries = tuple((names.index(c.name), None if c.left is not_az else c.left, c.right) for c in cats.values())
        # a word of one category with the default boundaries (most words) needs no
        # per-category test in the scan: its category number, else -1
        simple = entries[0][0] if len(entries) == 1 and entries[0][1] is None and entries[0][2] is None else -1
        if entries not in numbers:
            numbers[entries] = len(_ENTRIES)
            _ENTRIES.append(entries)
            _VERDICTS.append({})
        value = (w, len(w), numbers[entries], simple)
        for ch in END_CHARS:
            auto.add_word(w + ch, value)
    auto.make_automaton()
    _AUTOMATON.append(auto)
    return auto


def _passing(
    entries: tuple[tuple[int, Boundary | None, Callable[[str, int], bool] | None], ...], prev: str, low: str, end: int
) -> tuple[int, ...]:
    """The category numbers of ``entries`` whose left and right boundaries hold for a
    hit ending at ``end`` in ``low`` after the character ``prev``."""
    return tuple(
        cat
        for cat, left, right in entries
        if (left is None or left(prev)) and (right is None or right(low, end))
    )


@dataclass(slots=True)
class Hits:
    """Hits of one category, sorted by start, non-overlapping: ``(start, end, word)``."""

    spans: list[tuple[int, int, str]] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.spans)

    def __iter__(self) -> Iterator[tuple[int, int, str]]:
        return iter(self.spans)

    def last_within(self, lo: int, hi: int) -> tuple[int, int, str] | None:
        """The last hit entirely inside ``[lo, hi)``. O(log h)."""
        i = bisect_right(self.ends, hi) - 1
        if i >= 0 and self.starts[i] >= lo:
            return self.spans[i]
        return None


_EMPTY = Hits()


class TextIndex:
    """Keyword hits of one text, by category; see the module docstring."""

    __slots__ = ("text", "low", "_hits")

    def __init__(self, text: str) -> None:
        self.text = text
        self.low = lowered(text)
        self._hits = self._scan()

    def _scan(self) -> dict[str, Hits]:
        low = self.low
        hay = (low.replace("\t", " ") if "\t" in low else low) + " "
        names = list(_CATEGORIES)
        raw: list[list[tuple[int, int, str]]] = [[] for _ in names]
        auto = _automaton()
        verdicts = _VERDICTS
        for end_idx, (word, n, number, simple) in auto.iter(hay):
            # the hit is the word plus the character after it, which is one of
            # END_CHARS (never a-z) or the appended blank: the default right
            # boundary always holds
            start = end_idx - n
            if start:
                prev = low[start - 1]
                if "a" <= prev <= "z":
                    continue
            else:
                prev = ""
            if simple >= 0:
                raw[simple].append((start, -end_idx, word))
                continue
            # The boundary tests are Python calls, and tens of thousands of hits need
            # them; their verdicts depend only on the entries, the character before
            # and the two after (see register), which repeat: cached per combination.
            key = (prev, low[end_idx : end_idx + 2])
            cache = verdicts[number]
            cats = cache.get(key)
            if cats is None:
                cats = _passing(_ENTRIES[number], prev, low, end_idx)
                if len(cache) < _MAX_VERDICTS:  # bounded on texts of many scripts
                    cache[key] = cats
            for cat in cats:
                raw[cat].append((start, -end_idx, word))
        out: dict[str, Hits] = {}
        for name, spans in zip(names, raw, strict=True):
            if not spans:
                continue
            spans.sort()
            kept: list[tuple[int, int, str]] = []
            append = kept.append
            last_end = -1
            for start, neg_end, word in spans:
                if start >= last_end:
                    last_end = -neg_end
                    append((start, last_end, word))
            out[name] = Hits(kept, [k[0] for k in kept], [k[1] for k in kept])
        return out

    def hits(self, category: str) -> Hits:
        return self._hits.get(category, _EMPTY)

    def known(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` is a hit of any category (a word some extractor knows).
        O(categories x log h)."""
        for name, h in self._hits.items():
            if name in _UNKNOWN:
                continue
            hit = h.last_within(start, end)
            if hit is not None and hit[0] == start and hit[1] == end:
                return True
        return False

    def before(self, category: str, pos: int, width: int = 40) -> tuple[int, int, str] | None:
        """The nearest hit of ``category`` in the same clause within ``width`` before ``pos``.

        The clause test is :func:`crosslink.extract._base.window_start`'s, asked only
        when there is a hit: is there a clause break between the hit and ``pos`` (a
        sentence end counts when the blanks and capital after it are before ``pos``)?
        A hit never starts on a blank or a break character, so a break that ends after
        the hit's start also starts after it. O(log h) plus a scan of that gap.
        """
        h = self._hits.get(category)
        if h is None:
            return None
        j = bisect_right(h.ends, pos) - 1
        if j < 0:
            return None
        start = h.starts[j]
        if start < pos - width or CLAUSE_BREAK.search(self.text, start, pos) is not None:
            return None
        return h.spans[j]


_LAST: list[TextIndex] = []


def index(text: str) -> TextIndex:
    """The keyword index of ``text``; the last one is cached (extractors share it)."""
    if _LAST and _LAST[0].text is text:
        return _LAST[0]
    ti = TextIndex(text)
    _LAST[:] = [ti]
    return ti
