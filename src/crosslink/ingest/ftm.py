"""FollowTheMoney entity streams (one JSON entity per line): no mapping needed.

The stream has no grading of its own, so the report metadata comes from the
command line (``--grading``, ``--handling``, ``--originator``...) and the whole file
is one report. Entities are unnested into statements in DuckDB; values go through
the same cleaning as mapped files, so nothing FtM cannot clean is lost.
"""

from __future__ import annotations

import time
from pathlib import Path

import pyarrow as pa
from followthemoney import model

from crosslink.errors import InputError
from crosslink.ingest.mapping import property_type
from crosslink.ingest.pipeline import (
    IngestResult,
    Progress,
    already_ingested,
    clean_raw,
    file_sha256,
    final_statements_view,
    record_ingest,
    statement_stats,
)
from crosslink.ingest.readers import _first_line, _line_of
from crosslink.ingest.reports import ReportOptions, options_marking
from crosslink.model.report import REPORT_SCHEMA, make_id
from crosslink.store.session import Session
from crosslink.store.sql import one

__all__ = ["ingest_ftm"]


def _property_types() -> pa.Table:
    """(schema, prop, prop_type) for every FtM property, to validate and type statements."""
    rows = [
        (schema.name, prop.name, property_type(prop))
        for schema in model.schemata.values()
        for prop in schema.properties.values()
    ]
    return pa.table(
        {
            "schema": [r[0] for r in rows],
            "prop": [r[1] for r in rows],
            "prop_type": [r[2] for r in rows],
        }
    )


def ingest_ftm(
    session: Session, path: Path, options: ReportOptions, progress: Progress | None = None
) -> IngestResult:
    started = time.perf_counter()
    label = str(path)
    con = session.con
    if path.stat().st_size == 0:
        raise InputError("file is empty", file=label)
    sha = file_sha256(path)
    dataset = options.dataset or path.stem
    ingest_id = make_id("ingest", sha, "ftm", options.key())
    result = IngestResult(file=label, dataset=dataset)
    if already_ingested(session, ingest_id):
        result.skipped = True
        return result
    grading, handling = options_marking(options, label)
    report_id = make_id(sha, dataset, "report", "")
    with session.transaction():
        try:
            con.execute(
                """
                CREATE OR REPLACE TEMP TABLE _entities AS
                SELECT row_number() OVER () AS _row, *
                FROM read_json(?, format = 'auto',
                               columns = {id: 'VARCHAR', schema: 'VARCHAR', properties: 'JSON'})
                """,
                [label],
            )
        except Exception as exc:
            message = str(exc)
            raise InputError(f"malformed FtM entity: {_first_line(message)}", file=label, row=_line_of(message)) from None
        bad = one(con.execute(
            "SELECT _row, id, schema FROM _entities WHERE id IS NULL OR schema IS NULL "
            "OR schema NOT IN (SELECT unnest(?::VARCHAR[])) ORDER BY _row LIMIT 1",
            [sorted(model.schemata)],
        ))
        if bad is not None:
            field = "id" if bad[1] is None else "schema"
            raise InputError(
                "entity has no id" if field == "id" else f"unknown FtM schema {bad[2]!r}",
                file=label, row=int(bad[0]), column=field,
            )
        con.register("_ftm_props", _property_types())
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE _ftm_raw AS
            SELECT e._row, e.id AS entity_id, e.schema, k.prop,
                   unnest(json_extract(e.properties, k.path)::VARCHAR[]) AS raw
            FROM _entities e, (SELECT _row, prop, '$."' || replace(prop, '"', '') || '"' AS path
                     FROM (SELECT _row, unnest(json_keys(properties)) AS prop FROM _entities)) k
            WHERE e._row = k._row
            """
        )
        unknown = one(con.execute(
            "SELECT r._row, r.schema, r.prop FROM _ftm_raw r ANTI JOIN _ftm_props p "
            "ON r.schema = p.schema AND r.prop = p.prop ORDER BY r._row LIMIT 1"
        ))
        if unknown is not None:
            raise InputError(
                f"{unknown[1]} has no property {unknown[2]!r}", file=label, row=int(unknown[0]), column=unknown[2]
            )
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE _ftm_typed AS
            SELECT r.entity_id, r.schema, r.prop, p.prop_type, r.raw, NULL::VARCHAR AS hint,
                   ?::VARCHAR AS report_id, NULL AS span_start, NULL AS span_end
            FROM _ftm_raw r JOIN _ftm_props p ON r.schema = p.schema AND r.prop = p.prop
            WHERE r.raw IS NOT NULL
            """,
            [report_id],
        )
        con.unregister("_ftm_props")
        clean_raw(con, "_ftm_typed", "_ftm_clean")
        final_statements_view(con, "_ftm_clean", "_ftm_final", dataset=dataset, ingest_id=ingest_id)
        report = {
            "id": report_id, "title": options.title or path.name, "originator": options.originator,
            "originator_kind": options.originator_kind, "reported_at": options.reported_at,
            "compartment": options.compartment, "protected_source": bool(options.protected_source),
            "grading_scheme": grading.scheme, "grading_source": grading.source,
            "grading_info": grading.info, "grading": str(grading), "handling_code": handling.code,
            "handling_conditions": handling.conditions, "source_file": label, "source_sha256": sha,
            "ingest_id": ingest_id, "text": None,
        }
        result.reports = session.write_reports(pa.Table.from_pylist([report], schema=REPORT_SCHEMA))
        result.rows = int(one(con.execute("SELECT count(*) FROM _entities"))[0])  # type: ignore[index]
        stats = statement_stats(con, "_ftm_final")
        result.statements, result.entities, result.uncleaned = stats.statements, stats.entities, stats.uncleaned
        result.new_statements = session.write_statements("_ftm_final", unique=stats.unique)
        record_ingest(session, result, ingest_id=ingest_id, sha=sha, mapping_sha="ftm", options=options)
        for view in ("_ftm_final", "_ftm_clean"):
            con.execute(f"DROP VIEW IF EXISTS {view}")
        for table in ("_entities", "_ftm_raw", "_ftm_typed", "_cleaned", "_ingest_constants"):
            con.execute(f"DROP TABLE IF EXISTS {table}")
    result.seconds = time.perf_counter() - started
    return result
