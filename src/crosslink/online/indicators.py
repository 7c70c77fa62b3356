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
        self._automaton = ahocorasick.Automaton()
        words: dict[str, list[tuple[int, bool]]] = {}
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
                    else:
                        # start of a word, or anywhere for `any:` terms (emoji, symbols)
                        parts.append(term if anywhere else rf"(?<!\w){term}")
            try:
                pattern = re.compile("|".join(f"(?:{p})" for p in parts)) if parts else None
            except re.error as exc:
                raise ValueError(f"indicators.yml: indicator {name!r}: bad term: {exc}") from None
            self.indicators.append(Indicator(name, body["supports"], body.get("description", ""), pattern))
        for word, owners in words.items():
            self._automaton.add_word(word, (len(word), tuple(owners)))
        self._automaton.make_automaton()
        self.names = [i.name for i in self.indicators]
        self._regex = [(k, i.pattern.findall) for k, i in enumerate(self.indicators) if i.pattern is not None]

    def hits(self, text: str) -> list[int]:
        """How many times each indicator occurs in ``text``."""
        low = text.lower()
        counts = [0] * len(self.indicators)
        isword: Callable[[str], bool] = str.isalnum
        for end, (size, owners) in self._automaton.iter(low):
            start = end - size + 1
            at_word = start == 0 or not (isword(low[start - 1]) or low[start - 1] == "_")
            for index, anywhere in owners:
                if anywhere or at_word:
                    counts[index] += 1
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
