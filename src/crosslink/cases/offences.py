"""The offence list and the elements to prove, read from ``data/offences.yaml``.

The list is data, not code, so a prosecutor's office can extend it without a release:
each offence has its statute, a title and its elements, and each element names the
kinds of fact that tend to prove it (see :mod:`crosslink.cases.facts`). The same file
says what may never be used as evidence (protected sources, Europol H1, "intelligence
only" conditions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from crosslink.errors import InputError

__all__ = [
    "FACT_KINDS",
    "Element",
    "EvidencePolicy",
    "Offence",
    "evidence_policy",
    "get_offence",
    "offences",
]

FACT_KINDS = frozenset({"role", "payment", "call", "event", "link", "mention", "identity"})
_FILE = "offences.yaml"


@dataclass(frozen=True)
class Element:
    key: str
    text: str
    kinds: tuple[str, ...]
    counterpart_roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Offence:
    key: str
    statute: str
    title: str
    elements: tuple[Element, ...]

    @property
    def label(self) -> str:
        return f"{self.title} ({self.statute})"


@dataclass(frozen=True)
class EvidencePolicy:
    """What may not be used as evidence (it goes to the sensitive schedule)."""

    protected_source: bool
    handling_codes: frozenset[str]
    conditions: tuple[re.Pattern[str], ...]

    def reason(self, *, protected: bool | None, code: str | None, conditions: str | None) -> str | None:
        """Why a report may not be evidence, as a category that names no source; None if it may."""
        if self.protected_source and protected:
            return "source protection"
        if code and code.upper() in self.handling_codes:
            return f"handling code {code.upper()}"
        if conditions and any(p.search(conditions) for p in self.conditions):
            return "handling conditions: intelligence only"
        return None


def _load_text() -> str:
    return resources.files("crosslink.cases").joinpath("data").joinpath(_FILE).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _data() -> dict[str, object]:
    data = yaml.safe_load(_load_text())
    if not isinstance(data, dict) or not isinstance(data.get("offences"), dict):
        raise InputError("offences.yaml: needs a mapping 'offences'", file=_FILE)
    return data


@lru_cache(maxsize=1)
def offences() -> dict[str, Offence]:
    """Every offence by key, checked: unknown fact kinds are named with their element."""
    raw = _data()["offences"]
    assert isinstance(raw, dict)
    out: dict[str, Offence] = {}
    for key, spec in raw.items():
        elements = []
        for number, el in enumerate(spec.get("elements") or [], start=1):
            kinds = tuple(el.get("kinds") or ())
            wrong = sorted(set(kinds) - FACT_KINDS)
            if wrong or not kinds:
                raise InputError(
                    f"offence {key} element {number}: fact kinds must be some of "
                    f"{', '.join(sorted(FACT_KINDS))}, not {', '.join(wrong) or 'nothing'}",
                    file=_FILE,
                )
            elements.append(Element(
                str(el["key"]), str(el["text"]), kinds, tuple(el.get("counterpart_roles") or ())
            ))
        if not elements:
            raise InputError(f"offence {key}: no elements to prove", file=_FILE)
        out[str(key)] = Offence(str(key), str(spec["statute"]), str(spec["title"]), tuple(elements))
    return out


def get_offence(key: str) -> Offence:
    """One offence by key (case-insensitive); InputError listing the known keys otherwise."""
    known = offences()
    found = known.get(key) or known.get(key.lower())
    if found is None:
        raise InputError(f"unknown offence {key!r}: use one of {', '.join(known)}")
    return found


@lru_cache(maxsize=1)
def evidence_policy() -> EvidencePolicy:
    raw = _data().get("not_evidence") or {}
    assert isinstance(raw, dict)
    return EvidencePolicy(
        protected_source=bool(raw.get("protected_source", True)),
        handling_codes=frozenset(str(c).upper() for c in raw.get("handling_codes") or ()),
        conditions=tuple(re.compile(str(p), re.IGNORECASE) for p in raw.get("conditions") or ()),
    )
