"""Who a plan may name: the kinds of node, and which of them may be targets.

A network built from a workspace holds more than people: organisations, vehicles and
accounts, documents and notes that mention a phone, and shared selectors. They all
carry links (a note that two people's phones appear in is evidence that connects
them), so they stay in the graph. But an arrest order, a "key players" list or a
broker ranking names **people**, and organisations only when the analyst asks: never a
note, a report, a document or a phone number.

The kind of a node comes from its FollowTheMoney schema (``kind_of``). Networks read
from an edge list or an adjacency matrix have no schema: their nodes are whatever the
analyst's file says they are (usually people), so they count as ``unknown`` and are
targetable.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
from followthemoney import model

from crosslink.errors import InputError
from crosslink.network.filters import PROTECTED_ROLES

if TYPE_CHECKING:
    from crosslink.network.graph import Network

__all__ = [
    "DEFAULT_TARGETS",
    "KINDS",
    "TARGET_KINDS",
    "kind_of",
    "parse_targets",
    "target_mask",
    "targeting_policy",
]

#: Every kind a node can have, in the order the policy note lists them.
KINDS: tuple[str, ...] = (
    "person", "organisation", "thing", "document", "event", "selector", "other", "unknown",
)
#: Kinds an analyst may ask to target (``--targets person,organisation``).
TARGET_KINDS: frozenset[str] = frozenset({"person", "organisation"})
#: People only, unless the analyst asks for organisations too.
DEFAULT_TARGETS: frozenset[str] = frozenset({"person"})

# FtM ancestors that decide a kind, most specific first. LegalEntity is FtM's "a person
# or an organisation, we do not know which": it is not a person, so it is an
# organisation for targeting (left out unless asked for).
_ANCESTORS: tuple[tuple[str, str], ...] = (
    ("Person", "person"),
    ("Organization", "organisation"),
    ("LegalEntity", "organisation"),
    ("Document", "document"),
    ("Note", "document"),
    ("Mention", "document"),
    ("Event", "event"),
    ("Interval", "event"),
    ("Thing", "thing"),
)


@lru_cache(maxsize=256)
def kind_of(schema: str | None) -> str:
    """The kind of a node with this schema ("Selector:phone" nodes are selectors)."""
    if not schema:
        return "unknown"
    if schema.startswith("Selector"):
        return "selector"
    found = model.get(schema)
    if found is None:
        return "other"
    for ancestor, kind in _ANCESTORS:
        if found.is_a(ancestor):
            return kind
    return "other"


def parse_targets(text: str | Iterable[str] | None) -> frozenset[str]:
    """``"person,organisation"`` -> the kinds; raises InputError naming what is allowed."""
    if text is None:
        return DEFAULT_TARGETS
    items = text.split(",") if isinstance(text, str) else list(text)
    aliases = {"people": "person", "persons": "person", "organisations": "organisation",
               "organization": "organisation", "organizations": "organisation", "orgs": "organisation"}
    kinds = {aliases.get(k.strip().lower(), k.strip().lower()) for k in items if k.strip()}
    wrong = sorted(kinds - TARGET_KINDS)
    if wrong or not kinds:
        raise InputError(
            f"targets must be person and/or organisation, not {', '.join(wrong) or 'nothing'}: "
            "documents, notes, reports and selectors are never targets"
        )
    return frozenset(kinds)


def node_kinds(net: Network) -> np.ndarray:
    """Kind per node (object array), from the node's schema. O(n) over distinct schemata."""
    schema = net.nodes.column("schema").to_pylist()
    return np.array([kind_of(s) for s in schema], dtype=object)


def target_mask(
    net: Network,
    targets: Iterable[str] = DEFAULT_TARGETS,
    *,
    include_protected: bool = False,
) -> np.ndarray:
    """Which nodes a plan or ranking may name.

    A node qualifies when its kind is one of ``targets`` (or ``unknown``: an edge-list
    network's nodes), and, unless ``include_protected``, it is not recorded as a
    migrant, victim or witness. Selectors, documents, things and events never do.
    """
    wanted = set(targets) | {"unknown"}
    kinds = node_kinds(net)
    mask = np.isin(kinds, np.array(sorted(wanted), dtype=object))
    if not include_protected:
        mask &= _not_protected(net)
    return mask


def _not_protected(net: Network) -> np.ndarray:
    # The builders' ``targetable`` column: False for people recorded as migrant, victim
    # or witness (or ids an edge list's caller marked protected), and for selectors.
    return np.asarray(net.nodes.column("targetable").to_numpy(zero_copy_only=False), bool)


def targeting_policy(
    net: Network, targets: Iterable[str] = DEFAULT_TARGETS, *, include_protected: bool = False
) -> dict[str, Any]:
    """What the plan may name and what it leaves out, for the report and the CLI."""
    targets = frozenset(targets)
    kinds = node_kinds(net)
    counts = {k: int((kinds == k).sum()) for k in KINDS if (kinds == k).any()}
    protected = int((~_not_protected(net) & np.isin(kinds, ["person", "unknown"])).sum())
    mask = target_mask(net, targets, include_protected=include_protected)
    left_out = {k: n for k, n in counts.items() if k not in targets and k != "unknown"}
    parts = [f"{n:,} {k}{'' if n == 1 else 's'}" for k, n in left_out.items()]
    named = " and ".join(n for t, n in (("person", "people"), ("organisation", "organisations")) if t in targets)
    note = (
        f"Targets are {named} only: documents, notes, reports, selectors and things are "
        "never proposed. "
        + (f"Left out of targeting but kept in the network as links: {', '.join(parts)}. " if parts else "")
        + (
            "People recorded as migrant, victim or witness were INCLUDED on the analyst's request."
            if include_protected
            else f"{protected:,} people recorded as migrant, victim or witness stay in the network "
            "but are never targets."
            if protected
            else ""
        )
    )
    if not mask.any() and counts.get("selector"):
        note = note.rstrip() + (
            " This network links phones, accounts or other selectors only: to name the people "
            "behind them, map each party to an entity (e.g. Call.caller: {entity: caller} with "
            "a Person keyed by the number; see docs/mappings.md)."
        )
    return {
        "targets": sorted(targets),
        "protected_roles": sorted(PROTECTED_ROLES),
        "protected_excluded_from_targeting": not include_protected,
        "nodes_by_kind": counts,
        "nodes_targetable": int(mask.sum()),
        "nodes_not_targetable": int((~mask).sum()),
        "note": note,
    }
