"""Reading a workspace's entities as records, one row per entity, per schema.

What workspace resolution starts from: :func:`entity_records` pivots the
``visible_statements`` of one schema's family (Company entities resolve with,
and as, Organization) into one row per entity with one column per property the
schema's features read, and :func:`load_features` turns those rows into the
feature table in a private in-memory DuckDB (:func:`memory_connection`).
:data:`SCHEMAS` lists every schema workspace resolution covers;
:func:`resolvable_schemas`, :func:`entity_schema` and :func:`canonical_ids` answer
which schemas are present, which one an entity resolves under and what its
canonical id is.

Cost: the pivot is O(statements of the schema's entities) in SQL (O(statements
of those entities) with ``entity_ids``); feature preparation is O(records)
vectorised SQL. Both stay in DuckDB, so 10^6 records take seconds.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from crosslink.errors import CrosslinkError
from crosslink.resolve.columns import PERSON_PROPERTIES
from crosslink.resolve.names import load_variant_table
from crosslink.resolve.prepare import prepare_person_features
from crosslink.resolve.prepare_things import (
    SCHEMA_FAMILY,
    THING_PROPERTIES,
    THING_SCHEMAS,
    prepare_thing_features,
)
from crosslink.store.session import Session

__all__ = [
    "RESOLVED_PROPERTIES",
    "SCHEMA",
    "SCHEMAS",
    "canonical_ids",
    "check_schema",
    "entity_records",
    "entity_schema",
    "load_features",
    "memory_connection",
    "person_records",
    "resolvable_schemas",
    "schema_family",
]

SCHEMA = "Person"
#: Every schema workspace resolution covers, Person first.
SCHEMAS: tuple[str, ...] = (SCHEMA, *THING_SCHEMAS)

#: Person properties read from the workspace (those the model can compare).
RESOLVED_PROPERTIES: tuple[str, ...] = tuple(
    p for p in (
        "firstName", "middleName", "lastName", "name", "birthDate", "birthPlace", "gender",
        "nationality", "address", "postalCode", "city", "phone", "email", "idNumber",
        "passportNumber",
    ) if p in PERSON_PROPERTIES
)


def person_records(session: Session, entity_ids: list[str] | None = None) -> pa.Table:
    """:func:`entity_records` of the Person schema."""
    return entity_records(session, SCHEMA, entity_ids)


def check_schema(schema: str) -> None:
    """Refuse, with the choices, a schema there is no workspace model for."""
    if schema not in SCHEMAS:
        raise CrosslinkError(
            f"no workspace resolution for schema {schema!r}; one of {', '.join(SCHEMAS)}"
        )


def schema_family(schema: str) -> tuple[str, ...]:
    """The FtM schemas whose entities ``schema``'s model resolves."""
    return SCHEMA_FAMILY.get(schema, (schema,))


def entity_records(
    session: Session, schema: str, entity_ids: list[str] | None = None
) -> pa.Table:
    """One row per visible entity of ``schema`` (and its family: an Organization
    model also reads Company entities): ``unique_id``, ``seen`` (newest statement)
    and one VARCHAR column per property the schema's features read
    (:data:`RESOLVED_PROPERTIES` for Person, ``THING_PROPERTIES`` otherwise).

    Only ``visible_statements`` are read, so the session's compartments hold. A
    property with several values takes a cleaned value before an uncleaned one,
    then the most frequently stated, then the smallest (deterministic). O(statements
    of those entities) in SQL; with ``entity_ids``, only those entities.
    """
    check_schema(schema)
    properties = RESOLVED_PROPERTIES if schema == SCHEMA else THING_PROPERTIES[schema]
    pivot = ", ".join(
        f"first(value ORDER BY clean DESC, n DESC, value) FILTER (WHERE prop = '{p}') AS \"{p}\""
        for p in properties
    )
    only = ""
    params: list[object] = [list(schema_family(schema)), list(properties)]
    if entity_ids is not None:
        only = (
            "AND entity_hash IN (SELECT hash(unnest(?::VARCHAR[]))) "
            "AND entity_id IN (SELECT unnest(?::VARCHAR[]))"
        )
        params += [entity_ids, entity_ids]
    return session.con.sql(
        f"""
        WITH v AS (
            SELECT entity_id, prop, value, count(*) AS n, bool_or(reason IS NULL) AS clean,
                   max(first_seen) AS seen
            FROM visible_statements
            WHERE schema IN (SELECT unnest(?::VARCHAR[]))
              AND prop IN (SELECT unnest(?::VARCHAR[])) {only}
            GROUP BY entity_id, prop, value
        )
        SELECT entity_id AS unique_id, max(seen) AS seen, {pivot}
        FROM v GROUP BY entity_id ORDER BY entity_id
        """,  # noqa: S608 - property names are our constants
        params=params,
    ).to_arrow_table()


def resolvable_schemas(session: Session) -> list[str]:
    """The schemas of :data:`SCHEMAS` with at least one visible entity, Person first."""
    families = {member: schema for schema in SCHEMAS for member in schema_family(schema)}
    present = {
        str(r[0]) for r in session.con.execute(
            "SELECT DISTINCT schema FROM visible_statements WHERE schema IN "
            "(SELECT unnest(?::VARCHAR[]))",
            [sorted(families)],
        ).fetchall()
    }
    wanted = {families[s] for s in present}
    return [s for s in SCHEMAS if s in wanted]


def load_features(
    mem: duckdb.DuckDBPyConnection, records: pa.Table, target: str, schema: str = SCHEMA
) -> set[str]:
    """Prepare ``schema``'s feature table ``target`` in ``mem`` from :func:`entity_records`."""
    mem.register("_xl_records_arrow", records.drop_columns(["seen"]))
    mem.execute(
        "CREATE OR REPLACE TEMP TABLE _xl_records AS "
        "SELECT *, 'workspace' AS source_dataset FROM _xl_records_arrow"
    )
    mem.unregister("_xl_records_arrow")
    if schema != SCHEMA:
        return set(prepare_thing_features(mem, schema, "_xl_records", target))
    return set(prepare_person_features(mem, "_xl_records", target, load_variant_table()))


def memory_connection() -> duckdb.DuckDBPyConnection:
    """A private in-memory DuckDB for features and Splink's scratch tables, which
    must never reach the workspace file; no progress bars in the CLI's output."""
    mem = duckdb.connect()
    mem.execute("SET enable_progress_bar = false")
    return mem


def entity_schema(con: duckdb.DuckDBPyConnection, entity_id: str) -> str:
    """The resolution schema (of :data:`SCHEMAS`) an entity belongs to: its
    canonical row's, else its statements' (Company -> Organization), else Person."""
    rows = con.execute(
        """SELECT schema FROM canonical WHERE entity_id = ?
           UNION ALL
           SELECT any_value(schema) FROM visible_statements
           WHERE entity_hash = hash(?) AND entity_id = ?""",
        [entity_id, entity_id, entity_id],
    ).fetchall()
    families = {member: schema for schema in SCHEMAS for member in schema_family(schema)}
    for (value,) in rows:
        if value is not None and str(value) in families:
            return families[str(value)]
    return SCHEMA


def canonical_ids(con: duckdb.DuckDBPyConnection, entity_ids: list[str]) -> dict[str, str]:
    """Each entity's canonical id (its own id when it has no row)."""
    rows = dict(con.execute(
        "SELECT entity_id, canonical_id FROM canonical WHERE entity_id IN (SELECT unnest(?::VARCHAR[]))",
        [entity_ids],
    ).fetchall())
    return {e: str(rows.get(e, e)) for e in entity_ids}
