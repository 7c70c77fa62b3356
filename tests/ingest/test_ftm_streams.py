"""FtM entity streams are recognised by their content, whatever their suffix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crosslink.cli import app
from crosslink.errors import InputError
from crosslink.ingest import ReportOptions, ingest_file
from crosslink.ingest.discover import expand
from crosslink.ingest.readers import detect_format
from crosslink.store import Workspace

ENTITIES = [
    {"id": "o1", "schema": "Organization", "properties": {"name": ["Channel Marine"], "phone": ["+447700900123"]}},
    {"id": "p1", "schema": "Person", "properties": {"name": ["Arben Osmani"], "nationality": ["al"]}},
    {"id": "p2", "schema": "Person", "properties": {"name": ["Dilan Rashid"], "phone": ["+447700900456"]}},
]
OPTIONS = ReportOptions(grading="2B", handling="P")


def _lines(path: Path) -> Path:
    path.write_text("".join(json.dumps(e) + "\n" for e in ENTITIES), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["entities.ftm.json", "export.ftm.jsonl", "export.jsonl", "export.ndjson"])
def test_ftm_stream_under_any_json_name_needs_no_mapping(tmp_path: Path, name: str) -> None:
    path = _lines(tmp_path / name)
    assert detect_format(path) == "ftm"
    with Workspace.create(tmp_path / "ws.duckdb") as ws:
        result = ingest_file(ws.session(), path, None, OPTIONS)
        assert (result.entities, result.statements) == (3, 6)
        names = ws.con.sql("SELECT value FROM statements WHERE prop = 'name' ORDER BY 1").fetchall()
    assert names == [("Arben Osmani",), ("Channel Marine",), ("Dilan Rashid",)]


def test_a_json_array_of_entities_is_an_ftm_stream(tmp_path: Path) -> None:
    path = tmp_path / "entities.json"
    path.write_text(json.dumps(ENTITIES, indent=2), encoding="utf-8")
    assert detect_format(path) == "ftm"
    with Workspace.create(tmp_path / "ws.duckdb") as ws:
        assert ingest_file(ws.session(), path, None, OPTIONS).entities == 3


def test_other_json_records_still_need_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "intel.jsonl"
    # `properties` not an object, and records without a schema: not FtM
    path.write_text('{"id": "a", "schema": "Person", "properties": "x"}\n{"id": "b", "name": "Karwan"}\n')
    assert detect_format(path) == "jsonl"
    with Workspace.create(tmp_path / "ws.duckdb") as ws, pytest.raises(InputError, match="need a mapping"):
        ingest_file(ws.session(), path, None, OPTIONS)


def test_one_non_entity_among_the_first_lines_is_not_a_stream(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text(json.dumps(ENTITIES[0]) + "\n" + '{"ref": "R1", "name": "Karwan"}\n')
    assert detect_format(path) == "jsonl"


def test_a_folder_takes_ftm_streams_without_mappings(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    stream = _lines(folder / "entities.ftm.json")
    other = folder / "intel.jsonl"
    other.write_text('{"ref": "R1"}\n')
    files, skipped = expand([folder])
    assert files == [stream] and skipped == [other]


def test_cli_ingests_an_ftm_jsonl_without_mapping(tmp_path: Path) -> None:
    path = _lines(tmp_path / "export.jsonl")
    ws = tmp_path / "ws.duckdb"
    run = CliRunner().invoke(app, ["ingest", str(path), "-w", str(ws), "--grading", "2B", "--handling", "P"])
    assert run.exit_code == 0, run.output
    again = CliRunner().invoke(app, ["ingest", str(path), "-w", str(ws), "--grading", "2B", "--handling", "P"])
    assert again.exit_code == 0, again.output
    with Workspace.open(ws) as opened:
        assert opened.con.sql("SELECT count(*) FROM statements").fetchall() == [(6,)]
