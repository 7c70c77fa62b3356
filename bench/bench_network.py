"""Network analysis benchmark: prints the figures issue 6 asks for.

    .venv/bin/python bench/bench_network.py                  # 1M nodes / 5M edges
    .venv/bin/python bench/bench_network.py --nodes 100000 --edges 500000 --skip-cli

Synthetic graph: a planted partition (groups of ~100) with power-law (Pareto) node
propensities, 90% of edges inside a group; generated with numpy, never a Python loop
over edges. Timings on a shared 2-core machine are noisy: run once, read as a guide.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from crosslink.network import (
    betweenness,
    components,
    ego_network,
    evidenced_path,
    from_adjacency_csv,
    from_edge_arrays,
    key_players,
    leiden,
    nmi,
    pagerank,
)

REPO = Path(__file__).resolve().parents[1]


def planted_powerlaw(n: int, m: int, *, group_size: int = 100, mu: float = 0.9, seed: int = 0):
    """(src, dst, truth): m edges over n nodes, groups of ``group_size``, mixing 1 - mu."""
    rng = np.random.default_rng(seed)
    truth = np.arange(n) // group_size
    prop = rng.pareto(2.1, n) + 1.0
    cdf = np.cumsum(prop)
    cdf /= cdf[-1]
    src = np.searchsorted(cdf, rng.random(m))
    inside = rng.random(m) < mu
    # Inside: a node of the same group, weighted by propensity within the group.
    start = truth[src] * group_size
    size = np.minimum(group_size, n - start)
    # Sample by rejection-free trick: uniform in group then accept-by-propensity once.
    cand = start + (rng.random(m) * size).astype(np.int64)
    cand2 = start + (rng.random(m) * size).astype(np.int64)
    local = np.where(prop[cand] >= prop[cand2], cand, cand2)
    far = np.searchsorted(cdf, rng.random(m))
    dst = np.where(inside, local, far)
    return src.astype(np.int64), dst.astype(np.int64), truth


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def row(name: str, seconds: float, target: str = "") -> None:
    print(f"  {name:<48s} {seconds:9.3f} s  {target}", flush=True)


def bench_large(n: int, m: int, out_dir: Path, skip_cli: bool) -> None:
    import networkit as nk

    print(f"\n== synthetic planted partition, power-law degrees: {n:,} nodes, {m:,} edge rows")
    src, dst, truth = planted_powerlaw(n, m)
    ids_s = pa.array(np.char.add("n", src.astype(str)))
    ids_t = pa.array(np.char.add("n", dst.astype(str)))
    csv = out_dir / "edges.csv"
    pacsv.write_csv(pa.table({"source": ids_s, "target": ids_t}), csv)

    t_build, net = timed(lambda: from_edge_arrays(ids_s, ids_t))
    t_ig, _ = timed(net.graph)
    t_nk, _ = timed(net.nk_graph)
    print(f"  graph: {net.n:,} nodes, {net.m:,} distinct edges")
    row("factorise ids + aggregate pairs (Arrow/numpy)", t_build)
    row("build igraph", t_ig)
    row("build networkit", t_nk)
    t_cc, _ = timed(lambda: components(net))
    row("components (igraph)", t_cc)
    t_lnk, memb = timed(lambda: leiden(net, engine="networkit", seed=0))
    order = np.array([int(x[1:]) for x in net.ids])
    row(f"Leiden (networkit ParallelLeiden), NMI vs truth {nmi(memb, truth[order]):.3f}", t_lnk)
    t_prn, _ = timed(lambda: pagerank(net, engine="networkit"))
    row("PageRank (networkit)", t_prn)
    t_pri, _ = timed(lambda: pagerank(net, engine="igraph"))
    row("PageRank (igraph)", t_pri)
    total = t_build + t_ig + t_nk + t_cc + t_lnk + t_prn
    row(
        "build + components + Leiden + PageRank",
        total,
        f"target <= 30 s: {'MET' if total <= 30 else 'NOT MET'}",
    )
    t_bt, _ = timed(lambda: betweenness(net, pivots=256, workers=2))
    row(
        "betweenness, 256 pivots, 2 processes (igraph)",
        t_bt,
        f"target <= 70 s: {'MET' if t_bt <= 70 else 'NOT MET'}",
    )
    t_btn, _ = timed(
        lambda: nk.centrality.EstimateBetweenness(net.nk_graph(), 256, False, True).run()
    )
    row("betweenness, 256 samples (networkit Estimate)", t_btn)

    rng = np.random.default_rng(1)
    ids = net.ids
    net.index(str(ids[0]))  # build the id index once (O(n))
    pairs = rng.integers(0, net.n, size=(30, 2))
    t_paths = [
        timed(lambda a=a, b=b: evidenced_path(net, str(ids[a]), str(ids[b])))[0] for a, b in pairs
    ]
    t_paths_ig = [
        timed(lambda a=a, b=b: evidenced_path(net, str(ids[a]), str(ids[b]), engine="igraph"))[0]
        for a, b in pairs[:10]
    ]
    t_ego = [timed(lambda a=a: ego_network(net, str(ids[a]), radius=2))[0] for a in pairs[:, 0]]
    med_p = statistics.median(t_paths) * 1000
    med_e = statistics.median(t_ego) * 1000
    print(
        f"  {'evidenced shortest path (networkit bidir. BFS), median':<48s} {med_p:9.2f} ms  target < 20 ms: {'MET' if med_p < 20 else 'NOT MET'} (p90 {np.percentile(t_paths, 90) * 1000:.1f} ms)"
    )
    print(
        f"  {'evidenced shortest path (igraph BFS), median':<48s} {statistics.median(t_paths_ig) * 1000:9.2f} ms"
    )
    print(
        f"  {'2-hop ego network with evidence, median':<48s} {med_e:9.2f} ms  target < 20 ms: {'MET' if med_e < 20 else 'NOT MET'} (p90 {np.percentile(t_ego, 90) * 1000:.1f} ms)"
    )
    net = None  # free memory before the CLI run

    if not skip_cli:
        cmd = [
            str(Path(sys.executable).with_name("crosslink")),
            "network",
            "analyse",
            str(csv),
            "--source",
            "source",
            "--target",
            "target",
            "--out",
            str(out_dir / "report.json"),
        ]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        dt = time.perf_counter() - t0
        peak_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 / 1024
        if proc.returncode != 0:
            print("  CLI failed:", proc.stderr[-2000:])
        row(
            "`crosslink network analyse` on the CSV, end to end",
            dt,
            f"target <= 180 s: {'MET' if dt <= 180 else 'NOT MET'}",
        )
        print(
            f"  {'peak memory (largest process)':<48s} {peak_gb:9.2f} GB  target <= 8 GB: {'MET' if peak_gb <= 8 else 'NOT MET'}"
        )


def bench_networkx(sizes: list[tuple[int, int]]) -> None:
    import networkx as nx

    print(
        "\n== networkx vs igraph/networkit on sizes networkx can finish (ratio = networkx / ours)"
    )
    for n, m in sizes:
        _nx_one(nx, n, m)


def _nx_one(nx: Any, n: int, m: int) -> None:
    if True:
        src, dst, _ = planted_powerlaw(n, m, seed=2)
        ids_s = pa.array(np.char.add("n", src.astype(str)))
        ids_t = pa.array(np.char.add("n", dst.astype(str)))
        t_ours_build, net = timed(lambda: from_edge_arrays(ids_s, ids_t))
        t_ig, _ = timed(net.graph)
        t_ours_build += t_ig
        u, v = net.endpoints()
        t_nx_build, g = timed(lambda: nx.Graph(zip(u.tolist(), v.tolist(), strict=True)))
        t_cc_o, _ = timed(lambda: components(net))
        t_cc_x, _ = timed(lambda: list(nx.connected_components(g)))
        t_l_o, _ = timed(lambda: leiden(net, engine="networkit"))
        t_l_x, _ = timed(lambda: nx.community.louvain_communities(g, seed=0))
        t_pr_o, _ = timed(lambda: pagerank(net))
        t_pr_x, _ = timed(lambda: nx.pagerank(g))
        piv = 64
        t_b_o, _ = timed(lambda: betweenness(net, pivots=piv, workers=2))
        t_b_x, _ = timed(lambda: nx.betweenness_centrality(g, k=piv, seed=0))
        print(f"  {n:,} nodes / {net.m:,} edges")
        for name, a, b in [
            ("build", t_nx_build, t_ours_build),
            ("components", t_cc_x, t_cc_o),
            ("Louvain (nx) vs Leiden (networkit)", t_l_x, t_l_o),
            ("PageRank", t_pr_x, t_pr_o),
            (f"betweenness, {piv} pivots", t_b_x, t_b_o),
        ]:
            print(
                f"    {name:<38s} networkx {a:8.3f} s  ours {b:8.3f} s  ratio {a / max(b, 1e-9):8.1f}x"
            )


def bench_covert() -> None:
    folder = REPO.parent / "shared" / "data" / "criminal_networks" / "ucinet_covert_networks"
    if not folder.is_dir():
        print("\n(../shared/data not present: covert-network figures skipped)")
        return
    print("\n== key players on real covert networks (k = 5% of nodes, at least 2; and k = 5)")
    gains = []
    for f in sorted(folder.glob("*.csv")):
        if "_2M" in f.name:
            continue
        net = from_adjacency_csv(f)
        for k in sorted({max(2, round(0.05 * net.n)), 5}):
            plan = key_players(net, k)
            d = plan.baselines["degree"]["fragmentation_after"]
            b = plan.baselines["betweenness"]["fragmentation_after"]
            gains.append(plan.fragmentation_after - max(d, b))
            print(
                f"  {f.stem:<26s} n={net.n:4d} k={k:2d}  key-player {plan.fragmentation_after:.3f}  top-degree {d:.3f}  top-betweenness {b:.3f}"
            )
    print(
        f"  mean gain over the better baseline: {np.mean(gains):+.3f}; never below: {min(gains) >= -1e-12}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nodes", type=int, default=1_000_000)
    ap.add_argument("--edges", type=int, default=5_000_000)
    ap.add_argument("--skip-cli", action="store_true")
    ap.add_argument("--skip-large", action="store_true")
    ap.add_argument("--nx-sizes", default="10000:50000,50000:250000")
    args = ap.parse_args()
    bench_covert()
    sizes = [tuple(int(x) for x in s.split(":")) for s in args.nx_sizes.split(",") if s]
    bench_networkx([(a, b) for a, b in sizes])
    if not args.skip_large:
        with tempfile.TemporaryDirectory() as tmp:
            bench_large(args.nodes, args.edges, Path(tmp), args.skip_cli)


if __name__ == "__main__":
    main()
