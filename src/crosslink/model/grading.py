"""Intelligence grading schemes, stored with the scheme they came from.

Four schemes are in use on the material crosslink ingests (see the domain notes):

- ``uk-3x5x2`` (College of Policing APP): source 1-3, intelligence assessment A-E.
  Written ``1B``, ``1/B``, ``1-B``; with a handling code ``1BP``, ``1/B/C``.
- ``uk-5x5x5`` (legacy NIM): source A-E, intelligence 1-5, handling 1-5. Written ``B3``,
  with handling ``B35``.
- ``europol-4x4`` (Regulation 2016/794 Art. 29): source A, B, C, X; information 1-4;
  handling H0-H3 (a separate code). Written ``B2``, ``A2 H1``.
- ``admiralty`` (NATO): source A-F, information 1-6. Written ``B2``.

A conversion between schemes is an analyst's recorded decision, never done here.

A letter-digit grading such as ``B2`` is valid in three schemes. Without an explicit
scheme, a handling code decides where it can (``H0``-``H3`` means Europol, a digit
1-5 means legacy 5x5x5) and otherwise the caller's ``default_scheme`` applies, which
defaults to ``uk-5x5x5`` because letter-digit grades on UK police material are legacy
NIM grades. Anything outside a scheme's ranges is rejected with a message that says
what the scheme allows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from crosslink.model.handling import Handling, parse_handling

__all__ = [
    "SCHEMES",
    "Grading",
    "GradingError",
    "Scheme",
    "parse_grading",
    "parse_marking",
]

Scheme = Literal["uk-3x5x2", "uk-5x5x5", "europol-4x4", "admiralty"]


@dataclass(frozen=True)
class SchemeSpec:
    """The codes a scheme allows, in order from best to worst."""

    name: Scheme
    source: tuple[str, ...]
    info: tuple[str, ...]
    source_first_is_digit: bool
    source_meaning: dict[str, str]
    info_meaning: dict[str, str]


SCHEMES: dict[str, SchemeSpec] = {
    "uk-3x5x2": SchemeSpec(
        "uk-3x5x2",
        source=("1", "2", "3"),
        info=("A", "B", "C", "D", "E"),
        source_first_is_digit=True,
        source_meaning={"1": "Reliable", "2": "Untested", "3": "Not reliable"},
        info_meaning={
            "A": "Known directly to the source",
            "B": "Known indirectly to the source but corroborated",
            "C": "Known indirectly to the source",
            "D": "Not known",
            "E": "Suspected to be false",
        },
    ),
    "uk-5x5x5": SchemeSpec(
        "uk-5x5x5",
        source=("A", "B", "C", "D", "E"),
        info=("1", "2", "3", "4", "5"),
        source_first_is_digit=False,
        source_meaning={
            "A": "Always reliable",
            "B": "Mostly reliable",
            "C": "Sometimes reliable",
            "D": "Unreliable",
            "E": "Untested source",
        },
        info_meaning={
            "1": "Known to be true without reservation",
            "2": "Known personally to source but not to officer",
            "3": "Not personally known to source but corroborated",
            "4": "Cannot be judged",
            "5": "Suspected to be false or malicious",
        },
    ),
    "europol-4x4": SchemeSpec(
        "europol-4x4",
        source=("A", "B", "C", "X"),
        info=("1", "2", "3", "4"),
        source_first_is_digit=False,
        source_meaning={
            "A": "No doubt of authenticity, trustworthiness and competence",
            "B": "In most instances proved reliable",
            "C": "In most instances proved unreliable",
            "X": "Reliability cannot be assessed",
        },
        info_meaning={
            "1": "Accuracy not in doubt",
            "2": "Known personally to the source but not to the official passing it on",
            "3": "Not known personally to the source but corroborated",
            "4": "Not known personally to the source and not corroborated",
        },
    ),
    "admiralty": SchemeSpec(
        "admiralty",
        source=("A", "B", "C", "D", "E", "F"),
        info=("1", "2", "3", "4", "5", "6"),
        source_first_is_digit=False,
        source_meaning={
            "A": "Completely reliable",
            "B": "Usually reliable",
            "C": "Fairly reliable",
            "D": "Not usually reliable",
            "E": "Unreliable",
            "F": "Reliability cannot be judged",
        },
        info_meaning={
            "1": "Confirmed by other sources",
            "2": "Probably true",
            "3": "Possibly true",
            "4": "Doubtful",
            "5": "Improbable",
            "6": "Truth cannot be judged",
        },
    ),
}


class GradingError(ValueError):
    """A grading or handling code that no scheme accepts."""


@dataclass(frozen=True, order=True)
class Grading:
    """One report's grading: scheme, source evaluation and information assessment."""

    scheme: Scheme
    source: str
    info: str

    @property
    def spec(self) -> SchemeSpec:
        return SCHEMES[self.scheme]

    def __str__(self) -> str:
        return f"{self.source}{self.info}"

    @property
    def rank(self) -> tuple[int, int]:
        """(source rank, info rank) within the scheme; 0 is best. Comparable only
        within one scheme: filters across schemes must name a threshold per scheme."""
        return self.spec.source.index(self.source), self.spec.info.index(self.info)

    def at_least(self, other: Grading) -> bool:
        """True when this grading is as good as ``other`` or better on both axes.

        Gradings from different schemes are not comparable (no automatic
        conversion), so this is False across schemes.
        """
        if self.scheme != other.scheme:
            return False
        mine, theirs = self.rank, other.rank
        return mine[0] <= theirs[0] and mine[1] <= theirs[1]

    def describe(self) -> str:
        spec = self.spec
        return (
            f"{self.scheme} {self}: source {self.source} ({spec.source_meaning[self.source]}), "
            f"information {self.info} ({spec.info_meaning[self.info]})"
        )


def _check(scheme: Scheme, source: str, info: str, text: str) -> Grading:
    spec = SCHEMES[scheme]
    if source not in spec.source or info not in spec.info:
        raise GradingError(
            f"invalid {scheme} grading {text!r}: source must be one of "
            f"{'/'.join(spec.source)} and information one of {'/'.join(spec.info)}"
        )
    return Grading(scheme, source, info)


_SEP = r"[\s/\-.,]*"
_DIGIT_LETTER = re.compile(rf"^([0-9]){_SEP}([A-Za-z])$")
_LETTER_DIGIT = re.compile(rf"^([A-Za-z]){_SEP}([0-9])$")
_WITH_HANDLING = re.compile(rf"^([0-9A-Za-z]){_SEP}([0-9A-Za-z]){_SEP}(H[0-9]|[A-Za-z]|[0-9])$")
_EUROPOL_SPLIT = re.compile(rf"^(.+?){_SEP}\b(H[0-9])$", re.IGNORECASE)


def parse_grading(text: str, scheme: str | None = None, *, default_scheme: str = "uk-5x5x5") -> Grading:
    """Parse a written grading without a handling code ('1B', 'B2', 'X3').

    ``scheme`` forces the scheme; otherwise digit-letter means uk-3x5x2 and
    letter-digit means ``default_scheme`` (see the module docstring), except that a
    source of X only exists in Europol's scheme.
    """
    grading, handling = parse_marking(text, scheme, default_scheme=default_scheme)
    if handling is not None:
        raise GradingError(
            f"{text!r} holds a handling code ({handling}); give the grading alone, "
            "and the handling code separately"
        )
    return grading


def parse_marking(
    text: str, scheme: str | None = None, *, default_scheme: str = "uk-5x5x5"
) -> tuple[Grading, Handling | None]:
    """Parse a grading with an optional handling code: '1BP', '1/B/C', 'B35', 'A2 H1', 'B2P'.

    Returns the grading and the handling code (None when the text has none).
    Raises GradingError naming what is wrong.
    """
    raw = text
    text = text.strip().upper()
    if not text:
        raise GradingError("empty grading")
    if scheme is not None and scheme not in SCHEMES:
        raise GradingError(f"unknown grading scheme {scheme!r}: use one of {', '.join(SCHEMES)}")
    if default_scheme not in SCHEMES:
        raise GradingError(f"unknown grading scheme {default_scheme!r}")

    handling: Handling | None = None
    split = _EUROPOL_SPLIT.match(text)
    if split:
        text, handling = split.group(1).strip(" /-.,"), parse_handling(split.group(2))
    core = None
    if handling is None:
        full = _WITH_HANDLING.match(text)
        if full and not (_DIGIT_LETTER.match(text) or _LETTER_DIGIT.match(text)):
            core = full.group(1) + full.group(2)
            handling = parse_handling(full.group(3))
    core = core or text.replace(" ", "").replace("/", "").replace("-", "").replace(".", "")

    dl = _DIGIT_LETTER.match(core)
    ld = _LETTER_DIGIT.match(core)
    if dl:
        chosen = scheme or "uk-3x5x2"
        if SCHEMES[chosen].source_first_is_digit is False:
            raise GradingError(f"invalid {chosen} grading {raw!r}: it is written letter then digit")
        grading = _check(chosen, dl.group(1), dl.group(2), raw)  # type: ignore[arg-type]
    elif ld:
        if scheme is not None:
            chosen = scheme
        elif ld.group(1) == "X" or (handling is not None and handling.family == "europol"):
            chosen = "europol-4x4"
        elif handling is not None and handling.family == "uk-5x5x5":
            chosen = "uk-5x5x5"
        else:
            chosen = default_scheme
        if SCHEMES[chosen].source_first_is_digit:
            raise GradingError(f"invalid {chosen} grading {raw!r}: it is written digit then letter")
        grading = _check(chosen, ld.group(1), ld.group(2), raw)  # type: ignore[arg-type]
    else:
        raise GradingError(
            f"cannot read grading {raw!r}: expected forms like 1B (3x5x2), B3 (5x5x5), "
            "B2 H1 (Europol 4x4), optionally followed by a handling code (1BP, B35)"
        )
    if handling is not None:
        _check_handling_fits(grading, handling, raw)
    return grading, handling


def _check_handling_fits(grading: Grading, handling: Handling, raw: str) -> None:
    allowed = {
        "uk-3x5x2": {"uk-3x5x2"},
        "uk-5x5x5": {"uk-5x5x5", "uk-3x5x2"},
        "europol-4x4": {"europol", "uk-3x5x2"},
        "admiralty": {"uk-3x5x2", "europol", "uk-5x5x5"},
    }[grading.scheme]
    if handling.family not in allowed:
        raise GradingError(
            f"handling code {handling.code} in {raw!r} does not belong with a "
            f"{grading.scheme} grading"
        )
