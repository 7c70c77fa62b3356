"""A second process on a workspace another holds gets one clear line, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crosslink.errors import CrosslinkError
from crosslink.store import Workspace

HOLD = """
import sys
from crosslink.store import Workspace
ws = Workspace.open(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()   # hold the workspace until told to let go
ws.close()
"""


def _holder(path: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc


def _release(proc: subprocess.Popen[str]) -> None:
    assert proc.stdin is not None
    proc.stdin.write("\n")
    proc.stdin.flush()
    proc.wait(timeout=30)


@pytest.fixture
def held(tmp_path: Path):
    path = tmp_path / "ws.duckdb"
    Workspace.create(path).close()
    proc = _holder(path)
    yield path, proc
    if proc.poll() is None:
        proc.kill()
        proc.wait(timeout=30)


def test_second_open_names_the_process_holding_the_workspace(held, monkeypatch) -> None:
    path, proc = held
    monkeypatch.delenv("CROSSLINK_LOCK_WAIT", raising=False)
    with pytest.raises(CrosslinkError, match=f"in use by PID {proc.pid}") as info:
        Workspace.open(path)
    assert "python" in str(info.value) and "try again" in str(info.value)
    assert "\n" not in str(info.value)


def test_cli_write_to_a_held_workspace_exits_1_with_one_line(held, tmp_path: Path) -> None:
    path, proc = held
    data = tmp_path / "notes.txt"
    data.write_text("Karwan AZIZ called 07700 900123 on 3 May.\n")
    env = {k: v for k, v in os.environ.items() if k != "CROSSLINK_LOCK_WAIT"}
    run = subprocess.run(
        [sys.executable, "-m", "crosslink", "ingest", str(data), "-w", str(path), "--grading", "2B", "--handling", "P"],
        capture_output=True, text=True, timeout=120, env=env,
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr + run.stdout
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and f"in use by PID {proc.pid}" in lines[0], run.stderr
    _release(proc)
    with Workspace.open(path) as ws:  # untouched and whole
        assert ws.con.sql("SELECT count(*) FROM statements").fetchall() == [(0,)]


def test_a_bounded_wait_gets_the_workspace_once_it_is_free(held, monkeypatch) -> None:
    path, proc = held
    monkeypatch.setenv("CROSSLINK_LOCK_WAIT", "20")
    started = time.monotonic()
    import threading

    threading.Timer(1.0, _release, [proc]).start()
    with Workspace.open(path) as ws:
        assert ws.con.sql("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    assert 0.9 < time.monotonic() - started < 20


def test_a_bounded_wait_still_ends(held, monkeypatch) -> None:
    path, proc = held
    monkeypatch.setenv("CROSSLINK_LOCK_WAIT", "0.5")
    started = time.monotonic()
    with pytest.raises(CrosslinkError, match="in use by PID"):
        Workspace.open(path)
    assert time.monotonic() - started < 10


def test_a_wait_that_is_not_a_number_is_named(held, monkeypatch) -> None:
    path, _ = held
    monkeypatch.setenv("CROSSLINK_LOCK_WAIT", "soon")
    with pytest.raises(CrosslinkError, match="CROSSLINK_LOCK_WAIT"):
        Workspace.open(path)
