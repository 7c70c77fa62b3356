"""Released statements as entities and links, with the provenance every writer carries.

Every writer (FtM, GEXF/GraphML, XLSX, ANX) starts from the released statements of a
:class:`~crosslink.share.export.SharePlan` and needs the same two things: entities with
their values, and the links between them. A link is an FtM edge schema (Payment, Family,
Ownership...) or a Call, whose two ends are both released; any other entity reference
(a Passport's holder, a Trip's vehicle) becomes a link named after its property. Each
entity and link keeps the reports behind it (report id, grading with its scheme, handling
code and conditions), so nothing leaves without its marking.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
from followthemoney import model

__all__ = ["LINK_ENDS", "Item", "Link", "Marking", "assemble"]

#: Link schemata and their (source, target) properties: FtM's edge schemata, plus Call,
#: which FtM 4 models as an interval but analysts chart as a link between two people.
LINK_ENDS: dict[str, tuple[str, str]] = {
    "Call": ("caller", "receiver"),
    **{
        s.name: (s.edge_source, s.edge_target)
        for s in model.schemata.values()
        if s.edge and s.edge_source and s.edge_target
    },
}


@dataclass(frozen=True, order=True)
class Marking:
    """One report's provenance as it leaves: id, grading with scheme, handling code."""

    report_id: str
    grading_scheme: str | None
    grading: str | None
    grading_source: str | None
    grading_info: str | None
    handling_code: str | None
    handling_conditions: str | None
    protected_source: bool = False

    def label(self) -> str:
        conditions = f" ({self.handling_conditions})" if self.handling_conditions else ""
        return f"{self.report_id} {self.grading_scheme} {self.grading} {self.handling_code}{conditions}"


@dataclass
class Item:
    """An entity with its released values and the reports behind them."""

    id: str
    schema: str
    props: dict[str, list[str]] = field(default_factory=dict)
    markings: set[Marking] = field(default_factory=set)
    #: (prop, value) -> the reports stating it
    sources: dict[tuple[str, str], set[Marking]] = field(default_factory=dict)

    @property
    def caption(self) -> str:
        schema = model.get(self.schema)
        names = schema.caption if schema is not None else ["name"]
        for prop in (*names, "name"):
            if self.props.get(prop):
                return sorted(self.props[prop])[0]
        return self.id

    def joined(self, prop: str) -> str:
        return "; ".join(self.props.get(prop, []))


@dataclass
class Link:
    """A link between two released entities: a link entity, or an entity reference."""

    id: str
    schema: str
    source: str
    target: str
    item: Item | None = None
    kind: str = ""
    #: the reports of the reference statement, for a link that is not a link entity
    stated_by: set[Marking] = field(default_factory=set)

    @property
    def markings(self) -> set[Marking]:
        return self.item.markings if self.item is not None else self.stated_by


def _marking(row: dict[str, Any]) -> Marking:
    return Marking(
        row["report_id"], row["grading_scheme"], row["grading"], row["grading_source"],
        row["grading_info"], row["handling_code"], row["handling_conditions"], bool(row["protected_source"]),
    )


def _schema(names: set[str]) -> str:
    """The most specific schema all the statements agree on (FtM's common schema)."""
    ordered = sorted(names)
    current = model.get(ordered[0])
    for name in ordered[1:]:
        other = model.get(name)
        if current is None or other is None:
            break
        try:
            current = model.common_schema(current, other)
        except Exception:  # noqa: BLE001  (FtM raises InvalidData for unrelated schemata)
            break
    return current.name if current is not None else ordered[0]


def assemble(released: pa.Table) -> tuple[list[Item], list[Link]]:
    """Entities (nodes) and links from released statements; links only between released entities."""
    rows = released.select(
        ["entity_id", "schema", "prop", "prop_type", "value", "report_id", "grading_scheme", "grading",
         "grading_source", "grading_info", "handling_code", "handling_conditions", "protected_source"]
    ).to_pylist()
    schemas: dict[str, set[str]] = defaultdict(set)
    items: dict[str, Item] = {}
    refs: list[tuple[str, str, str, Marking]] = []
    for row in rows:
        eid = row["entity_id"]
        schemas[eid].add(row["schema"])
        item = items.get(eid)
        if item is None:
            item = items[eid] = Item(eid, row["schema"])
        mark = _marking(row)
        values = item.props.setdefault(row["prop"], [])
        if row["value"] not in values:
            values.append(row["value"])
        item.markings.add(mark)
        item.sources.setdefault((row["prop"], row["value"]), set()).add(mark)
        if row["prop_type"] == "entity":
            refs.append((eid, row["prop"], row["value"], mark))
    for eid, names in schemas.items():
        items[eid].schema = _schema(names)
    links: list[Link] = []
    as_link: set[str] = set()
    for item in items.values():
        ends = LINK_ENDS.get(item.schema)
        if not ends:
            continue
        sources = [v for v in item.props.get(ends[0], []) if v in items]
        targets = [v for v in item.props.get(ends[1], []) if v in items]
        if sources and targets:
            as_link.add(item.id)
            for s in sources:
                for t in targets:
                    links.append(Link(item.id if len(sources) * len(targets) == 1 else f"{item.id}:{s}:{t}",
                                      item.schema, s, t, item, kind=item.schema))
    by_ref: dict[tuple[str, str, str], Link] = {}
    for eid, prop, value, mark in refs:
        if eid in as_link or value not in items:
            continue
        key = (eid, prop, value)
        if key not in by_ref:
            by_ref[key] = Link(f"{eid}:{prop}:{value}", items[eid].schema, eid, value, None, kind=prop)
            links.append(by_ref[key])
        by_ref[key].stated_by.add(mark)
    nodes = [items[k] for k in sorted(items) if k not in as_link]
    return nodes, links
