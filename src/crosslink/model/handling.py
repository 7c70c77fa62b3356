"""Handling codes: who may receive a report, and under what conditions.

Three families are in use (see the domain notes):

- UK 3x5x2: ``P`` (lawful sharing permitted) and ``C`` (permitted with conditions;
  the conditions travel with the code, e.g. ``C`` + "A2 S2").
- Legacy UK 5x5x5: ``1``-``5``, from "may go to other law enforcement agencies
  including EEA" (1) to "no further dissemination, refer to the originator" (5).
- Europol/SIENA: ``H0``-``H3``.

Enforcement (what a recipient may see) lives in the store's access policy; this
module only parses and describes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["HANDLING_CODES", "Handling", "parse_handling"]

Family = Literal["uk-3x5x2", "uk-5x5x5", "europol"]

HANDLING_CODES: dict[str, tuple[Family, str]] = {
    "P": ("uk-3x5x2", "Lawful sharing permitted"),
    "C": ("uk-3x5x2", "Lawful sharing permitted with conditions"),
    "1": ("uk-5x5x5", "May be disseminated to other law enforcement and prosecuting agencies, including EEA"),
    "2": ("uk-5x5x5", "May be disseminated to UK non-prosecuting parties"),
    "3": ("uk-5x5x5", "May be disseminated to non-EEA law enforcement agencies (special conditions)"),
    "4": ("uk-5x5x5", "Only within the originating agency"),
    "5": ("uk-5x5x5", "No further dissemination: refer to the originator"),
    "H0": ("europol", "Only to prevent and combat crime under the Europol Regulation"),
    "H1": ("europol", "Not to be disclosed in judicial proceedings without the provider's permission"),
    "H2": ("europol", "Not to be disseminated without the provider's permission"),
    "H3": ("europol", "Other restrictions (see conditions)"),
}

_FORM = re.compile(r"^\s*(H[0-9]|[A-Z0-9])\s*(?:[:+(\-]\s*(.*?)\)?)?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Handling:
    """A handling code and its free-text conditions (for ``C`` and ``H3`` above all)."""

    code: str
    conditions: str | None = None

    @property
    def family(self) -> Family:
        return HANDLING_CODES[self.code][0]

    @property
    def meaning(self) -> str:
        return HANDLING_CODES[self.code][1]

    def __str__(self) -> str:
        return f"{self.code} ({self.conditions})" if self.conditions else self.code


def parse_handling(text: str, conditions: str | None = None) -> Handling:
    """Parse 'P', 'C', 'C: A2 S2', 'H1', '4'. Raises GradingError for anything else."""
    from crosslink.model.grading import GradingError  # one error type for markings

    match = _FORM.match(text or "")
    if not match or match.group(1).upper() not in HANDLING_CODES:
        raise GradingError(
            f"invalid handling code {text!r}: use P or C (3x5x2), 1-5 (5x5x5) or H0-H3 (Europol)"
        )
    code = match.group(1).upper()
    inline = (match.group(2) or "").strip() or None
    merged = "; ".join(c for c in (inline, (conditions or "").strip() or None) if c) or None
    return Handling(code, merged)
