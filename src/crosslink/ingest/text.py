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
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
from followthemoney import model

from crosslink.errors import InputError
from crosslink.ingest.documents import DOCUMENT_SUFFIXES, read_document_text
from crosslink.ingest.reports import ReportOptions, options_marking
from crosslink.model.report import REPORT_SCHEMA, make_id
from crosslink.model.statement import EXTENSION_PROPS
from crosslink.store.session import Session

if TYPE_CHECKING:
    from crosslink.ingest.pipeline import IngestResult

__all__ = ["extract_report_mentions", "ingest_text", "mention_targets", "note_id"]



#: Mention types whose entity is shared by every report that mentions the value:
#: the same IBAN, wallet, plate, vessel or handle is one node in the network.
SHARED_SELECTORS = frozenset({"iban", "crypto", "plate", "vessel", "vessel_name", "handle"})

#: A date of birth belongs to the person mentioned just before it ("AZIZ (14/06/1988)")
#: when no more than this many characters separate them.
DOB_REACH = 40


def mention_targets() -> pa.Table:
    """(type, schema, prop, prop_type, scope) for every mention type.

    scope is ``note`` (on the report's Note), ``shared`` (one entity per value across
    reports) or ``mention`` (one entity per mention, resolved later: people).
    """
    from crosslink.extract import MENTION_PROPERTIES
    from crosslink.ingest.mapping import property_type

    rows = []
    for mention_type, (schema_name, prop_name) in sorted(MENTION_PROPERTIES.items()):
        schema = model.get(schema_name)
        prop = schema.get(prop_name) if schema is not None else None
        if schema is None or (prop is None and prop_name not in EXTENSION_PROPS and not prop_name.startswith("x:")):
            schema_name, prop_name, type_name = "Note", f"x:{mention_type}", "string"
        else:
            type_name = property_type(prop) if prop is not None else EXTENSION_PROPS.get(prop_name, "string")
        scope = "note" if schema_name == "Note" else "shared" if mention_type in SHARED_SELECTORS else "mention"
        rows.append((mention_type, schema_name, prop_name, type_name, scope))
    names = ["type", "schema", "prop", "prop_type", "scope"]
    return pa.table({n: [r[i] for r in rows] for i, n in enumerate(names)})


def extract_report_mentions(
    session: Session,
    reports: pa.Table,
    *,
    dataset: str,
    ingest_id: str,
    country_hint: str | None = None,
) -> int:
    """Run extraction over the reports' text and write the mentions as statements.

    Returns the number of new statements. Bulk: one Arrow table in, SQL inside.
    People become one Person per mention (resolution merges them later); a date of
    birth right after a name goes on that person; shared selectors become one
    entity per value; everything else goes on the report's Note.
    """
    from crosslink.extract import extract_table

    texts = reports.select(["id", "text"]).filter(pc.is_valid(reports.column("text")))
    if texts.num_rows == 0:
        return 0
    mentions = extract_table(texts, text_column="text", id_column="id", country_hint=country_hint,
                             events=True)
    if mentions.num_rows == 0:
        return 0
    con = session.con
    con.register("_mentions", mentions.select(["id", "type", "text", "start", "end", "value"]))
    con.register("_mention_targets", mention_targets())
    now = datetime.now(UTC).replace(tzinfo=None)
    try:
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE _m AS
            SELECT m.id AS report_id, m.type, m.text, m.start, m."end", m.value,
                   t.schema, t.prop, t.prop_type, t.scope,
                   CASE t.scope
                     WHEN 'note' THEN sha1(concat(chr(31), 'note', chr(31), m.id))
                     WHEN 'shared' THEN sha1(concat(chr(31), 'selector', chr(31), t.schema, chr(31), m.value))
                     ELSE sha1(concat(chr(31), 'mention', chr(31), m.id, chr(31), m.start::VARCHAR))
                   END AS entity_id
            FROM _mentions m JOIN _mention_targets t USING (type)
            """
        )
        # A date of birth goes on the person named just before it, if close enough.
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE _dob_owner AS
            SELECT d.report_id, d.start, p.entity_id AS person_id
            FROM (SELECT * FROM _m WHERE type = 'dob') d
            ASOF JOIN (SELECT * FROM _m WHERE type = 'person') p
              ON d.report_id = p.report_id AND d.start >= p."end"
            WHERE d.start - p."end" <= ?
            """,
            [DOB_REACH],
        )
        con.execute(
            """
            UPDATE _m SET entity_id = o.person_id, schema = 'Person'
            FROM _dob_owner o
            WHERE _m.type = 'dob' AND _m.report_id = o.report_id AND _m.start = o.start
            """
        )
        con.execute(
            """
            UPDATE _m SET entity_id = sha1(concat(chr(31), 'note', chr(31), report_id)),
                          schema = 'Note', prop = 'x:dobMentioned', prop_type = 'date'
            WHERE type = 'dob' AND schema = 'Person' AND entity_id NOT IN (SELECT person_id FROM _dob_owner)
            """
        )
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE _mention_statements AS
            SELECT sha1(concat(chr(31), report_id, chr(31), entity_id, chr(31), prop,
                               chr(31), value, chr(31), start::VARCHAR)) AS id,
                   entity_id, schema, prop, prop_type, value,
                   CASE WHEN text IS DISTINCT FROM value THEN text END AS original_value,
                   NULL::VARCHAR AS reason, NULL::VARCHAR AS lang, ? AS dataset, 'extract' AS origin,
                   ?::TIMESTAMP AS first_seen, ?::TIMESTAMP AS last_seen, report_id,
                   start::INTEGER AS span_start, "end"::INTEGER AS span_end, ? AS ingest_id
            FROM _m
            """,
            [dataset, now, now, ingest_id],
        )
        return session.write_statements("_mention_statements")
    finally:
        con.unregister("_mentions")
        con.unregister("_mention_targets")
        for table in ("_m", "_dob_owner", "_mention_statements"):
            con.execute(f"DROP TABLE IF EXISTS {table}")


def note_id(report_id: str) -> str:
    """The id of a report's note entity (the holder of its mentions)."""
    return make_id("note", report_id)


def ingest_text(
    session: Session, path: Path, options: ReportOptions, progress: object = None
) -> IngestResult:
    """Ingest a text report (UTF-8 text, DOCX or PDF): one report, its text, its mentions."""
    from crosslink.ingest.pipeline import (
        IngestResult,
        already_ingested,
        file_sha256,
        record_ingest,
    )

    started = time.perf_counter()
    if path.suffix.lower() in DOCUMENT_SUFFIXES:
        text = read_document_text(path)
    else:
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
