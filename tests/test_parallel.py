"""Worker processes: never forks of the test process, every job done once, inputs shared."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from crosslink import parallel


def _whose(job: int) -> tuple[int, int, int]:
    """(job squared, pid, parent pid) of whoever ran it."""
    return job * job, os.getpid(), os.getppid()


def _fail_on_three(job: int) -> int:
    if job == 3:
        raise ValueError("job three is bad")
    return job


def test_workers_are_never_forks_of_this_process() -> None:
    assert parallel.context().get_start_method() in ("forkserver", "spawn")
    results = dict(parallel.run_jobs(_whose, list(range(12)), workers=2, here=False))
    assert sorted(results) == list(range(12))
    assert all(square == job * job for job, (square, _, _) in results.items())
    pids = {pid for _, pid, _ in results.values()}
    parents = {parent for _, _, parent in results.values()}
    # Run by worker processes whose parent is the fork server, not this process
    # (a forked worker's parent would be this process).
    assert os.getpid() not in pids
    assert os.getpid() not in parents


def test_this_process_works_alongside_its_workers() -> None:
    results = dict(parallel.run_jobs(_whose, list(range(30)), workers=2))
    assert sorted(results) == list(range(30))
    assert all(square == job * job for job, (square, _, _) in results.items())
    pids = {pid for _, pid, _ in results.values()}
    assert os.getpid() in pids  # it started at once, from the front of the list
    assert len(pids) == 2  # and the worker took its share from the back
    assert results[0][1] == os.getpid()
    assert results[29][1] != os.getpid()


def test_an_error_in_a_worker_reaches_the_caller() -> None:
    with pytest.raises(ValueError, match="job three is bad"):
        list(parallel.run_jobs(_fail_on_three, [9, 8, 7, 6, 5, 4, 3], workers=2, here=False))
    # ...and the next run is unaffected
    assert sorted(r for _, r in parallel.run_jobs(_fail_on_three, [1, 2], workers=2, here=False)) == [1, 2]


def test_one_worker_runs_everything_here() -> None:
    results = dict(parallel.run_jobs(_whose, [1, 2, 3], workers=1))
    assert {pid for _, pid, _ in results.values()} == {os.getpid()}


def test_shared_arrays_round_trip_read_only(tmp_path: Path) -> None:
    ints = np.arange(100_003, dtype=np.int64)
    floats = np.linspace(0, 1, 7)
    names = pa.array(["Karwan", None, "Dilan"] * 1000)
    path = parallel.share({"ints": ints, "floats": floats, "names": names, "n": 3}, tmp_path / "x.bin")
    back = parallel.load_shared(path)
    assert back["n"] == 3
    assert np.array_equal(back["ints"], ints) and np.array_equal(back["floats"], floats)
    assert back["names"].equals(names)
    assert not back["ints"].flags.writeable  # mapped from the file, not copied
    with pytest.raises(ValueError, match="not a file written by"):
        (tmp_path / "junk.bin").write_bytes(b"0" * 64)
        parallel.load_shared(tmp_path / "junk.bin")
