"""The README's tour runs end to end on its own examples, and every output is readable."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crosslink.cli import app

ROOT = Path(__file__).resolve().parents[2]
HEX_ID = re.compile(r"\b[0-9a-f]{40}\b")


def tour_commands() -> list[list[str]]:
    """The `crosslink ...` lines of the README's "A short tour" block, comments dropped."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## A short tour", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = []
    for line in block.splitlines():
        line = line.split(" # ", 1)[0].strip()
        if line.startswith("crosslink "):
            commands.append(shlex.split(line)[1:])
    return commands


def test_the_readme_tour_runs_and_reads_well(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    env = {"CROSSLINK_WORKSPACE": "cases.duckdb", "COLUMNS": "80", "CROSSLINK_USER": "tour"}
    runner = CliRunner()
    commands = tour_commands()
    assert len(commands) >= 20 and commands[0][:1] == ["init"]
    for args in commands:
        if args[0] == "serve":
            continue  # keeps running; the service has its own tests (tests/api, tests/web)
        # `users add` reads the password from stdin when it is not a terminal
        stdin = "correct horse battery staple\n" if args[:2] == ["users", "add"] else None
        result = runner.invoke(app, args, env=env, input=stdin)
        assert result.exit_code == 0, f"crosslink {' '.join(args)}:\n{result.output}"
        # What a person reads: names and short ids, never 40-character hex ids, in 80 columns.
        assert not HEX_ID.search(result.stdout), f"crosslink {' '.join(args)} prints raw ids"
        assert max((len(x) for x in result.stdout.splitlines()), default=0) <= 80, args
    for written in ("analysis.html", "plan.json", "together.csv", "change.json", "calls.json", "clusters.csv"):
        assert (tmp_path / written).is_file(), written
    plan = (tmp_path / "plan.json").read_text(encoding="utf-8")
    assert "Note in" not in plan  # a note is never a target (issue #20)
