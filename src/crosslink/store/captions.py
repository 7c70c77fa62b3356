"""Captions: the name a person reads for an entity, never its 40-character id.

FollowTheMoney gives every schema an ordered list of caption properties (a Person's
``name``, then ``alias``...; a Vehicle's ``registrationNumber``; a BankAccount's
``iban``). The caption of an entity, or of a resolved cluster of entities, is the value
its statements give most often for the first caption property that has one; among
equally frequent spellings, ordinary capitalisation wins over a log's "Dilan RASHID".
Entities with no caption property (a Note made from a report's free text, a Call) are
named after what they are and the report that states them ("Note in KNT-24-0002").

Everything is read through ``visible_statements`` / ``visible_reports``, so a caption
never shows a value the reader may not see. One SQL pass: O(statements of the entities).
"""

from __future__ import annotations

from functools import lru_cache

import duckdb
import pyarrow as pa
from followthemoney import model

__all__ = ["caption_props", "captions", "caption_sql", "register_caption_props"]

CAPTION_PROPS_TABLE = "_caption_props"


@lru_cache(maxsize=1)
def caption_props() -> pa.Table:
    """(schema, prop, priority, label) for every FtM schema's caption properties."""
    schemata, props, priorities, labels, prefixes = [], [], [], [], []
    for schema in model.schemata.values():
        # A call or payment captioned by a number or an amount says what it is first.
        prefix = f"{schema.label}: " if schema.is_a("Interval") else ""
        for priority, prop in enumerate(schema.caption or [""]):
            schemata.append(schema.name)
            props.append(prop)
            priorities.append(priority if schema.caption else 99)
            labels.append(schema.label)
            prefixes.append("" if prop == "name" else prefix)
    return pa.table({"schema": schemata, "prop": props, "priority": priorities,
                     "label": labels, "prefix": prefixes})


def register_caption_props(con: duckdb.DuckDBPyConnection) -> None:
    con.register(CAPTION_PROPS_TABLE, caption_props())


def caption_sql(members: str) -> str:
    """A query giving ``(key, caption, schema)`` for each key of ``members``.

    ``members`` names a relation with columns ``key`` (what is captioned: an entity id
    or a canonical id) and ``entity_id`` (one member entity per row). Call
    :func:`register_caption_props` on the connection first.
    """
    return f"""
    WITH st AS (
      SELECT m.key, s.schema, s.prop, s.value, s.report_id
      FROM {members} m JOIN visible_statements s ON s.entity_id = m.entity_id
    ),
    kind AS (SELECT key, mode(schema) AS schema FROM st GROUP BY key),
    counted AS (
      SELECT st.key, cp.prefix || st.value AS value, cp.priority, count(*) AS n
      FROM st JOIN kind k ON k.key = st.key
      JOIN {CAPTION_PROPS_TABLE} cp ON cp.schema = k.schema AND cp.prop = st.prop
      GROUP BY ALL
    ),
    best AS (
      SELECT key, arg_min(value, [priority, -n,
             CASE WHEN regexp_matches(value, '\\p{{Lu}}{{3,}}') THEN 1 ELSE 0 END]) AS caption
      FROM counted GROUP BY key
    ),
    fallback AS (
      SELECT st.key, any_value(cp.label) || ' in ' || coalesce(min(r.title), min(st.report_id)) AS caption
      FROM st JOIN kind k ON k.key = st.key
      JOIN (SELECT DISTINCT schema, label FROM {CAPTION_PROPS_TABLE}) cp ON cp.schema = k.schema
      LEFT JOIN visible_reports r ON r.id = st.report_id
      GROUP BY st.key
    )
    SELECT k.key, coalesce(b.caption, f.caption) AS caption, k.schema
    FROM kind k LEFT JOIN best b USING (key) LEFT JOIN fallback f USING (key)
    """  # noqa: S608  (relation names are ours)


def captions(con: duckdb.DuckDBPyConnection, entity_ids: list[str]) -> dict[str, str]:
    """Caption per entity or canonical id (a canonical id is captioned from all its
    members). Ids with no visible statement are absent from the result."""
    if not entity_ids:
        return {}
    register_caption_props(con)
    con.register("_caption_keys", pa.table({"key": sorted(set(entity_ids))}))
    try:
        con.execute(
            """
            CREATE OR REPLACE TEMP VIEW _caption_members AS
            SELECT k.key, coalesce(c.entity_id, k.key) AS entity_id
            FROM _caption_keys k LEFT JOIN canonical c ON c.canonical_id = k.key
            UNION SELECT key, key FROM _caption_keys
            """
        )
        rows = con.execute(caption_sql("_caption_members")).fetchall()
    finally:
        con.execute("DROP VIEW IF EXISTS _caption_members")
        con.unregister("_caption_keys")
    return {str(k): str(c) for k, c, _ in rows if c is not None}
