"""FollowTheMoney entity stream, one JSON entity a line, with its statements' provenance.

Each line is what FtM 4 writes for an entity (``id``, ``schema``, ``properties``) plus
``statements``, FtM's own statement form (``ftm aggregate-statements --statements``
writes the same key, and ``StatementEntity`` reads it back). Each statement's ``origin``
holds the crosslink marking as compact JSON: ``{"report": id, "scheme": ..., "grading":
..., "handling": ..., "conditions": ...}``. So:

- ``ftm`` and any FtM tool read the entities (the extra key is kept as context);
- ``crosslink ingest`` reads ``id``/``schema``/``properties`` and gives the same
  entities and values;
- ``crosslink share import`` reads the statements and keeps every value's report,
  grading and handling code (:mod:`crosslink.share.imports`).

crosslink's own ``x:`` properties are not FtM properties and are dropped here (the
graph and spreadsheet formats keep them).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
from followthemoney import model
from followthemoney.statement import Statement

from crosslink.model.report import make_id
from crosslink.share.items import Marking, assemble

__all__ = ["MARKING_KEYS", "origin_marking", "read_origin", "write_ftm"]

MARKING_KEYS = ("report", "scheme", "grading", "handling", "conditions")


def origin_marking(mark: Marking) -> str:
    """The marking as a statement ``origin``: compact JSON, keys in a fixed order."""
    return json.dumps(
        {"report": mark.report_id, "scheme": mark.grading_scheme, "grading": mark.grading,
         "handling": mark.handling_code, "conditions": mark.handling_conditions},
        ensure_ascii=False, separators=(",", ":"),
    )


def read_origin(origin: str | None) -> dict[str, Any] | None:
    """The marking in a statement origin, or None when it holds none."""
    if not origin or not origin.startswith("{"):
        return None
    try:
        data = json.loads(origin)
    except ValueError:
        return None
    return data if isinstance(data, dict) and "report" in data else None


def write_ftm(released: pa.Table, path: Path) -> None:
    """Write released statements as an FtM entity stream with per-statement markings."""
    nodes, links = assemble(released)
    entities = {item.id: item for item in nodes}
    for link in links:
        if link.item is not None:
            entities[link.item.id] = link.item
    with path.open("w", encoding="utf-8") as out:
        for eid in sorted(entities):
            item = entities[eid]
            proxy = model.make_entity(item.schema)
            proxy.id = eid
            statements: list[dict[str, Any]] = []
            for (prop, value), marks in sorted(item.sources.items()):
                if prop.startswith("x:") or prop not in proxy.schema.properties:
                    continue
                proxy.add(prop, value, cleaned=True, quiet=True)
                for mark in sorted(marks):
                    stmt = Statement(
                        entity_id=eid, prop=prop, schema=item.schema, value=value,
                        dataset="crosslink", origin=origin_marking(mark),
                        # crosslink's statement id: one per report, so FtM keeps each marking
                        id=make_id(mark.report_id, eid, prop, value),
                    )
                    statements.append(dict(stmt.to_dict()))
            if not statements:
                continue
            data = proxy.to_dict()
            line = {"id": eid, "schema": data["schema"], "properties": data["properties"],
                    "statements": statements}
            out.write(json.dumps(line, ensure_ascii=False, sort_keys=False) + "\n")
