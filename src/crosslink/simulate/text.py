"""Free text with gold spans: intelligence logs, partner reports and adverts.

Texts are composed piece by piece; every selector and name is appended through
:meth:`SpanText.mention`, which records its exact character offsets and the
normalised value the extraction stage should return. This is a Python loop per
report (string building has no vectorised form), so the callers keep the number
of text reports proportional to facilitators, not to all records. O(reports).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["SpanText", "Span", "display_name", "uk_date", "money_value"]


@dataclass(frozen=True)
class Span:
    type: str
    start: int
    end: int
    value: str
    entity: str | None  # true entity id (people, vehicles, accounts) or None


@dataclass
class SpanText:
    """A text under construction and the gold spans inside it."""

    parts: list[str] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    pos: int = 0

    def add(self, text: str) -> SpanText:
        self.parts.append(text)
        self.pos += len(text)
        return self

    def mention(self, text: str, type_: str, value: str, entity: str | None = None) -> SpanText:
        start = self.pos
        self.add(text)
        self.spans.append(Span(type_, start, self.pos, value, entity))
        return self

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _cap(token: str) -> str:
    if token.isupper() and len(token) > 1:
        return "-".join(p[:1] + p[1:].lower() for p in token.split("-"))
    return token


def display_name(given: str, family: str) -> str:
    """Gold value of a person mention: "Given Family", normal capitalisation."""
    return " ".join(_cap(t) for t in f"{given} {family}".split())


def uk_date(iso: str) -> str:
    """ISO (possibly partial) -> UK written form: 1990-05-12 -> 12/05/1990."""
    parts = iso.split("-")
    return "/".join(reversed(parts))


def money_value(amount: int, currency: str) -> str:
    return f"{amount} {currency}"
