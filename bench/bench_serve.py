"""The workbench service under load: latency percentiles and throughput (prints figures).

    .venv/bin/python bench/bench_serve.py                       # ~200k statements, ~1-2 min
    .venv/bin/python bench/bench_serve.py --statements 10000000 --keep /data/ws10m.duckdb
    .venv/bin/python bench/bench_serve.py --workspace /data/ws10m.duckdb   # reuse it
    .venv/bin/python bench/bench_serve.py --index-scale 10000000   # search path alone

Builds a workspace with the simulator (about 32 statements per simulated person,
ingested through the ordinary pipeline; at 10 million statements that takes a long
while, so build it once with ``--keep`` and reuse it with ``--workspace``), adds one
analyst cleared for every compartment, starts ``crosslink serve`` on 127.0.0.1 in a
separate process, and drives bounded load from this process: ``--clients`` threads,
each with its own HTTP connection (httpx), a fixed number of requests per endpoint and
a time cap. Prints p50/p95/p99 and requests/s for the entity page, search and the
2-hop graph (limit 500) next to the issue's targets, as ratios (target / measured
p95: above 1 is within the target). The machine may be shared: the load average is
printed before and after.

``--index-scale N`` measures the search path alone at N statements without the
simulator (which takes hours at 10 million): a synthetic workspace made in SQL
(a person every 32 statements, two spellings of a name, a phone, filler values; a
quarter of the reports in a compartment the reader lacks), then server CPU per
query of the index (``api/search_index.py``) side by side with the scan it replaces,
the index's build time and size.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import psutil

STATEMENTS_PER_PERSON = 32  # measured on the simulator's scenarios
PASSWORD = "bench password 1"  # synthetic account on a throwaway workspace
# endpoint -> (p95 target ms, req/s target or None), from issue 15
TARGETS = {"entity page": (100.0, 100.0), "search": (150.0, None), "graph 2-hop": (200.0, None)}


def build(path: Path, statements: int, seed: int) -> None:
    from crosslink.demo.pipeline import ingest_file, load_mapping, mapping_for
    from crosslink.ingest.discover import expand
    from crosslink.simulate import simulate

    people = max(statements // STATEMENTS_PER_PERSON, 200)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        simulate(people, seed, Path(tmp) / "scenario")
        from crosslink.store import Workspace

        with Workspace.create(path) as ws:
            session = ws.session("bench", "benchmark build")
            files, _ = expand([Path(tmp) / "scenario" / "records"])
            for file in files:
                mapping = mapping_for(file)
                ingest_file(session, file, load_mapping(mapping) if mapping else None)
            n = session.summary()["statements"]
        print(f"built {path.name}: {people:,} simulated people, {n:,} statements "
              f"in {time.perf_counter() - t0:.0f} s")


def prepare(path: Path, seed: int) -> dict[str, list[str]]:
    """Add the bench account; sample entity ids, names, and linked ids for graphs."""
    from crosslink.store import Workspace
    from crosslink.store.users import add_user, get_user

    with Workspace.open(path) as ws:
        if get_user(ws.con, "bench") is None:
            add_user(ws.session("bench-admin", "benchmark"), "bench", PASSWORD, "analyst",
                     compartments=["*"])
        people = ws.con.execute(
            # SAMPLE applies before WHERE in DuckDB: filter in a subquery first.
            "SELECT * FROM (SELECT entity_id, value FROM statements WHERE schema = 'Person' "
            "AND prop = 'name') USING SAMPLE 2000 ROWS").fetchall()
        linked = ws.con.execute(
            "SELECT * FROM (SELECT DISTINCT value FROM statements WHERE prop_type = 'entity' "
            "AND schema IN ('Call', 'Payment', 'Associate', 'Family')) USING SAMPLE 2000 ROWS"
        ).fetchall()
        total = ws.con.execute("SELECT count(*) FROM statements").fetchall()[0][0]
    rng = random.Random(seed)
    names = [str(v) for _, v in people]
    # A misspelt name half the time, so fuzzy matching does work too.
    queries = [n if rng.random() < 0.5 else n[:-1] + "x" for n in names]
    return {"entities": [str(e) for e, _ in people], "queries": queries,
            "linked": [str(v[0]) for v in linked] or [str(e) for e, _ in people],
            "total": [str(total)]}


FIRST = ["Karwan", "Soran", "Rebin", "Dilan", "Aram", "Hemin", "Shvan", "Baran", "Zana",
         "Ahmad", "Ali", "Omar", "Yusuf", "Hassan", "Reza", "Darya", "Nasrin", "Leyla",
         "Elena", "Ion", "Mihai", "Ana", "Petr", "Tomas", "Arben", "Blerim", "Driton"]
LAST = ["Aziz", "Barzani", "Qadir", "Rashid", "Jaff", "Salih", "Omar", "Kaya", "Hawrami",
        "Karimi", "Ahmadi", "Hosseini", "Popescu", "Ionescu", "Novak", "Krasniqi", "Berisha",
        "Gashi", "Hoxha", "Shehu", "Demir", "Yilmaz", "Celik", "Sahin", "Mahmoud", "Nouri"]


def index_scale(statements: int, seed: int) -> None:
    """CPU per search query: the index against the scan, on a synthetic workspace."""
    from crosslink.api import queries
    from crosslink.api.search_index import build
    from crosslink.store import Workspace
    from crosslink.store.lookup import selector_forms
    from crosslink.store.session import Clearance, Session

    with tempfile.TemporaryDirectory() as tmp, Workspace.create(Path(tmp) / "s.duckdb") as ws:
        t = time.perf_counter()
        con = ws.con
        con.execute("INSERT INTO reports (id, title, compartment, grading, handling_code) "
                    "SELECT 'r' || i, 'Report ' || i, CASE WHEN i % 4 = 0 THEN 'OP-X' END, "
                    "'1B', 'P' FROM range(?) t(i)", [max(statements // 40, 1)])
        # name = first + middle initial + last: about 18k spellings per 1M persons
        con.execute(
            """INSERT INTO statements (id, entity_id, schema, prop, prop_type, value,
                                       report_id, entity_hash)
               SELECT 's' || i, 'e' || (i // 32), 'Person',
                      CASE WHEN i % 32 < 2 THEN 'name' WHEN i % 32 = 2 THEN 'phone'
                           ELSE 'notes' END,
                      CASE WHEN i % 32 < 2 THEN 'name' WHEN i % 32 = 2 THEN 'phone' END,
                      CASE WHEN i % 32 < 2 THEN
                             $f[1 + (hash(i // 32, $seed) % len($f))::INT] || ' ' ||
                             chr(65 + (hash(i // 32, 1) % 26)::INT) || '. ' ||
                             $l[1 + (hash(i // 32, 2) % len($l))::INT] ||
                             CASE WHEN i % 32 = 1 THEN 'i' ELSE '' END
                           WHEN i % 32 = 2 THEN '+4479' || lpad((i // 32)::VARCHAR, 8, '0')
                           ELSE 'note ' || (i % 5000) END,
                      'r' || ((i // 32) % $reports), hash('e' || (i // 32))
               FROM range($n) t(i)""",
            {"f": FIRST, "l": LAST, "seed": seed, "n": statements,
             "reports": max(statements // 40, 1)})
        print(f"synthetic workspace: {statements:,} statements in {time.perf_counter() - t:.0f} s")
        t = time.perf_counter()
        snap = build(con, 0)
        nbytes = sum(v.nbytes for v in vars(snap).values() if isinstance(v, np.ndarray))
        print(f"index built in {time.perf_counter() - t:.1f} s: {len(snap.lowered):,} distinct "
              f"names, {nbytes / 2**20:.0f} MiB of arrays ({nbytes / statements:.0f} B a statement)")
        session = Session(con, user="bench", purpose="benchmark",
                          clearance=Clearance(compartments=frozenset()))
        rng = random.Random(seed)
        names = [f"{rng.choice(FIRST)} {chr(rng.randrange(65, 91))}. {rng.choice(LAST)}"
                 for _ in range(40)]
        qs = [n if k % 2 else n[:-1] + "x" for k, n in enumerate(names)]
        qs += [f"079{rng.randrange(statements // 32):08d}" for _ in range(10)]  # national phones

        def cpu(f: Any) -> tuple[float, float]:
            t0, w0 = time.process_time(), time.perf_counter()
            for q in qs:
                f(q)
            return ((time.process_time() - t0) * 1000 / len(qs),
                    (time.perf_counter() - w0) * 1000 / len(qs))

        def by_index(q: str) -> object:
            return snap.search(session, q, selector_forms(q), queries.FUZZY, 20)

        def by_scan(q: str) -> object:
            rows = queries._scan(session, q, selector_forms(q), 20)
            return queries.quick_captions(session, [str(r[0]) for r in rows])

        by_index(qs[0])  # the clearance's report mask, once per index version
        scan_q = qs[::5]
        ic, iw = cpu(by_index)
        qs, full = scan_q, qs
        sc, sw = cpu(by_scan)
        qs = full
        print(f"\nsearch path per query ({statements:,} statements; no HTTP, no audit)")
        print(f"{'':<10}{'CPU ms':>9}{'wall ms':>9}")
        print(f"{'index':<10}{ic:>9.1f}{iw:>9.1f}")
        print(f"{'scan':<10}{sc:>9.1f}{sw:>9.1f}")
        print(f"scan / index CPU: {sc / ic:.1f}x")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(path: Path, port: int) -> subprocess.Popen[bytes]:
    # A separate interpreter (spawned, never forked from this threaded process).
    cmd = [sys.executable, "-m", "crosslink", "serve", "-w", str(path), "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("server did not start within 120 s")


def drive(base: str, token: str, paths: list[str], clients: int, cap: float) -> dict[str, Any]:
    """Send ``paths`` from ``clients`` threads; latency per request, stop at ``cap`` s."""
    headers = {"Authorization": f"Bearer {token}"}
    chunks = [paths[i::clients] for i in range(clients)]
    deadline = time.monotonic() + cap
    errors: list[int] = []

    def run(chunk: list[str]) -> list[float]:
        out = []
        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            for path in chunk:
                if time.monotonic() > deadline:
                    break
                t = time.perf_counter()
                status = client.get(path).status_code
                out.append(time.perf_counter() - t)
                if status != 200:
                    errors.append(status)
        return out

    t0 = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        times = [x for r in pool.map(run, chunks) for x in r]
    wall = time.perf_counter() - t0
    ms = np.asarray(times) * 1000
    return {"n": len(times), "p50": float(np.percentile(ms, 50)),
            "p95": float(np.percentile(ms, 95)), "p99": float(np.percentile(ms, 99)),
            "rps": len(times) / wall, "errors": len(errors)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--statements", type=int, default=200_000)
    parser.add_argument("--workspace", type=Path, help="reuse this workspace (no build)")
    parser.add_argument("--keep", type=Path, help="build into this path and keep it")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=400, help="per endpoint")
    parser.add_argument("--time-cap", type=float, default=30.0, help="seconds per endpoint")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--index-scale", type=int, metavar="N",
                        help="only the search path, on N synthetic statements")
    args = parser.parse_args()
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    if args.index_scale:
        index_scale(args.index_scale, args.seed)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = args.workspace or args.keep or Path(tmp) / "bench.duckdb"
        if args.workspace is None:
            build(path, args.statements, args.seed)
        sample = prepare(path, args.seed)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        t = time.perf_counter()
        server = start_server(path, port)
        print(f"server up in {time.perf_counter() - t:.1f} s (workspace of "
              f"{int(sample['total'][0]):,} statements)")
        try:
            token = httpx.post(f"{base}/api/token", data={"username": "bench",
                               "password": PASSWORD}).json()["access_token"]
            rng = random.Random(args.seed)
            n = args.requests
            t = time.perf_counter()  # the first graph request builds the cached network
            httpx.get(f"{base}/api/entities/{sample['linked'][0]}/graph?hops=2&limit=500",
                      headers={"Authorization": f"Bearer {token}"}, timeout=600)
            print(f"network built for this clearance in {time.perf_counter() - t:.1f} s "
                  "(once, then cached until the next write)")
            plans = {
                "entity page": [f"/api/entities/{rng.choice(sample['entities'])}"
                                "?justification=benchmark" for _ in range(n)],
                "search": [f"/api/search?q={rng.choice(sample['queries'])}" for _ in range(n)],
                "graph 2-hop": [f"/api/entities/{rng.choice(sample['linked'])}/graph"
                                "?hops=2&limit=500" for _ in range(n)],
            }
            print(f"\n{args.clients} clients, up to {n} requests or {args.time_cap:.0f} s each")
            print(f"{'endpoint':<14}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'req/s':>8}"
                  f"{'errors':>8}   {'target p95':>10}{'ratio':>7}{'target r/s':>11}{'ratio':>7}")
            server_ps = psutil.Process(server.pid)
            cpu_rows = []
            for name, paths in plans.items():
                before = sum(server_ps.cpu_times()[:2])
                r = drive(base, token, paths, args.clients, args.time_cap)
                cpu_ms = (sum(server_ps.cpu_times()[:2]) - before) * 1000 / max(r["n"], 1)
                cpu_rows.append((name, cpu_ms))
                p95_target, rps_target = TARGETS[name]
                rps_cell = f"{rps_target:>11.0f}{r['rps'] / rps_target:>7.2f}" if rps_target \
                    else f"{'-':>11}{'':>7}"
                print(f"{name:<14}{r['n']:>6}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['p99']:>9.1f}"
                      f"{r['rps']:>8.1f}{r['errors']:>8}   {p95_target:>10.0f}"
                      f"{p95_target / r['p95']:>7.2f}{rps_cell}")
            # CPU time the server spent per request does not depend on how busy the
            # machine's other processes keep the cores: the figure to compare runs by.
            print("\nserver CPU per request (independent of load on a shared machine):")
            for name, cpu_ms in cpu_rows:
                print(f"  {name:<14}{cpu_ms:>8.1f} ms CPU  -> {1000 / cpu_ms:>7.0f} req/s per core")
        finally:
            server.terminate()
            server.wait(timeout=30)
    print("ratio: target / measured for p95 (above 1 meets it), measured / target for req/s")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
