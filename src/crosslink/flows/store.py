"""Flow series in the workspace: ``flow_series`` (metadata) and ``flow_points`` (values).

Each ingested file is also a **report** (originator: the publisher, open-source,
graded and handled like any other report), and every series points at the report
of the file it was last read from. So the session's ``visible_reports`` view governs
series too: a series whose report is in a compartment the user is not cleared for
is absent from lists and cannot be loaded (:class:`NotFound`), and every forecast
or chart can carry the report id, grading and handling code of its data.

Re-ingesting the same file changes nothing. Ingesting a newer edition of a file (a
later cut of the same published series) replaces that series' points, in one
transaction, audited as an alteration; the earlier report stays for provenance.

The tables are created here (``CREATE TABLE IF NOT EXISTS``) rather than in
:mod:`crosslink.store.schema`, because only this stage reads or writes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from crosslink.errors import CrosslinkError, InputError
from crosslink.flows.readers import FlowFile, read_flow_file
from crosslink.model.grading import GradingError, parse_marking
from crosslink.model.handling import parse_handling
from crosslink.model.report import REPORT_SCHEMA, make_id
from crosslink.store.session import Session

__all__ = [
    "DDL",
    "DEFAULT_GRADING",
    "DEFAULT_HANDLING",
    "IngestResult",
    "NotFound",
    "ensure_tables",
    "ingest_file",
    "list_series",
    "load_series",
]

#: Published official statistics: a reliable source (1), information known to the
#: publisher but not checked by us (B); free to share (P). Overridable per ingest.
DEFAULT_GRADING = "1B"
DEFAULT_HANDLING = "P"

DDL = [
    """
    CREATE TABLE IF NOT EXISTS flow_series (
        id VARCHAR PRIMARY KEY,
        title VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        layout VARCHAR NOT NULL,
        freq VARCHAR NOT NULL,
        unit VARCHAR NOT NULL,
        report_id VARCHAR NOT NULL,
        source_file VARCHAR,
        source_sha256 VARCHAR NOT NULL,
        first_date DATE,
        last_date DATE,
        points BIGINT,
        updated_at TIMESTAMP NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS flow_points (
        series_id VARCHAR NOT NULL,
        date DATE NOT NULL,
        value DOUBLE NOT NULL,
        PRIMARY KEY (series_id, date)
    )
    """,
]


class NotFound(CrosslinkError):
    """No such series, or one this session may not see (the same answer for both)."""


@dataclass
class IngestResult:
    file: str
    layout: str
    sha256: str
    report_id: str
    series: int = 0
    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    points: int = 0


def ensure_tables(session: Session) -> None:
    for statement in DDL:
        session.con.execute(statement)


def ingest_file(
    session: Session,
    path: str | Path,
    *,
    grading: str = DEFAULT_GRADING,
    handling: str = DEFAULT_HANDLING,
    compartment: str | None = None,
) -> IngestResult:
    """Read a published file and write its series, all or nothing. Idempotent."""
    try:
        grade, inline = parse_marking(grading)
        hcode = inline or parse_handling(handling)
    except GradingError as exc:
        raise InputError(str(exc), column="grading") from None
    flow = read_flow_file(path)
    ensure_tables(session)
    report_id = make_id("flow-file", flow.sha256)
    result = IngestResult(str(flow.path), flow.layout, flow.sha256, report_id, series=flow.series.num_rows)
    con = session.con
    with session.transaction():
        session.write_reports(_report(flow, report_id, grade, hcode, compartment))
        current = dict(con.execute(
            "SELECT id, source_sha256 FROM flow_series WHERE id IN (SELECT unnest(?::VARCHAR[]))",
            [flow.series.column("id").to_pylist()],
        ).fetchall())
        changed = [s for s in flow.series.column("id").to_pylist() if current.get(s) != flow.sha256]
        result.unchanged = flow.series.num_rows - len(changed)
        if not changed:
            return result
        result.new = [s for s in changed if s not in current]
        result.updated = [s for s in changed if s in current]
        con.register("_flow_series", flow.series)
        con.register("_flow_points", flow.points)
        try:
            con.execute("CREATE OR REPLACE TEMP TABLE _changed AS SELECT unnest(?::VARCHAR[]) AS id", [changed])
            con.execute("DELETE FROM flow_points WHERE series_id IN (SELECT id FROM _changed)")
            con.execute("DELETE FROM flow_series WHERE id IN (SELECT id FROM _changed)")
            con.execute(
                "INSERT INTO flow_points SELECT p.* FROM _flow_points p SEMI JOIN _changed c ON p.series_id = c.id"
            )
            con.execute(
                """
                INSERT INTO flow_series
                SELECT s.id, s.title, s.source, s.layout, s.freq, s.unit, ?, ?, ?,
                       min(p.date), max(p.date), count(p.date), ?
                FROM _flow_series s SEMI JOIN _changed c ON s.id = c.id
                LEFT JOIN _flow_points p ON p.series_id = s.id
                GROUP BY ALL
                """,
                [report_id, str(flow.path), flow.sha256, datetime.now(UTC).replace(tzinfo=None)],
            )
            result.points = int(con.execute(
                "SELECT count(*) FROM flow_points WHERE series_id IN (SELECT id FROM _changed)"
            ).fetchall()[0][0])
        finally:
            con.unregister("_flow_series")
            con.unregister("_flow_points")
        if result.new:
            session.audit("collection", report_id, file=flow.path.name, layout=flow.layout,
                          series=len(result.new), sha256=flow.sha256)
        if result.updated:
            session.audit("alteration", report_id, file=flow.path.name, layout=flow.layout,
                          series_replaced=len(result.updated), sha256=flow.sha256)
    return result


def _report(flow: FlowFile, report_id: str, grade: object, hcode: object, compartment: str | None) -> pa.Table:
    from crosslink.model.grading import Grading
    from crosslink.model.handling import Handling

    assert isinstance(grade, Grading) and isinstance(hcode, Handling)
    return pa.Table.from_pylist([{
        "id": report_id, "title": f"{flow.layout} statistics: {flow.path.name}",
        "originator": flow.originator, "originator_kind": "open-source", "reported_at": None,
        "compartment": compartment, "protected_source": False, "grading_scheme": grade.scheme,
        "grading_source": grade.source, "grading_info": grade.info, "grading": str(grade),
        "handling_code": hcode.code, "handling_conditions": hcode.conditions,
        "source_file": flow.path.name, "source_sha256": flow.sha256, "ingest_id": None,
        "text": f"{flow.rows} rows, {flow.series.num_rows} series ({flow.layout} layout)",
    }], schema=REPORT_SCHEMA)


_VISIBLE_SERIES = """
    SELECT s.id, s.title, s.freq, s.unit, s.first_date, s.last_date, s.points, s.source,
           s.report_id, r.grading, r.handling_code, s.source_file, s.source_sha256
    FROM flow_series s JOIN visible_reports r ON r.id = s.report_id
"""


def list_series(session: Session, *, like: str | None = None) -> pa.Table:
    """The series this session may see (optionally whose id contains ``like``). Audited."""
    ensure_tables(session)
    table = session.sql(
        _VISIBLE_SERIES + " WHERE (?::VARCHAR IS NULL OR s.id ILIKE '%' || ? || '%') ORDER BY s.id",
        params=[like, like],
    ).to_arrow_table()
    session.audit("consultation", "flow-series", listed=table.num_rows, like=like)
    return table


def load_series(session: Session, series_id: str) -> tuple[dict[str, object], pa.Table]:
    """One series' metadata (with its report, grading, handling code) and points
    (``date``, ``value``, in date order). :class:`NotFound` when absent or not visible."""
    ensure_tables(session)
    meta = session.sql(_VISIBLE_SERIES + " WHERE s.id = ?", params=[series_id]).to_arrow_table().to_pylist()
    if not meta:
        raise NotFound(f"no flow series {series_id!r} (see `crosslink flows list`)")
    points = session.sql(
        "SELECT date, value FROM flow_points WHERE series_id = ? ORDER BY date", params=[series_id]
    ).to_arrow_table()
    session.audit("consultation", series_id, points=points.num_rows, report_id=meta[0]["report_id"])
    return meta[0], points
