"""Partner packages in: FtM entity streams and STIX 2.1 bundles, keeping the partner's markings.

Both become FtM entity fragments grouped by marking (report, grading with its scheme,
handling code and conditions); each group is ingested by :func:`crosslink.ingest.ftm.ingest_ftm`
as one report whose originator is the partner, so cleaning, validation and the
"re-running adds nothing" rule are the ingest's own. The whole package is checked
before anything is written (schemata, properties, markings), so bad input stops with one
message naming the file, line or object and field, and the workspace is left as it was.

- **FtM**: a stream written by ``crosslink share export --format ftm`` carries each
  value's marking in its statement ``origin``; the partner's own report ids, gradings
  (in their scheme) and handling codes are kept. A plain FtM stream (no statements) takes
  the marking given on the command line for the whole file.
- **STIX 2.1**: identities, threat actors, intrusion sets and campaigns become Person,
  Organization, LegalEntity and Event entities; relationships between them UnknownLinks.
  TLP markings (the STIX 2.1 TLP 1.0 definitions, TLP 2.0 extension ids, or inline
  ``tlp`` definitions) map to handling codes: CLEAR/WHITE -> P; GREEN, AMBER and
  AMBER+STRICT -> C with the TLP rule as the condition; RED -> 5 (no further
  dissemination). Gradings use the NATO Admiralty scheme that STIX's confidence scale
  follows (STIX 2.1 appendix A): information 1-6 from ``confidence``, source from the
  partner's option (default F, "cannot be judged"). The most restrictive TLP wins.
  The stdlib parses the JSON: the ``stix2`` package is not needed for reading.
"""

from __future__ import annotations

import json
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from followthemoney import model

from crosslink.errors import InputError
from crosslink.ingest.ftm import ingest_ftm
from crosslink.ingest.reports import ReportOptions
from crosslink.model.grading import GradingError, parse_grading
from crosslink.model.handling import parse_handling
from crosslink.share.ftm import read_origin
from crosslink.store.session import Session

__all__ = ["ImportResult", "TLP_HANDLING", "import_ftm", "import_stix"]


@dataclass(frozen=True, order=True)
class _Mark:
    report: str
    scheme: str | None
    grading: str
    handling: str
    conditions: str | None


@dataclass
class ImportResult:
    file: str
    partner: str
    reports: int = 0
    entities: int = 0
    statements: int = 0
    new_statements: int = 0
    skipped_objects: dict[str, int] = field(default_factory=dict)
    markings: dict[str, int] = field(default_factory=dict)


#: TLP level -> (handling code, condition that travels with it).
TLP_HANDLING: dict[str, tuple[str, str | None]] = {
    "clear": ("P", None),
    "white": ("P", None),
    "green": ("C", "TLP:GREEN: within the recipient's community, not public"),
    "amber": ("C", "TLP:AMBER: recipient's organisation and its clients, need-to-know only"),
    "amber+strict": ("C", "TLP:AMBER+STRICT: recipient's organisation only, need-to-know"),
    "red": ("5", "TLP:RED: named recipients only, no further disclosure"),
}
_TLP_ORDER = ("clear", "white", "green", "amber", "amber+strict", "red")
#: Well-known marking-definition ids (STIX 2.1 section 7.2.1.4; TLP 2.0 extension).
_TLP_IDS = {
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": "white",
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": "green",
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": "amber",
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": "red",
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487": "clear",
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb": "green",
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421": "amber",
    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003": "amber+strict",
    "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1": "red",
}


def _check_mark(mark: _Mark, file: str, row: int | None, column: str) -> None:
    try:
        parse_grading(mark.grading, mark.scheme)
        parse_handling(mark.handling)
    except GradingError as exc:
        raise InputError(str(exc), file=file, row=row, column=column) from None


def _check_entity(data: dict[str, Any], file: str, row: int | None) -> None:
    schema = model.get(str(data.get("schema")))
    if not data.get("id"):
        raise InputError("entity has no id", file=file, row=row, column="id")
    if schema is None:
        raise InputError(f"unknown FtM schema {data.get('schema')!r}", file=file, row=row, column="schema")


def _ingest_groups(
    session: Session, path: Path, partner: str, groups: dict[_Mark, dict[str, dict[str, Any]]],
    compartment: str | None, result: ImportResult,
) -> ImportResult:
    """Ingest each marking's fragments as one partner report (sorted, so re-runs match)."""
    with tempfile.TemporaryDirectory(prefix="crosslink-import-") as tmp:
        for n, mark in enumerate(sorted(groups)):
            part = Path(tmp) / f"part-{n}.ftm.json"
            with part.open("w", encoding="utf-8") as out:
                for eid in sorted(groups[mark]):
                    out.write(json.dumps(groups[mark][eid], ensure_ascii=False, sort_keys=True) + "\n")
            options = ReportOptions(
                title=f"{partner} report {mark.report}", originator=partner, originator_kind="partner",
                compartment=compartment, grading=mark.grading, grading_scheme=mark.scheme,
                handling=mark.handling, handling_conditions=mark.conditions, dataset=f"{partner}:{mark.report}",
            )
            done = ingest_ftm(session, part, options)
            # The part file is gone after this call: reports name the partner's file instead.
            session.con.execute("UPDATE reports SET source_file = ? WHERE source_file = ?", [str(path), str(part)])
            session.con.execute("UPDATE ingests SET source_file = ? WHERE source_file = ?", [str(path), str(part)])
            result.reports += done.reports
            result.statements += done.statements
            result.new_statements += done.new_statements
            key = f"{mark.scheme} {mark.grading} {mark.handling}"
            result.markings[key] = result.markings.get(key, 0) + len(groups[mark])
    result.entities = len({eid for g in groups.values() for eid in g})
    return result


def import_ftm(
    session: Session, path: Path, *, partner: str, grading: str | None = None, scheme: str | None = None,
    handling: str | None = None, conditions: str | None = None, compartment: str | None = None,
) -> ImportResult:
    """Import a partner's FtM stream; per-statement markings win over the command line's."""
    label = str(path)
    default = _Mark("", scheme, grading, handling, conditions) if grading and handling else None
    if default is not None:
        _check_mark(default, label, None, "--grading/--handling")
    groups: dict[_Mark, dict[str, dict[str, Any]]] = defaultdict(dict)
    try:
        lines = path.read_text("utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=label) from None
    for row, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"not JSON: {exc.msg}", file=label, row=row) from None
        if not isinstance(data, dict):
            raise InputError("expected one FtM entity object a line", file=label, row=row)
        _check_entity(data, label, row)
        eid, schema = str(data["id"]), str(data["schema"])
        statements = data.get("statements") or []
        marked = [(s, read_origin(s.get("origin"))) for s in statements if isinstance(s, dict)]
        if marked and all(m is not None for _, m in marked):
            for stmt, origin in marked:
                assert origin is not None
                mark = _Mark(str(origin["report"]), origin.get("scheme"), str(origin.get("grading") or ""),
                             str(origin.get("handling") or ""), origin.get("conditions"))
                _check_mark(mark, label, row, "statements.origin")
                prop = str(stmt.get("prop"))
                if prop not in model.get(schema).properties:  # type: ignore[union-attr]
                    raise InputError(f"{schema} has no property {prop!r}", file=label, row=row, column=prop)
                entity = groups[mark].setdefault(eid, {"id": eid, "schema": schema, "properties": {}})
                entity["properties"].setdefault(prop, []).append(str(stmt.get("value")))
            continue
        if default is None:
            raise InputError("no marking on this entity's statements: give --grading and --handling for the file",
                             file=label, row=row)
        groups[default][eid] = {"id": eid, "schema": schema, "properties": data.get("properties") or {}}
    return _ingest_groups(session, path, partner, groups, compartment, ImportResult(label, partner))


def _tlp(obj: dict[str, Any], definitions: dict[str, str]) -> str | None:
    levels = [definitions.get(ref) or _TLP_IDS.get(ref) for ref in obj.get("object_marking_refs") or []]
    known = [lv for lv in levels if lv]
    return max(known, key=_TLP_ORDER.index) if known else None


def _admiralty_info(confidence: object) -> str:
    """STIX 2.1 appendix A: confidence 0-100 on the Admiralty credibility scale (6: cannot be judged)."""
    if not isinstance(confidence, int | float):
        return "6"
    for floor, grade in ((90, "1"), (70, "2"), (50, "3"), (30, "4")):
        if confidence >= floor:
            return grade
    return "5"


def _stix_entity(obj: dict[str, Any]) -> dict[str, Any] | None:
    kind = obj.get("type")
    props: dict[str, list[str]] = {}
    if kind == "identity":
        schema = {"individual": "Person", "organization": "Organization"}.get(obj.get("identity_class", ""), "LegalEntity")
    elif kind == "threat-actor":
        schema = "LegalEntity"
    elif kind == "intrusion-set":
        schema = "Organization"
    elif kind == "campaign":
        schema = "Event"
    else:
        return None
    if obj.get("name"):
        props["name"] = [str(obj["name"])]
    if obj.get("description"):
        props["description"] = [str(obj["description"])]
    aliases = [str(a) for a in obj.get("aliases") or [] if a]
    if aliases:
        props["alias"] = aliases
    for ref in obj.get("external_references") or []:
        if isinstance(ref, dict) and ref.get("url"):
            props.setdefault("sourceUrl", []).append(str(ref["url"]))
    return {"id": str(obj["id"]), "schema": schema, "properties": props}


def import_stix(
    session: Session, path: Path, *, partner: str, source_reliability: str = "F",
    handling: str = "C", conditions: str | None = "no TLP marking: ask the provider before sharing",
    compartment: str | None = None,
) -> ImportResult:
    """Import a STIX 2.1 bundle (or one bare object), TLP markings mapped to handling codes."""
    label = str(path)
    try:
        data = json.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=label) from None
    except ValueError as exc:
        raise InputError(f"not JSON: {exc}", file=label) from None
    objects = data.get("objects") if isinstance(data, dict) and data.get("type") == "bundle" else [data]
    if not isinstance(objects, list) or not all(isinstance(o, dict) and "type" in o and "id" in o for o in objects):
        raise InputError("expected a STIX 2.1 bundle or object, each with type and id", file=label)
    definitions: dict[str, str] = {}
    for obj in objects:
        if obj["type"] == "marking-definition":
            level = (obj.get("definition") or {}).get("tlp") or str(obj.get("name", "")).lower().removeprefix("tlp:")
            if str(level).lower() in TLP_HANDLING:
                definitions[obj["id"]] = str(level).lower()
    result = ImportResult(label, partner)
    entities: dict[str, tuple[dict[str, Any], _Mark]] = {}

    def mark_of(obj: dict[str, Any]) -> _Mark:
        level = _tlp(obj, definitions)
        code, cond = TLP_HANDLING[level] if level else (handling, conditions)
        report = str(obj.get("created_by_ref") or data.get("id") or path.name)
        mark = _Mark(report, "admiralty", f"{source_reliability.upper()}{_admiralty_info(obj.get('confidence'))}",
                     code, cond)
        _check_mark(mark, label, None, f"{obj['id']}.confidence")
        return mark

    relationships = []
    for obj in objects:
        entity = _stix_entity(obj)
        if entity is not None:
            entities[entity["id"]] = (entity, mark_of(obj))
        elif obj["type"] == "relationship":
            relationships.append(obj)
        elif obj["type"] not in ("marking-definition", "bundle"):
            result.skipped_objects[obj["type"]] = result.skipped_objects.get(obj["type"], 0) + 1
    groups: dict[_Mark, dict[str, dict[str, Any]]] = defaultdict(dict)
    for eid, (entity, mark) in entities.items():
        groups[mark][eid] = entity
    for rel in relationships:
        if rel.get("source_ref") in entities and rel.get("target_ref") in entities:
            groups[mark_of(rel)][str(rel["id"])] = {
                "id": str(rel["id"]), "schema": "UnknownLink",
                "properties": {"subject": [rel["source_ref"]], "object": [rel["target_ref"]],
                               "role": [str(rel.get("relationship_type", "related-to"))]},
            }
        else:
            result.skipped_objects["relationship"] = result.skipped_objects.get("relationship", 0) + 1
    if not groups:
        raise InputError("no identities, threat actors, intrusion sets or campaigns to import", file=label)
    return _ingest_groups(session, path, partner, groups, compartment, result)
