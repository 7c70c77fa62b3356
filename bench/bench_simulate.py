"""Simulator throughput: records per second and peak memory (prints figures).

    .venv/bin/python bench/bench_simulate.py                 # 10k and 100k people
    .venv/bin/python bench/bench_simulate.py --people 1000000

Each size runs in a fresh subprocess so the peak RSS is that run's own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _child(people: int, seed: int, kind: str) -> None:
    t0 = time.perf_counter()
    if kind == "scenario":
        from crosslink.simulate import simulate

        with tempfile.TemporaryDirectory() as tmp:
            meta = simulate(people, seed, Path(tmp) / "scenario")
        records = int(meta["total_records"])
    else:
        from crosslink.simulate import person_records

        records = person_records(people, seed).num_rows
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"records": records, "seconds": seconds, "peak_mb": peak_mb}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", choices=["scenario", "person_records"])
    args = parser.parse_args()
    if args.child:
        _child(args.people[0], args.seed, args.child)
        return
    print(f"{'kind':<16}{'people':>10}{'records':>12}{'seconds':>9}{'records/s':>12}{'peak MB':>9}")
    for kind in ("person_records", "scenario"):
        for n in args.people:
            out = subprocess.run(
                [sys.executable, __file__, "--child", kind, "--people", str(n), "--seed", str(args.seed)],
                check=True, capture_output=True, text=True,
            ).stdout  # fmt: skip
            r = json.loads(out.strip().splitlines()[-1])
            rate = r["records"] / r["seconds"]
            print(f"{kind:<16}{n:>10,}{r['records']:>12,}{r['seconds']:>9.1f}{rate:>12,.0f}{r['peak_mb']:>9.0f}")


if __name__ == "__main__":
    main()
