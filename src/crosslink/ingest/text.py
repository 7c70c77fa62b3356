"""Free text: plain-text reports, and extraction of mentions from any report's text.

Each mention found by :mod:`crosslink.extract` becomes a statement on the report's
note entity (one FtM ``Note`` per report), with the mention's character offsets
into the report text, so ``crosslink show +447700900123`` lists every report that
mentions the number and where.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
from followthemoney import model

from crosslink.errors import InputError
from crosslink.ingest.reports import ReportOptions, options_marking
from crosslink.model.report import REPORT_SCHEMA, make_id
from crosslink.store.session import Session

__all__ = ["extract_report_mentions", "ingest_text", "mention_property"]

NOTE = model.get("Note")


def mention_property(mention_type: str) -> tuple[str, str]:
    """(FtM property, FtM type name) under which a mention type is stored on a Note."""
    from crosslink.extract import MENTION_PROPERTIES

    schema_name, prop_name = MENTION_PROPERTIES.get(mention_type, ("Note", f"x:{mention_type}"))
    assert NOTE is not None
    prop = NOTE.get(prop_name) if schema_name == "Note" else None
    if prop is None:
        return f"x:{mention_type}", "string"
    return prop.name, prop.type.name


def extract_report_mentions(
    session: Session,
    reports: pa.Table,
    *,
    dataset: str,
    ingest_id: str,
    country_hint: str | None = None,
) -> int:
    """Run extraction over the reports' text and write the mentions as statements.

    Returns the number of new statements. Bulk: one Arrow table in, one out.
    """
    from crosslink.extract import extract_table

    texts = reports.select(["id", "text"]).filter(pa.compute.is_valid(reports.column("text")))
    if texts.num_rows == 0:
        return 0
    mentions = extract_table(texts, text_column="text", id_column="id", country_hint=country_hint)
    if mentions.num_rows == 0:
        return 0
    types = sorted(set(mentions.column("type").to_pylist()))
    props = pa.table(
        {
            "type": types,
            "prop": [mention_property(t)[0] for t in types],
            "prop_type": [mention_property(t)[1] for t in types],
        }
    )
    con = session.con
    con.register("_mentions", mentions)
    con.register("_mention_props", props)
    now = datetime.now(UTC).replace(tzinfo=None)
    try:
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE _mention_statements AS
            SELECT sha1(concat(chr(31), m.id, chr(31), sha1(concat(chr(31), 'note', chr(31), m.id)),
                               chr(31), p.prop, chr(31), m.value, chr(31), m.start::VARCHAR)) AS id,
                   sha1(concat(chr(31), 'note', chr(31), m.id)) AS entity_id,
                   'Note' AS schema, p.prop, p.prop_type, m.value,
                   CASE WHEN m.text IS DISTINCT FROM m.value THEN m.text END AS original_value,
                   NULL::VARCHAR AS reason, NULL::VARCHAR AS lang, ? AS dataset, 'extract' AS origin,
                   ?::TIMESTAMP AS first_seen, ?::TIMESTAMP AS last_seen, m.id AS report_id,
                   m.start::INTEGER AS span_start, m."end"::INTEGER AS span_end, ? AS ingest_id
            FROM _mentions m JOIN _mention_props p USING (type)
            """,
            [dataset, now, now, ingest_id],
        )
        return session.write_statements("_mention_statements")
    finally:
        con.unregister("_mentions")
        con.unregister("_mention_props")
        con.execute("DROP TABLE IF EXISTS _mention_statements")


def note_id(report_id: str) -> str:
    """The id of a report's note entity (the holder of its mentions)."""
    return make_id("note", report_id)


def ingest_text(
    session: Session, path: Path, options: ReportOptions, progress: object = None
) -> object:
    """Ingest a plain-text report (UTF-8): one report, its text, and its mentions."""
    from crosslink.ingest.pipeline import (
        IngestResult,
        already_ingested,
        file_sha256,
        record_ingest,
    )

    started = time.perf_counter()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise InputError("not valid UTF-8; save the file as UTF-8", file=str(path), row=line) from None
    if not text.strip():
        raise InputError("file is empty", file=str(path))
    sha = file_sha256(path)
    dataset = options.dataset or path.stem
    ingest_id = make_id("ingest", sha, "text", options.key())
    result = IngestResult(file=str(path), dataset=dataset, rows=1)
    if already_ingested(session, ingest_id):
        result.skipped = True
        return result
    grading, handling = options_marking(options, str(path))
    report = {
        "id": make_id(sha, dataset, "report", ""),
        "title": options.title or path.name,
        "originator": options.originator,
        "originator_kind": options.originator_kind,
        "reported_at": options.reported_at,
        "compartment": options.compartment,
        "protected_source": bool(options.protected_source),
        "grading_scheme": grading.scheme,
        "grading_source": grading.source,
        "grading_info": grading.info,
        "grading": str(grading),
        "handling_code": handling.code if handling else None,
        "handling_conditions": handling.conditions if handling else None,
        "source_file": str(path),
        "source_sha256": sha,
        "ingest_id": ingest_id,
        "text": text,
    }
    reports = pa.Table.from_pylist([report], schema=REPORT_SCHEMA)
    with session.transaction():
        result.reports = session.write_reports(reports)
        result.mentions = extract_report_mentions(
            session, reports, dataset=dataset, ingest_id=ingest_id, country_hint=options.country
        )
        result.new_statements = result.statements = result.mentions
        result.entities = 1 if result.mentions else 0
        record_ingest(session, result, ingest_id=ingest_id, sha=sha, mapping_sha="text", options=options)
    result.seconds = time.perf_counter() - started
    return result
