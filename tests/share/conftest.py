"""Small workspaces made at test time: reports with every kind of marking, and a network."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from crosslink.model.report import REPORT_SCHEMA, make_id
from crosslink.model.statement import STATEMENT_SCHEMA
from crosslink.store import Workspace

#: The identity of the protected source (its handler's note): must never leave.
SOURCE_IDENTITY = "CHIS-4471 handled by DC Marsh"

#: report key -> (grading, scheme, handling, conditions, compartment, protected)
REPORTS: dict[str, tuple[str, str, str | None, str | None, str | None, bool]] = {
    "open": ("B", "uk-3x5x2", "P", None, None, False),
    "cond": ("A", "uk-3x5x2", "C", "A2 S2: not to be used as evidence", None, False),
    "local": ("2", "uk-5x5x5", "4", None, None, False),
    "europol-h1": ("2", "europol-4x4", "H1", None, None, False),
    "europol-h2": ("2", "europol-4x4", "H2", None, None, False),
    "europol-h3": ("3", "europol-4x4", "H3", "only for the Channel investigation", None, False),
    "joint": ("B", "uk-3x5x2", "P", None, "oic-joint", False),
    "secret": ("B", "uk-3x5x2", "P", None, "op-kestrel", False),
    "chis": ("A", "uk-3x5x2", "P", None, None, True),
}
_SOURCE = {"uk-3x5x2": "1", "uk-5x5x5": "B", "europol-4x4": "B"}


def report_row(key: str, spec: tuple[str, str, str | None, str | None, str | None, bool]) -> dict[str, Any]:
    info, scheme, code, conditions, compartment, protected = spec
    source = _SOURCE[scheme]
    grading = f"{source}{info}"
    return {
        "id": make_id("report", key), "title": f"Report {key}" if not protected else SOURCE_IDENTITY,
        "originator": SOURCE_IDENTITY if protected else f"Force {key}", "originator_kind": "force",
        "reported_at": "2026-03-01", "compartment": compartment, "protected_source": protected,
        "grading_scheme": scheme, "grading_source": source, "grading_info": info, "grading": grading,
        "handling_code": code, "handling_conditions": conditions, "source_file": f"{key}.csv",
        "source_sha256": make_id("sha", key), "ingest_id": "test",
        "text": f"Text of {key}" if not protected else f"Met {SOURCE_IDENTITY} at the cafe",
    }


def statement_row(entity: str, schema: str, prop: str, value: str, report: str, prop_type: str = "string") -> dict[str, Any]:
    rid = make_id("report", report)
    return {
        "id": make_id(rid, entity, prop, value), "entity_id": entity, "schema": schema, "prop": prop,
        "prop_type": prop_type, "value": value, "original_value": None, "reason": None, "lang": None,
        "dataset": "test", "origin": None, "first_seen": None, "last_seen": None, "report_id": rid,
        "span_start": None, "span_end": None, "ingest_id": "test",
    }


def build(path: Path, reports: list[dict[str, Any]], statements: list[dict[str, Any]]) -> Workspace:
    ws = Workspace.create(path)
    s = ws.session("builder", "test data")
    s.write_reports(pa.Table.from_pylist(reports, schema=REPORT_SCHEMA))
    s.write_statements(pa.Table.from_pylist(statements, schema=STATEMENT_SCHEMA))
    return ws


def people_statements() -> list[dict[str, Any]]:
    """One person per report, each calling the 'open' person; plus a phone and a formula-like note."""
    rows: list[dict[str, Any]] = []
    for key in REPORTS:
        pid = f"p-{key}"
        rows.append(statement_row(pid, "Person", "name", f"Person {key.title()}", key, "name"))
        rows.append(statement_row(pid, "Person", "phone", f"+4477009000{len(rows):02d}", key, "phone"))
        rows.append(statement_row(pid, "Person", "x:role", "driver", key))
        if key != "open":
            cid = f"call-{key}"
            rows.append(statement_row(cid, "Call", "caller", pid, key, "entity"))
            rows.append(statement_row(cid, "Call", "receiver", "p-open", key, "entity"))
            rows.append(statement_row(cid, "Call", "date", "2026-02-0" + str(1 + len(rows) % 9), key, "date"))
    rows.append(statement_row("p-open", "Person", "notes", "=HYPERLINK(\"http://evil\")", "open"))
    rows.append(statement_row("p-open", "Person", "birthDate", "1990-04-02", "open", "date"))
    return rows


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    ws = build(tmp_path / "ws.duckdb", [report_row(k, v) for k, v in REPORTS.items()], people_statements())
    yield ws
    ws.close()
