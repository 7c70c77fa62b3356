"""Filters every network analysis accepts: grading, handling code, time, compartment, link types.

A filter is applied once, when the graph is built from the workspace, so every analysis
run on that graph sees the same evidence. Gradings are compared **within their own
scheme**: converting between schemes is an analyst decision the platform records, never
an automatic rewrite, so a report graded in a scheme for which no minimum was given is
left out when any minimum grading is set (and counted in the provenance).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crosslink.errors import InputError

__all__ = [
    "LINK_SCHEMATA",
    "PROTECTED_ROLES",
    "NetworkFilter",
    "Grading",
    "parse_grading",
    "grading_passes",
]

#: Link schemata that become edges, as ingested (FtM 4).
LINK_SCHEMATA: tuple[str, ...] = (
    "Call",
    "Payment",
    "Associate",
    "Family",
    "UnknownLink",
    "Membership",
    "Ownership",
    "Trip",
    "Selector",
)

#: People in these roles are smuggled, exploited or witnesses: never targets by default.
PROTECTED_ROLES: frozenset[str] = frozenset({"migrant", "victim", "witness"})

_SCHEMES = ("uk-3x5x2", "uk-5x5x5", "europol-4x4", "admiralty")
_GRADING_RE = re.compile(r"^\s*(?:([A-Fa-fXx])\s*([1-6])|([1-6])\s*([A-Fa-f]))\s*$")


@dataclass(frozen=True)
class Grading:
    """A grading reduced to two ranks, 1 = best, comparable within one scheme.

    ``source`` is the source-reliability rank (letter in 5x5x5/Europol/Admiralty, the
    digit 1-3 in the UK 3x5x2 scheme); ``info`` the information-assessment rank.
    """

    scheme: str | None
    source: int
    info: int
    written: str


def _letter_rank(letter: str) -> int:
    letter = letter.upper()
    if letter == "X":  # Europol: source reliability cannot be assessed, the worst
        return 4
    return ord(letter) - ord("A") + 1


def parse_grading(written: str, scheme: str | None = None) -> Grading:
    """Parse a written grading such as ``1B`` (UK 3x5x2) or ``B2`` (Europol/Admiralty)."""
    m = _GRADING_RE.match(written or "")
    if m is None:
        raise InputError(f"not a grading: {written!r} (expected e.g. 1B, B2)")
    if m.group(1):
        source, info = _letter_rank(m.group(1)), int(m.group(2))
        guessed = "europol-4x4" if m.group(1).upper() == "X" else None
    else:
        source, info = int(m.group(3)), _letter_rank(m.group(4))
        guessed = "uk-3x5x2"
    if scheme is not None and scheme not in _SCHEMES:
        raise InputError(f"unknown grading scheme {scheme!r}; one of {', '.join(_SCHEMES)}")
    return Grading(scheme or guessed, source, info, written.strip().upper())


def grading_passes(scheme: str | None, written: str | None, minimums: tuple[Grading, ...]) -> bool:
    """True when a report's grading is at least as good as the minimum for its scheme.

    A minimum without a scheme applies to any scheme whose written form has the same
    shape (digit-letter vs letter-digit). Unparseable or missing gradings fail.
    """
    if not minimums:
        return True
    if not written:
        return False
    try:
        g = parse_grading(written)
    except InputError:
        return False
    shape_digit_first = written.strip()[:1].isdigit()
    for m in minimums:
        if m.scheme is not None and scheme is not None and m.scheme != scheme:
            continue
        if m.written[:1].isdigit() != shape_digit_first:
            continue
        if g.source <= m.source and g.info <= m.info:
            return True
    return False


@dataclass(frozen=True)
class NetworkFilter:
    """What evidence a network is built from. Empty fields mean "no restriction".

    ``compartments`` are the compartments the analyst may see: reports outside every
    compartment always pass; reports in a compartment pass only when it is listed.
    ``since``/``until`` bound the link's date (ISO, ``until`` exclusive); links without
    any date are left out when a window is set, since we cannot place them in it.
    """

    min_gradings: tuple[Grading, ...] = ()
    handling_codes: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    compartments: tuple[str, ...] | None = None
    link_types: tuple[str, ...] = field(default=LINK_SCHEMATA)

    @property
    def restricts_reports(self) -> bool:
        return bool(self.min_gradings or self.handling_codes or self.compartments is not None)

    def describe(self) -> dict[str, object]:
        """A JSON-ready description, written into every report."""
        return {
            "min_gradings": [
                f"{g.written} ({g.scheme or 'any scheme'})" for g in self.min_gradings
            ],
            "handling_codes": list(self.handling_codes),
            "since": self.since,
            "until": self.until,
            "compartments": None if self.compartments is None else list(self.compartments),
            "link_types": list(self.link_types),
        }

    def __post_init__(self) -> None:
        unknown = set(self.link_types) - set(LINK_SCHEMATA)
        if unknown:
            raise InputError(
                f"unknown link type(s) {', '.join(sorted(unknown))}; "
                f"choose from {', '.join(LINK_SCHEMATA)}"
            )
