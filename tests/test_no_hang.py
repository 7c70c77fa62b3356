"""Parallel work finishes in a process that holds threads (issue 12: `make test` hung).

The run that hung had Spark's py4j threads, a Rich live display and DuckDB's threads
alive when the simulator forked its workers; a forked child inherits every lock
another thread held at that moment, and waits on it for ever. Here the same threads
run while simulate, ingest cleaning, extraction and parallel betweenness start
their workers, again and again. One more thread holds a lock that a forked child
would need (an at-fork hook takes it), which makes the hazard certain instead of
a matter of timing: a forked worker would stall for ``STALL`` seconds. Each child
forked from this process also leaves its pid in a log, so the test names the fault
instead of only timing out.
"""

from __future__ import annotations

import io
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import duckdb
import numpy as np
import pyarrow as pa
import pytest
from rich.console import Console
from rich.live import Live
from rich.spinner import Spinner

from crosslink.extract import table as extract_table_module
from crosslink.extract.table import extract_table
from crosslink.ingest import clean
from crosslink.network import betweenness, centrality, from_edge_arrays
from crosslink.simulate import simulate

STALL = 10.0  # how long a forked child would wait on the held lock
LIMIT = 20.0  # each run must finish well within it (they take about a second)
ROUNDS = 3

T = TypeVar("T")
_HELD: threading.Lock | None = None
_FORK_LOG: Path | None = None


def _after_fork_in_child() -> None:
    # What a library's lock does to a child forked while another thread holds it.
    if _HELD is not None:
        if _FORK_LOG is not None:
            with _FORK_LOG.open("a") as log:
                log.write(f"{os.getpid()}\n")
        _HELD.acquire(timeout=STALL)


os.register_at_fork(after_in_child=_after_fork_in_child)


@pytest.fixture
def busy_process(spark_or_none: object | None, tmp_path: Path) -> Iterator[dict[str, object]]:
    """Spark (where Java is present), a Rich live display, a DuckDB query on another
    thread and a thread holding a lock, all running for the test's duration."""
    global _HELD, _FORK_LOG
    _FORK_LOG = tmp_path / "forked.log"
    stop = threading.Event()
    con = duckdb.connect()
    con.execute("SET threads = 1")  # leave a core for the work under test
    queries = [0]

    def query() -> None:
        while not stop.is_set():
            con.execute("SELECT sum(i * i) FROM range(3000000) t(i)").fetchall()
            queries[0] += 1

    held = threading.Lock()
    held.acquire()

    def hold() -> None:  # keeps `held` taken until the test ends
        stop.wait()
        held.release()

    threads = [threading.Thread(target=f, daemon=True) for f in (query, hold)]
    for thread in threads:
        thread.start()
    live = Live(Spinner("dots", text="busy"), console=Console(file=io.StringIO(), force_terminal=True),
                refresh_per_second=50)
    live.start()
    _HELD = held
    try:
        yield {"spark": spark_or_none, "queries": queries}
    finally:
        _HELD = _FORK_LOG = None
        live.stop()
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        con.close()


def _timed(seconds: list[float], fn: Callable[..., T], *args: object, **kwargs: object) -> T:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    seconds.append(time.perf_counter() - start)
    return result


def test_parallel_work_finishes_while_threads_run(
    busy_process: dict[str, object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if busy_process["spark"] is not None:  # Spark's JVM answers while we work
        assert busy_process["spark"].range(10).count() == 10  # type: ignore[attr-defined]
    # Small inputs, with the thresholds lowered so that each takes its parallel path.
    monkeypatch.setattr(clean, "PARALLEL_THRESHOLD", 1_000)
    monkeypatch.setattr(clean, "CHUNK", 250)
    monkeypatch.setattr(centrality, "PARALLEL_MIN_WORK", 0)
    monkeypatch.setattr(extract_table_module, "PARALLEL_MIN_CHARS", 0)
    phones = [f"07700 900{i:03d}" for i in range(1000)] + [f"+4474{i:08d}" for i in range(1500)]
    rng = np.random.default_rng(5)
    src, dst = rng.integers(0, 400, 2000), rng.integers(0, 400, 2000)
    net = from_edge_arrays(pa.array([f"n{x}" for x in src]), pa.array([f"n{y}" for y in dst]))
    texts = pa.table({"id": [f"r{i}" for i in range(60)],
                      "text": [f"Call Karwan AZIZ on 07700 900{i:03d} at Dover" for i in range(60)]})
    expected_phones = clean._clean_chunk(("phone", "GB", phones))
    expected_btw = betweenness(net, pivots=32, seed=1, workers=1)

    seconds: dict[str, list[float]] = {"simulate": [], "clean": [], "betweenness": [], "extract": []}
    for round_ in range(ROUNDS):
        out = tmp_path / f"scenario{round_}"
        _timed(seconds["simulate"], simulate, 2000, round_, out, workers=2)
        assert (out / "scenario.json").is_file() and (out / "records" / "calls.csv").is_file()

        cleaned = _timed(seconds["clean"], clean.clean_values, "phone", "GB", phones)
        assert cleaned.column("value").to_pylist() == [
            c if c is not None else v for c, v in zip(expected_phones, phones, strict=True)
        ]

        btw = _timed(seconds["betweenness"], betweenness, net, pivots=32, seed=1, workers=2)
        assert np.array_equal(btw, expected_btw)

        mentions = _timed(seconds["extract"], extract_table, texts, country_hint="GB")
        assert mentions.num_rows >= 60

        forked = (tmp_path / "forked.log").read_text().split() if (tmp_path / "forked.log").exists() else []
        assert not forked, f"round {round_}: {len(forked)} worker(s) forked from a process holding threads"

    slow = {name: max(times) for name, times in seconds.items() if max(times) > LIMIT}
    assert not slow, f"parallel work stalled with threads running: {slow}"
    assert busy_process["queries"][0] > 0  # type: ignore[index]  # DuckDB was busy meanwhile
