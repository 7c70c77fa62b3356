"""Bulk extraction over Arrow tables, and the ``crosslink extract`` command."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from crosslink.cli import app
from crosslink.errors import InputError
from crosslink.extract import extract_table

TEXT = "Ahmed KARIMI uses 07911 123456 in Dunkerque."


def test_extract_table_joins_back_to_every_row() -> None:
    table = pa.table({"id": ["r1", "r2", "r3", "r4"], "text": [TEXT, None, "tel 07922 654321", TEXT]})
    out = extract_table(table)
    assert out.column_names == ["id", "type", "text", "start", "end", "value"]
    rows = out.to_pylist()
    assert [r["id"] for r in rows] == ["r1", "r1", "r1", "r3", "r4", "r4", "r4"]
    assert [r["value"] for r in rows if r["id"] == "r4"] == ["Ahmed Karimi", "+447911123456", "Dunkirk"]
    for r in rows:
        source = TEXT if r["id"] != "r3" else "tel 07922 654321"
        assert source[r["start"] : r["end"]] == r["text"]


def test_extract_table_country_hint_and_columns() -> None:
    table = pa.table({"ref": [1], "body": ["tel 06 12 34 56 78"]})
    out = extract_table(table, text_column="body", id_column="ref", country_hint="FR")
    assert out.to_pylist()[0]["value"] == "+33612345678"
    assert out.schema.field("id").type == pa.string()


def test_extract_table_missing_column_is_an_input_error() -> None:
    with pytest.raises(InputError, match="narrative"):
        extract_table(pa.table({"id": ["a"]}), text_column="narrative")


def test_cli_reads_stdin_and_prints_jsonl() -> None:
    result = CliRunner().invoke(app, ["extract", "-"], input=TEXT)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["type"] for r in rows] == ["person", "phone", "location"]
    assert set(rows[0]) == {"type", "text", "start", "end", "value"}
    assert all(TEXT[r["start"] : r["end"]] == r["text"] for r in rows)


def test_cli_files_hint_and_table(tmp_path: Path) -> None:
    f = tmp_path / "report.txt"
    f.write_text("tel 06 12 34 56 78", encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(f), "--country-hint", "fr"])
    assert json.loads(result.stdout)["value"] == "+33612345678"
    table = CliRunner().invoke(app, ["extract", str(f), "--country-hint", "FR", "--format", "table"])
    assert table.exit_code == 0 and "+33612345678" in table.stdout


def test_cli_missing_file_exits_1(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["extract", str(tmp_path / "nope.txt")])
    assert result.exit_code == 1


def test_cli_reads_docx_reports(tmp_path: Path) -> None:
    import docx

    doc = docx.Document()
    doc.add_paragraph(TEXT)
    path = tmp_path / "report.docx"
    doc.save(str(path))
    result = CliRunner().invoke(app, ["extract", str(path)])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["value"] for line in result.stdout.splitlines()] == [
        "Ahmed Karimi", "+447911123456", "Dunkirk"
    ]


def test_cli_unreadable_pdf_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"not a pdf")
    result = CliRunner().invoke(app, ["extract", str(path)])
    assert result.exit_code == 1
    assert "broken.pdf" in result.output
