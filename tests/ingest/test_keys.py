"""Entity keys: rows that share a key but say different things are not merged silently."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from crosslink.cli import app
from crosslink.ingest import ReportOptions, ingest_file, load_mapping
from crosslink.store import Workspace

CALLS = (
    "From,To,Datetime,Duration\n"
    "349,23,20060601 0008,1634\n"
    "349,23,20060601 0008,12\n"  # same caller, receiver and minute: a second call
    "379,364,20060601 0011,640\n"
)
MAPPING = """
dataset: cdr
report: {{title: CDR, grading: 2B, handling: P}}
entities:
  call:
    schema: Call
    keys: {keys}
    properties:
      callerNumber: {{column: From}}
      receiverNumber: {{column: To}}
      date: {{column: Datetime, format: "%Y%m%d %H%M"}}
      duration: {{column: Duration}}
"""


def _files(tmp_path: Path, keys: str) -> tuple[Path, Path]:
    data = tmp_path / "calls.csv"
    data.write_text(CALLS, encoding="utf-8")
    mapping = tmp_path / f"calls-{len(keys)}.yml"
    mapping.write_text(MAPPING.format(keys=keys), encoding="utf-8")
    return data, mapping


def test_rows_sharing_a_key_with_different_values_are_reported(tmp_path: Path) -> None:
    data, mapping = _files(tmp_path, "[From, To, Datetime]")
    with Workspace.create(tmp_path / "ws.duckdb") as ws:
        result = ingest_file(ws.session(), data, load_mapping(mapping), ReportOptions())
    assert result.entities == 2  # the two calls of row 2 and 3 became one...
    assert result.collisions == [{  # ...and the ingest says so, with the rows
        "entity": "call", "schema": "Call", "keys": ["From", "To", "Datetime"],
        "colliding_keys": 1, "examples": [[2, 3]],
    }]
    out = CliRunner().invoke(app, ["ingest", str(data), "-m", str(mapping), "-w", str(tmp_path / "b.duckdb")])
    assert out.exit_code == 0 and "rows 2 and 3" in out.stdout and "keys: [_row]" in out.stdout


def test_a_row_key_keeps_every_row_and_reruns_add_nothing(tmp_path: Path) -> None:
    data, mapping = _files(tmp_path, "[_row]")
    with Workspace.create(tmp_path / "ws.duckdb") as ws:
        session = ws.session()
        first = ingest_file(session, data, load_mapping(mapping), ReportOptions())
        assert first.entities == 3 and first.collisions == []
        durations = session.sql(
            "SELECT list(value ORDER BY value) FROM visible_statements WHERE prop = 'duration'"
        ).fetchall()[0][0]
        assert durations == ["12", "1634", "640"]
        # The same file again (even under another mapping file name) adds nothing.
        again = ingest_file(session, data, load_mapping(mapping), ReportOptions(dataset="cdr"))
        total = session.sql("SELECT count(*) FROM statements").fetchall()[0][0]
        assert again.skipped or again.new_statements == 0
        assert total == first.new_statements
