"""Simulator throughput: records per second and peak memory (prints figures).

    .venv/bin/python bench/bench_simulate.py                 # 10k and 100k people
    .venv/bin/python bench/bench_simulate.py --people 1000000

Each size runs in a fresh subprocess so the peak RSS is that run's own (the
scenario's writer processes are reported separately: "child MB" is the largest
of them, counted once the worker server is stopped). The machine may be shared: the load average is printed, and "CPU s"
(user + system time of the run and its writer processes) is the figure that does
not depend on how busy the other cores are.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def _child(people: int, seed: int, kind: str, workers: int | None) -> None:
    t0 = time.perf_counter()
    meta: dict[str, Any] = {}
    if kind == "scenario":
        from crosslink.simulate import simulate

        with tempfile.TemporaryDirectory() as tmp:
            meta = simulate(people, seed, Path(tmp) / "scenario", workers=workers)
        records = int(meta["total_records"])
    else:
        from crosslink.simulate import person_records

        records = person_records(people, seed).num_rows
    seconds = time.perf_counter() - t0
    _reap_worker_server()
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    steps = meta.get("cpu_seconds", {}) if kind == "scenario" else {}
    print(json.dumps({"records": records, "seconds": seconds, "peak_mb": own.ru_maxrss / 1024,
                      "child_mb": kids.ru_maxrss / 1024, "cpu": cpu, "steps": steps}))


def _reap_worker_server() -> None:
    """Stop multiprocessing's forkserver (crosslink's workers come from it), so that
    its workers' CPU time and memory count among this process's children."""
    from multiprocessing import forkserver

    stop = getattr(forkserver._forkserver, "_stop", None)  # private, but the only way
    if stop is not None:
        stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=None, help="scenario writer processes (default 2)")
    parser.add_argument("--kinds", nargs="*", default=["person_records", "scenario"])
    parser.add_argument("--child", choices=["scenario", "person_records"])
    args = parser.parse_args()
    if args.child:
        _child(args.people[0], args.seed, args.child, args.workers)
        return
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    print(f"{'kind':<16}{'people':>10}{'records':>12}{'seconds':>9}{'records/s':>12}{'CPU s':>8}"
          f"{'peak MB':>9}{'child MB':>9}")
    for kind in args.kinds:
        for n in args.people:
            out = subprocess.run(
                [sys.executable, __file__, "--child", kind, "--people", str(n), "--seed", str(args.seed),
                 *(["--workers", str(args.workers)] if args.workers else [])],
                check=True, capture_output=True, text=True,
            ).stdout  # fmt: skip
            r = json.loads(out.strip().splitlines()[-1])
            rate = r["records"] / r["seconds"]
            print(f"{kind:<16}{n:>10,}{r['records']:>12,}{r['seconds']:>9.1f}{rate:>12,.0f}{r['cpu']:>8.1f}"
                  f"{r['peak_mb']:>9.0f}{r['child_mb']:>9.0f}")
            if r["steps"]:
                print("    CPU s per step: " + ", ".join(f"{k} {v:.1f}" for k, v in r["steps"].items()))
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
