"""Filters every network analysis accepts: grading, handling code, time, compartment, link types.

A filter is applied once, when the graph is built from the workspace, so every analysis
run on that graph sees the same evidence. Gradings are compared **within their own
scheme**: converting between schemes is an analyst decision the platform records, never
an automatic rewrite, so a report graded in a scheme for which no minimum was given is
left out when any minimum grading is set (and counted in the provenance).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crosslink.errors import InputError
from crosslink.model.grading import SCHEMES, GradingError
from crosslink.model.grading import parse_grading as model_parse_grading
from crosslink.model.statement import NON_SUSPECT_ROLES

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
PROTECTED_ROLES: frozenset[str] = NON_SUSPECT_ROLES

@dataclass(frozen=True)
class Grading:
    """A minimum grading as the analyst wrote it, with the scheme it belongs to.

    ``scheme`` None means "whichever scheme this written form is valid in": the
    minimum is then read in each report's own scheme. Parsing and comparison are
    the model's (:mod:`crosslink.model.grading`); nothing is converted.
    """

    written: str
    scheme: str | None = None


def parse_grading(written: str, scheme: str | None = None) -> Grading:
    """Check a minimum grading such as ``1B`` (3x5x2) or ``B2`` with an optional scheme."""
    try:
        if scheme is not None:
            model_parse_grading(written, scheme)
        else:
            # Valid in at least one scheme (a letter-digit form fits several).
            if not any(_valid(written, name) for name in SCHEMES):
                model_parse_grading(written)
    except GradingError as exc:
        raise InputError(f"not a grading: {exc}") from None
    return Grading(written.strip().upper(), scheme)


def _valid(written: str, scheme: str) -> bool:
    try:
        model_parse_grading(written, scheme)
    except GradingError:
        return False
    return True


def grading_passes(scheme: str | None, written: str | None, minimums: tuple[Grading, ...]) -> bool:
    """True when a report's grading is at least as good as a minimum in its own scheme.

    A minimum without a scheme applies to every scheme its written form is valid in.
    Missing or unparseable gradings fail; gradings of other schemes never compare.
    """
    if not minimums:
        return True
    if not written or scheme not in SCHEMES:
        return False
    try:
        grading = model_parse_grading(written, scheme)
    except GradingError:
        return False
    for minimum in minimums:
        if minimum.scheme is not None and minimum.scheme != scheme:
            continue
        if not _valid(minimum.written, scheme):
            continue
        if grading.at_least(model_parse_grading(minimum.written, scheme)):
            return True
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
