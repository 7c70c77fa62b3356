"""The case commands end to end, and the demo's sample case file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from crosslink.cli import app

from .conftest import biggest_group_with_suspects

runner = CliRunner()


def _run(*args: str) -> Any:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


def test_new_add_show_export_decide(ws, scenario, tmp_path: Path):
    w = str(ws.path)
    number, _ = biggest_group_with_suspects(scenario["data"], ws)
    ws.close()  # the commands open the workspace themselves
    _run("case", "new", "OP-7", "--offence", "s25", "-w", w)
    added = json.loads(_run("case", "add", "OP-7", "--group", str(number), "--analysis",
                            str(scenario["analysis"]), "-w", w, "--format", "json").output)
    assert added["group"]["suspects_added"] > 0
    shown = _run("case", "show", "OP-7", "-w", w).output
    assert "suspects" in shown and "s.25" in shown
    out = tmp_path / "files"
    result = json.loads(_run("case", "export", "OP-7", "-o", str(out), "-w", w, "--format", "json").output)
    assert all(Path(p).is_file() for p in result["files"].values())
    rows = json.loads(_run("case", "show", "OP-7", "-w", w, "--format", "json").output)["schedules"]
    item = (rows["MG6C"] or rows["MG6D"])[0]["item"]
    _run("case", "decide", "OP-7", item, "--decision", "disclose", "-w", w)
    rows = json.loads(_run("case", "show", "OP-7", "-w", w, "--format", "json").output)["schedules"]
    assert [r for r in rows["MG6C"] + rows["MG6D"] if r["item"] == item][0]["decision"] == "disclose"


def test_bad_input_is_one_message_and_exit_1(ws):
    w = str(ws.path)
    ws.close()
    result = runner.invoke(app, ["case", "new", "OP-8", "--offence", "burglary", "-w", w])
    assert result.exit_code == 1 and "unknown offence 'burglary'" in result.output
    result = runner.invoke(app, ["case", "decide", "NOPE", "C1", "--decision", "disclose", "-w", w])
    assert result.exit_code == 1 and "no case 'NOPE'" in result.output


def test_the_demo_writes_a_sample_case_file(scenario):
    case = scenario["demo"].case_file
    assert case is not None and case["suspects"] > 0 and case["sentences"] > 0
    for path in case["files"].values():
        assert Path(path).stat().st_size > 0
