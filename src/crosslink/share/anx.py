"""i2 Analyst's Notebook Exchange (ANX) charts, and a reader for the same structure.

No maintained Python library writes ANX (pyanx is a Python 2 binding generated from i2's
"Analyst's Notebook 7.xsd"), so the XML is written here with the standard library,
following the element and attribute names of those bindings:

- ``<Chart IdReferenceLinking="false">`` with, in the schema's order, ``GradeOne``,
  ``GradeTwo``, ``GradeThree`` (the chart's grading system: string collections that
  items index into), ``StrengthCollection``, ``AttributeClassCollection``,
  ``EntityTypeCollection``, ``LinkTypeCollection`` and ``ChartItemCollection``;
- an entity is a ``ChartItem`` holding ``End/Entity`` (``EntityId``, ``Identity``, an
  ``Icon`` whose ``IconStyle Type`` is the FtM schema) with one ``Card`` per report;
- a link is a ``ChartItem`` holding ``Link`` (``End1Id``/``End2Id``, ``LinkStyle``).

Grading: GradeOne holds source evaluations, GradeTwo information assessments, GradeThree
handling codes, each written ``code (scheme)``, so 3x5x2 maps straight onto the three
slots (1-3, A-E, P/C) and other schemes keep their own codes. Each item and card points
into them by ``Grade*Index`` and names its report in ``SourceReference``; ``SourceType``
is the grading scheme. Handling conditions travel as the ``Handling conditions``
attribute and in each card's text.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from crosslink.model.grading import SCHEMES
from crosslink.share.items import Item, Link, Marking, assemble

__all__ = ["AnxChart", "AnxItem", "read_anx", "write_anx"]

_SCHEMA_VERSION = "7.0.0.1"
_CONDITIONS = "Handling conditions"
_SCHEME = "Grading scheme"


def _grade_label(code: str, scheme: str | None) -> str:
    return f"{code} ({scheme})" if scheme else code


class _Grades:
    """The chart's three grade collections, filled as items are written."""

    def __init__(self) -> None:
        self.lists: tuple[list[str], list[str], list[str]] = ([], [], [])

    def index(self, axis: int, label: str | None) -> str | None:
        if not label:
            return None
        values = self.lists[axis]
        if label not in values:
            values.append(label)
        return str(values.index(label))

    def apply(self, element: ET.Element, mark: Marking) -> None:
        element.set("SourceReference", mark.report_id)
        if mark.grading_scheme:
            element.set("SourceType", mark.grading_scheme)
        for axis, attr, code in (
            (0, "GradeOneIndex", _grade_label(mark.grading_source or "", mark.grading_scheme) if mark.grading_source else None),
            (1, "GradeTwoIndex", _grade_label(mark.grading_info or "", mark.grading_scheme) if mark.grading_info else None),
            (2, "GradeThreeIndex", mark.handling_code),
        ):
            idx = self.index(axis, code)
            if idx is not None:
                element.set(attr, idx)


def _best(marks: set[Marking]) -> Marking | None:
    """The item's headline marking: the best-graded report within the first scheme."""
    def rank(m: Marking) -> tuple[str, int, int, str]:
        spec = SCHEMES.get(m.grading_scheme or "")
        if spec is None or m.grading_source not in spec.source or m.grading_info not in spec.info:
            return (m.grading_scheme or "~", 99, 99, m.report_id)
        return (m.grading_scheme or "", spec.source.index(m.grading_source), spec.info.index(m.grading_info),
                m.report_id)
    return min(marks, key=rank) if marks else None


_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?")


def _set_date(element: ET.Element, item: Item | None) -> None:
    """i2's timeline reads DateTime on a chart item: the earliest date the item states."""
    if item is None:
        return
    for prop in ("date", "startDate"):
        for value in sorted(item.props.get(prop, [])):
            m = _DATE.match(value)
            if m:
                hh, mm, ss = m.group(4) or "00", m.group(5) or "00", m.group(6) or "00"
                element.set("DateSet", "true")
                element.set("TimeSet", "true" if m.group(4) else "false")
                element.set("DateTime", f"{m.group(1)}-{m.group(2)}-{m.group(3)}T{hh}:{mm}:{ss}")
                return


def _cards(parent: ET.Element, item: Item | None, marks: set[Marking], grades: _Grades) -> None:
    cards = ET.SubElement(parent, "CardCollection")
    for mark in sorted(marks):
        stated = []
        if item is not None:
            stated = [f"{p}: {v}" for (p, v), ms in sorted(item.sources.items()) if mark in ms]
        text = "\n".join(stated)
        if mark.handling_conditions:
            text += f"\n{_CONDITIONS}: {mark.handling_conditions}"
        card = ET.SubElement(cards, "Card", Summary=f"Report {mark.report_id}", Text=text.strip())
        grades.apply(card, mark)


def _attributes(parent: ET.Element, item: Item | None, mark: Marking | None, classes: set[str]) -> None:
    attrs = ET.SubElement(parent, "AttributeCollection")
    values: list[tuple[str, str]] = []
    if item is not None:
        values = [(p, "; ".join(v)) for p, v in sorted(item.props.items())]
    if mark is not None and mark.grading_scheme:
        values.append((_SCHEME, mark.grading_scheme))
    if mark is not None and mark.handling_conditions:
        values.append((_CONDITIONS, mark.handling_conditions))
    for name, value in values:
        classes.add(name)
        ET.SubElement(attrs, "Attribute", AttributeClass=name, Value=value)


def write_anx(released: pa.Table, path: Path) -> None:
    """Write the released statements as an ANX chart (entities with cards, links, grades)."""
    nodes, links = assemble(released)
    grades = _Grades()
    classes: set[str] = set()
    entity_types: set[str] = set()
    link_types: set[str] = set()
    items = ET.Element("ChartItemCollection")
    for n, item in enumerate(nodes):
        entity_types.add(item.schema)
        mark = _best(item.markings)
        x, y = (n % 20) * 120, (n // 20) * 120
        ci = ET.SubElement(items, "ChartItem", Label=item.caption, Description=item.schema, XPosition=str(x))
        if mark is not None:
            grades.apply(ci, mark)
        end = ET.SubElement(ci, "End", X=str(x), Y=str(y))
        entity = ET.SubElement(end, "Entity", EntityId=item.id, Identity=item.id, LabelIsIdentity="false")
        icon = ET.SubElement(entity, "Icon")
        ET.SubElement(icon, "IconStyle", Type=item.schema)
        _cards(entity, item, item.markings, grades)
        _attributes(ci, item, mark, classes)
    for link in links:
        _write_link(items, link, grades, classes, link_types)
    chart = ET.Element("Chart", SchemaVersion=_SCHEMA_VERSION, IdReferenceLinking="false", Rigorous="true")
    for axis, name in enumerate(("GradeOne", "GradeTwo", "GradeThree")):
        strings = ET.SubElement(ET.SubElement(chart, name), "StringCollection")
        for label in grades.lists[axis]:
            ET.SubElement(strings, "String", Text=label)
    strengths = ET.SubElement(chart, "StrengthCollection")
    ET.SubElement(strengths, "Strength", Id="Confirmed", Name="Confirmed", DotStyle="DotStyleSolid")
    ET.SubElement(strengths, "Strength", Id="Unconfirmed", Name="Unconfirmed", DotStyle="DotStyleDashed")
    attr_classes = ET.SubElement(chart, "AttributeClassCollection")
    # Ids are xsd:ID (no spaces or colons): numbered, while names stay as the data says.
    for n, name in enumerate(sorted(classes)):
        ET.SubElement(attr_classes, "AttributeClass", Name=name, Type="AttText", Id=f"AC{n}",
                      ShowValue="true", IsUser="true")
    types = ET.SubElement(chart, "EntityTypeCollection")
    for n, name in enumerate(sorted(entity_types)):
        ET.SubElement(types, "EntityType", Name=name, IconFile=name, Id=f"ET{n}")
    ltypes = ET.SubElement(chart, "LinkTypeCollection")
    for n, name in enumerate(sorted(link_types)):
        ET.SubElement(ltypes, "LinkType", Name=name, Id=f"LT{n}")
    chart.append(items)
    tree = ET.ElementTree(chart)
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)


def _write_link(items: ET.Element, link: Link, grades: _Grades, classes: set[str], link_types: set[str]) -> None:
    link_types.add(link.kind)
    mark = _best(link.markings)
    # i2's strength says how sure the link is: an A/1-graded report makes it "Confirmed".
    confirmed = mark is not None and (mark.grading_info in ("A", "1"))
    ci = ET.SubElement(items, "ChartItem", Label=link.kind, Description=link.id)
    if mark is not None:
        grades.apply(ci, mark)
    _set_date(ci, link.item)
    element = ET.SubElement(ci, "Link", End1Id=link.source, End2Id=link.target)
    ET.SubElement(element, "LinkStyle", Type=link.kind, ArrowStyle="ArrowOnHead", MlStyle="MultiplicityMultiple",
                  Strength="Confirmed" if confirmed else "Unconfirmed")
    _cards(element, link.item, link.markings, grades)
    _attributes(ci, link.item, mark, classes)


@dataclass
class AnxItem:
    """One chart item as read back: an entity (``end1``/``end2`` None) or a link."""

    label: str
    type: str
    identity: str | None = None
    end1: str | None = None
    end2: str | None = None
    source_reference: str | None = None
    grades: tuple[str | None, str | None, str | None] = (None, None, None)
    cards: list[tuple[str | None, tuple[str | None, str | None, str | None]]] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)
    date: str | None = None


@dataclass
class AnxChart:
    grades: tuple[list[str], list[str], list[str]]
    entities: list[AnxItem]
    links: list[AnxItem]


def read_anx(path: Path) -> AnxChart:
    """Parse an ANX chart's grades, entities, links, cards and attributes (for tests and imports)."""
    root = ET.parse(path).getroot()  # noqa: S314  (our own output, or a partner's chart, parsed without DTDs)
    grades = tuple(
        [s.get("Text", "") for s in root.findall(f"{name}/StringCollection/String")]
        for name in ("GradeOne", "GradeTwo", "GradeThree")
    )

    def graded(element: ET.Element) -> tuple[str | None, str | None, str | None]:
        out: list[str | None] = []
        for axis, attr in enumerate(("GradeOneIndex", "GradeTwoIndex", "GradeThreeIndex")):
            idx = element.get(attr)
            out.append(grades[axis][int(idx)] if idx is not None else None)
        return out[0], out[1], out[2]

    entities: list[AnxItem] = []
    links: list[AnxItem] = []
    for ci in root.findall("ChartItemCollection/ChartItem"):
        attrs = {a.get("AttributeClass", ""): a.get("Value", "") for a in ci.findall("AttributeCollection/Attribute")}
        entity = ci.find("End/Entity")
        if entity is not None:
            style = entity.find("Icon/IconStyle")
            cards = [(c.get("SourceReference"), graded(c)) for c in entity.findall("CardCollection/Card")]
            entities.append(AnxItem(ci.get("Label", ""), style.get("Type", "") if style is not None else "",
                                    identity=entity.get("Identity"), source_reference=ci.get("SourceReference"),
                                    grades=graded(ci), cards=cards, attributes=attrs))
            continue
        link = ci.find("Link")
        if link is not None:
            style = link.find("LinkStyle")
            cards = [(c.get("SourceReference"), graded(c)) for c in link.findall("CardCollection/Card")]
            links.append(AnxItem(ci.get("Label", ""), style.get("Type", "") if style is not None else "",
                                 end1=link.get("End1Id"), end2=link.get("End2Id"),
                                 source_reference=ci.get("SourceReference"), grades=graded(ci), cards=cards,
                                 attributes=attrs, date=ci.get("DateTime")))
    return AnxChart((grades[0], grades[1], grades[2]), entities, links)
