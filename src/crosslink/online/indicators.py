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
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

__all__ = ["Indicator", "IndicatorSet", "indicator_set", "load_labels"]


@dataclass(frozen=True)
class Indicator:
    name: str
    supports: str
    description: str
    pattern: re.Pattern[str]


class IndicatorSet:
    """The compiled indicators, in the order the YAML lists them."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.indicators: list[Indicator] = []
        for name, body in spec["indicators"].items():
            parts: list[str] = []
            for lang, terms in body.items():
                if lang in ("supports", "description"):
                    continue
                for term in terms:
                    # start of a word, or anywhere for `any:` terms (emoji, symbols)
                    parts.append(term if lang == "any" else rf"(?<!\w){term}")
            try:
                pattern = re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE)
            except re.error as exc:
                raise ValueError(f"indicators.yml: indicator {name!r}: bad term: {exc}") from None
            self.indicators.append(Indicator(name, body["supports"], body.get("description", ""), pattern))
        self.names = [i.name for i in self.indicators]

    def hits(self, text: str) -> list[int]:
        """How many times each indicator occurs in ``text`` (lower-cased or not).
        O(len(text)) per indicator (one compiled alternation each)."""
        return [len(i.pattern.findall(text)) for i in self.indicators]

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
