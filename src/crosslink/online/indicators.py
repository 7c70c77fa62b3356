"""Indicators: the words and signs in a post that explain a triage decision.

The indicators and their terms in every language are data
(``data/indicators.yml``); this module compiles each indicator's terms into one
regular expression and reports which indicators a post shows. They serve twice:
as features of the model (:mod:`crosslink.online.model`), and as the explanation
an analyst and a platform read ("crossing offer, price, guarantee, off-platform
contact").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import ahocorasick
import yaml

from crosslink.online.text import fold

__all__ = ["Indicator", "IndicatorSet", "indicator_set", "load_labels"]


@dataclass(frozen=True)
class Indicator:
    name: str
    supports: str
    description: str
    #: the terms that need a regular expression (the plain words go to the automaton)
    pattern: re.Pattern[str] | None


# a term is a plain word (Aho-Corasick) unless it uses regex syntax
_REGEX_SYNTAX = re.compile(r"[\\\[\]()?*+|{}.^$]")
_LATIN = re.compile(r"[a-z0-9]")


def _inside_words(term: str) -> bool:
    """Whether a term may match inside a word. Arabic-script and Ethiopic words take
    attached prefixes (Arabic و ب ل ال, Amharic/Tigrinya የ ለ በ ከ), so "الشرطة" must
    find "والشرطة" and "ፓስፖርት" must find "የፓስፖርት": their terms of four letters or
    more match anywhere. Shorter ones, and Latin-script terms, match at the start of
    a word (so suffixes still match: "guarantee" finds "guaranteed")."""
    return _LATIN.search(term) is None and len(term.replace(" ", "")) >= 4


class IndicatorSet:
    """The compiled indicators, in the order the YAML lists them.

    Most terms are plain words: they go into one Aho-Corasick automaton
    (``pyahocorasick``) that finds every indicator's words in a single pass over
    the lower-cased post; only terms written as regular expressions are matched
    with ``re`` (one alternation per indicator). O(len(text)) for the automaton
    plus the regex terms.
    """

    def __init__(self, spec: dict[str, Any]) -> None:
        self.indicators: list[Indicator] = []
        words: dict[str, list[tuple[int, bool]]] = {}
        # Terms as written, and (second automaton) long terms without their diacritics,
        # for posts typed without them ("garanti a 100 %", "dam bao"). Short terms are
        # never folded: "đô" (dollars) would become "do", "giá" (price) "gia" (family).
        folded: dict[str, list[tuple[int, bool]]] = {}
        for index, (name, body) in enumerate(spec["indicators"].items()):
            parts: list[str] = []
            for lang, terms in body.items():
                if lang in ("supports", "description"):
                    continue
                for term in terms:
                    term = str(term).lower()
                    anywhere = lang == "any" or _inside_words(term)
                    if _REGEX_SYNTAX.search(term) is None:
                        words.setdefault(term, []).append((index, anywhere))
                        bare = fold(term)
                        if len(bare) >= FOLD_MIN:
                            folded.setdefault(bare, []).append((index, anywhere))
                    else:
                        # start of a word, or anywhere for `any:` terms (emoji, symbols)
                        parts.append(term if anywhere else rf"(?<!\w){term}")
            try:
                pattern = re.compile("|".join(f"(?:{p})" for p in parts)) if parts else None
            except re.error as exc:
                raise ValueError(f"indicators.yml: indicator {name!r}: bad term: {exc}") from None
            self.indicators.append(Indicator(name, body["supports"], body.get("description", ""), pattern))
        self._automaton = _automaton(words)
        self._folded = _automaton(folded)
        self.names = [i.name for i in self.indicators]
        self._regex = [(k, i.pattern.findall) for k, i in enumerate(self.indicators) if i.pattern is not None]

    def hits(self, text: str) -> list[int]:
        """How many times each indicator occurs in ``text``: its terms as written, or
        its long terms without diacritics in the text without them, whichever finds
        more (a post is counted once either way)."""
        low = text.lower()
        counts = _scan(self._automaton, low, len(self.indicators))
        bare = fold(low)
        for k, n in enumerate(_scan(self._folded, bare, len(self.indicators))):
            counts[k] = max(counts[k], n)
        for index, findall in self._regex:
            counts[index] += len(findall(low))
        return counts

    def fired(self, counts: list[int], label: str) -> list[str]:
        """The names to show for a decision: indicators of ``label`` first, then the
        others that fired (an advert's counter-signs and a benign post's advert words
        are both worth seeing)."""
        own = [i.name for i, n in zip(self.indicators, counts, strict=True) if n and i.supports == label]
        rest = [i.name for i, n in zip(self.indicators, counts, strict=True) if n and i.supports != label]
        return own + rest


#: Terms of at least this many letters also match without their diacritics.
FOLD_MIN = 5


def _automaton(words: dict[str, list[tuple[int, bool]]]) -> Any:
    automaton = ahocorasick.Automaton()
    for word, owners in words.items():
        automaton.add_word(word, (len(word), tuple(owners)))
    if words:
        automaton.make_automaton()
    return automaton


def _scan(automaton: Any, low: str, n: int) -> list[int]:
    """Occurrences per indicator of the automaton's words in ``low`` (at the start of
    a word, or anywhere for terms that may match inside words)."""
    counts = [0] * n
    if not len(automaton):
        return counts
    isword: Callable[[str], bool] = str.isalnum
    for end, (size, owners) in automaton.iter(low):
        start = end - size + 1
        at_word = start == 0 or not (isword(low[start - 1]) or low[start - 1] == "_")
        for index, anywhere in owners:
            if anywhere or at_word:
                counts[index] += 1
    return counts


def _data(name: str) -> str:
    return resources.files("crosslink.online").joinpath("data", name).read_text("utf-8")


@lru_cache(maxsize=1)
def indicator_set() -> IndicatorSet:
    return IndicatorSet(yaml.safe_load(_data("indicators.yml")))


@lru_cache(maxsize=1)
def load_labels() -> dict[str, Any]:
    """``labels.yml``: the label set, which labels are referred, the benign kinds."""
    spec: dict[str, Any] = yaml.safe_load(_data("labels.yml"))
    return spec
