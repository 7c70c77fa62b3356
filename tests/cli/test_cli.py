"""The command line as a user drives it: exit codes, messages, formats."""

import json
from pathlib import Path

from typer.testing import CliRunner

from crosslink.cli import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_ingest_examples_then_show_a_selector_lists_every_report(tmp_path):
    ws = str(tmp_path / "ws.duckdb")
    result = run("ingest", str(EXAMPLES / "intel_log.csv"), str(EXAMPLES / "calls.csv"), "-w", ws, "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["workspace"]["reports"] == 5
    shown = run("show", "07911 123456", "-w", ws, "--format", "jsonl")
    assert shown.exit_code == 0
    rows = [json.loads(line) for line in shown.stdout.splitlines()]
    assert {r["report_title"] for r in rows} >= {"KNT-24-0001", "KNT-24-0003", "Call records, production order PO-24-117"}
    assert all(r["grading"] and r["handling_code"] for r in rows)


def test_bad_input_exits_1_with_file_row_and_column(tmp_path):
    bad = tmp_path / "calls.csv"
    bad.write_text((EXAMPLES / "calls.csv").read_text().replace("a_number", "caller"))
    result = run("ingest", str(bad), "-m", str(EXAMPLES / "mappings" / "calls.yml"), "-w", str(tmp_path / "ws.duckdb"))
    assert result.exit_code == 1
    assert "calls.csv" in result.stderr and "row 1" in result.stderr and "'a_number'" in result.stderr


def test_unknown_option_is_a_usage_error(tmp_path):
    assert runner.invoke(app, ["ingest", "--no-such-option"]).exit_code == 2


def test_show_unknown_key_exits_1(tmp_path):
    ws = str(tmp_path / "ws.duckdb")
    assert run("init", ws).exit_code == 0
    result = run("show", "nobody", "-w", ws)
    assert result.exit_code == 1 and "nobody" in result.stderr


def test_csv_output_neutralises_formulas(tmp_path):
    data = tmp_path / "people.csv"
    data.write_text("id,name\n1,=HYPERLINK(\"http://evil\")\n")
    mapping = tmp_path / "people.yml"
    mapping.write_text("entities:\n  p: {schema: Person, keys: [id], properties: {name: {column: name}}}\n")
    ws = str(tmp_path / "ws.duckdb")
    assert run("ingest", str(data), "-m", str(mapping), "--grading", "2B", "--handling", "P", "-w", ws).exit_code == 0
    out = run("entities", "-w", ws, "--format", "csv", "--excel-safe").stdout
    assert "'=HYPERLINK" in out and "\n=HYPERLINK" not in out and ",=HYPERLINK" not in out
    # Without --excel-safe the CSV is for other tools: values exactly as stored.
    raw = run("entities", "-w", ws, "--format", "csv").stdout
    assert ',"=HYPERLINK(""http://evil"")"' in raw


def test_audit_verify_reports_an_intact_chain(tmp_path):
    ws = str(tmp_path / "ws.duckdb")
    run("ingest", str(EXAMPLES / "calls.csv"), "-w", ws)
    result = run("audit", "--verify", "-w", ws)
    assert result.exit_code == 0 and "intact" in result.stdout
