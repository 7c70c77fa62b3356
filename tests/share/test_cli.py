"""The share commands: preview prints counts per reason, export writes and audits, import keeps markings."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from crosslink.cli import app


def test_preview_export_and_import_through_the_command_line(workspace, tmp_path):
    path = str(workspace.path)
    workspace.close()
    runner = CliRunner()
    result = runner.invoke(app, ["share", "preview", "--to", "cps", "-w", path, "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["withheld_by_reason"]["H1: not for judicial proceedings without the provider's permission"] == 6
    assert {i["id"] for i in summary["items"]} >= {"p-open", "p-cond"} and all(i["handling"] != ["H1"] for i in summary["items"])
    result = runner.invoke(app, ["share", "preview", "--to", "uk-force", "-w", path, "--around", "p-cond", "--hops", "1"])
    assert result.exit_code == 0 and "to uk-force" in result.output
    out = tmp_path / "kent.ftm.json"
    result = runner.invoke(app, ["share", "export", "--to", "uk-force", "--format", "ftm", "--out", str(out),
                                 "--justification", "joint arrest", "-w", path, "--entity", "p-open"])
    assert result.exit_code == 0, result.output
    assert {json.loads(line)["id"] for line in out.read_text("utf-8").splitlines()} == {"p-open"}
    result = runner.invoke(app, ["share", "import", str(out), "--partner", "Kent Police", "-w", str(tmp_path / "b.duckdb")])
    assert result.exit_code == 0, result.output
    assert "from Kent Police" in result.output
    result = runner.invoke(app, ["share", "preview", "--to", "interpol", "-w", path])
    assert result.exit_code == 1 and "unknown recipient 'interpol'" in result.output
