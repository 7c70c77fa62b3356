"""`kill -9` of an ingest at any moment leaves the workspace whole (issue 12).

A real `crosslink ingest` subprocess is killed at several moments of its run; each
time the workspace must open, hold none or all of that file's statements (and the
earlier file's, untouched), pass `audit --verify`, and a re-run must complete
with no duplicates.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crosslink.store import Workspace

from .conftest import HEADER, MAPPING

ROWS = 30_000
KILL_AT = (0.25, 0.55, 0.85)  # fractions of a full run's time


def _cli(*args: str | Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CROSSLINK_LOCK_WAIT"}
    return subprocess.run(
        [sys.executable, "-m", "crosslink", *map(str, args)], capture_output=True, text=True, timeout=timeout, env=env
    )


def _counts(path: Path) -> tuple[int, int, int]:
    with Workspace.open(path) as ws:
        return tuple(  # type: ignore[return-value]
            ws.con.sql(f"SELECT count(*) FROM {table}").fetchall()[0][0] for table in ("statements", "reports", "ingests")  # noqa: S608
        )


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("crash")
    (folder / "map.yml").write_text(MAPPING)
    small = folder / "first.csv"
    small.write_text(HEADER + "R1,2024-01-02,1B,P,N1,Karwan,AZIZ,14/06/1988,07700 900123\n")
    big = folder / "big.csv"
    with big.open("w") as out:
        out.write(HEADER)
        for i in range(ROWS):
            out.write(f"R{i % 500},2024-02-{i % 28 + 1:02d},2B,P,N{i},Name{i},SURNAME{i % 97},"
                      f"{i % 28 + 1:02d}/0{i % 9 + 1}/19{60 + i % 40},07700 900{i % 1000:03d}\n")
    return {"map": folder / "map.yml", "small": small, "big": big}


def test_kill_9_mid_ingest_leaves_none_or_all(files: dict[str, Path], tmp_path: Path) -> None:
    # A full run, for its time and its counts.
    reference = tmp_path / "reference.duckdb"
    assert _cli("ingest", files["small"], "-m", files["map"], "-w", reference).returncode == 0
    before = _counts(reference)
    started = time.monotonic()
    run = _cli("ingest", files["big"], "-m", files["map"], "-w", reference)
    full_seconds = time.monotonic() - started
    assert run.returncode == 0, run.stderr
    after = _counts(reference)
    assert after[0] > before[0] + ROWS

    outcomes = []
    for i, fraction in enumerate(KILL_AT):
        ws = tmp_path / f"ws{i}.duckdb"
        assert _cli("ingest", files["small"], "-m", files["map"], "-w", ws).returncode == 0
        proc = subprocess.Popen(
            [sys.executable, "-m", "crosslink", "ingest", str(files["big"]), "-m", str(files["map"]), "-w", str(ws)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        time.sleep(full_seconds * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        outcomes.append(proc.returncode)

        counts = _counts(ws)  # opens: the write-ahead log is replayed or dropped whole
        assert counts in (before, after), f"killed at {fraction:.0%}: partial ingest {counts}"
        verify = _cli("audit", "--verify", "-w", ws)
        assert verify.returncode == 0, f"killed at {fraction:.0%}: {verify.stdout}{verify.stderr}"
        again = _cli("ingest", files["big"], "-m", files["map"], "-w", ws)
        assert again.returncode == 0, again.stderr
        assert _counts(ws) == after, f"killed at {fraction:.0%}: re-run did not give the full file once"
    assert _cli("ingest", files["big"], "-m", files["map"], "-w", ws).returncode == 0
    assert _counts(ws) == after  # and once more adds nothing
    assert -signal.SIGKILL in outcomes  # at least one kill landed mid-run
