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

import duckdb
import pyarrow as pa
from followthemoney import model

__all__ = ["MARKING_KEYS", "read_origin", "write_ftm"]

MARKING_KEYS = ("report", "scheme", "grading", "handling", "conditions")


def read_origin(origin: str | None) -> dict[str, Any] | None:
    """The marking in a statement origin, or None when it holds none."""
    if not origin or not origin.startswith("{"):
        return None
    try:
        data = json.loads(origin)
    except ValueError:
        return None
    return data if isinstance(data, dict) and "report" in data else None


def _property_table() -> pa.Table:
    rows = [(schema.name, prop) for schema in model.schemata.values() for prop in schema.properties]
    return pa.table({"schema": [r[0] for r in rows], "prop": [r[1] for r in rows]})


def _common_schemas(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """For the few entities stated under several schemata, FtM's common schema (in Python)."""
    rows = con.execute(
        "SELECT entity_id, list(DISTINCT schema ORDER BY schema) FROM released GROUP BY 1 HAVING count(DISTINCT schema) > 1"
    ).fetchall()
    schemas = []
    for _eid, names in rows:
        current = model.get(names[0])
        for name in names[1:]:
            other = model.get(name)
            try:
                current = model.common_schema(current, other) if current and other else current
            except Exception:  # noqa: BLE001  (FtM raises InvalidData for unrelated schemata)
                break
        schemas.append(current.name if current is not None else names[0])
    return pa.table({"entity_id": pa.array([r[0] for r in rows], pa.string()), "schema": pa.array(schemas, pa.string())})


def write_ftm(released: pa.Table, path: Path) -> None:
    """Write released statements as an FtM entity stream with per-statement markings.

    One DuckDB query (no Python loop over statements): properties are the distinct values
    per property, ``statements`` one FtM statement per (value, report) with crosslink's
    statement id and the marking in ``origin``; written by DuckDB's JSON writer.
    """
    con = duckdb.connect()
    try:
        con.register("released", released)
        con.register("ftm_props", _property_table())
        con.register("multi", _common_schemas(con))
        con.execute(
            f"""
            COPY (
              WITH r AS (
                SELECT s.*, coalesce(m.schema, s.schema) AS eschema
                FROM released s LEFT JOIN multi m USING (entity_id)
              ),
              v AS (  -- FtM properties of the entity's schema only: x: props are not FtM
                SELECT r.* FROM r SEMI JOIN ftm_props p ON p.schema = r.eschema AND p.prop = r.prop
              ),
              per_prop AS (
                SELECT entity_id, prop, list(DISTINCT value ORDER BY value) AS vals
                FROM v GROUP BY entity_id, prop
              ),
              props AS (
                SELECT entity_id, map(list(prop ORDER BY prop), list(vals ORDER BY prop)) AS properties
                FROM per_prop GROUP BY entity_id
              ),
              stmts AS (
                SELECT entity_id, any_value(eschema) AS schema,
                       list({{'canonical_id': entity_id, 'entity_id': entity_id, 'prop': prop,
                              'schema': eschema, 'value': value, 'dataset': 'crosslink',
                              'lang': NULL::VARCHAR, 'original_value': NULL::VARCHAR,
                              'first_seen': NULL::VARCHAR, 'last_seen': NULL::VARCHAR, 'external': FALSE,
                              'origin': json_object('report', report_id, 'scheme', grading_scheme,
                                                    'grading', grading, 'handling', handling_code,
                                                    'conditions', handling_conditions)::VARCHAR,
                              'id': id}} ORDER BY prop, value, report_id) AS statements
                FROM v GROUP BY entity_id
              )
              SELECT s.entity_id AS id, s.schema, p.properties, s.statements
              FROM stmts s JOIN props p USING (entity_id)
              ORDER BY s.entity_id
            ) TO '{_quote(path)}' (FORMAT json)
            """  # noqa: S608  (the only interpolation is our own temporary file's path, quoted)
        )
    finally:
        con.close()


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")
