"""Degree, PageRank and sampled (pivot) betweenness.

Betweenness is the expensive one: Brandes from ``pivots`` sampled sources, O(p (n + m))
for unweighted hops, split over worker processes (fork) so both cores work; the
subset-source sum is scaled by n / p to estimate full betweenness. Hops are unweighted:
edge weights here are tie strengths, not distances.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from concurrent.futures import ProcessPoolExecutor

import igraph as ig
import numpy as np

from crosslink.network.communities import LARGE_GRAPH
from crosslink.network.graph import Network

__all__ = ["degree", "strength", "pagerank", "betweenness", "top"]

_WORKER_GRAPH: ig.Graph | None = None


def degree(net: Network) -> np.ndarray:
    """Number of distinct neighbours per node. O(n)."""
    return np.asarray(net.graph().degree(), dtype=np.int64)


def strength(net: Network) -> np.ndarray:
    """Sum of edge weights per node (e.g. number of supporting links). O(m)."""
    u, v = net.endpoints()
    w = net.weights()
    return np.bincount(u, weights=w, minlength=net.n) + np.bincount(v, weights=w, minlength=net.n)


def pagerank(net: Network, *, damping: float = 0.85, engine: str = "auto") -> np.ndarray:
    """Weighted PageRank (sums to 1). igraph PRPACK, or networkit (parallel) on large graphs."""
    if net.n == 0:
        return np.zeros(0)
    if engine == "auto":
        engine = "networkit" if net.n > LARGE_GRAPH else "igraph"
    if engine == "networkit":
        import networkit as nk

        pr = nk.centrality.PageRank(net.nk_graph(), damp=damping, tol=1e-8)
        pr.run()
        s = np.asarray(pr.scores(), dtype=np.float64)
        return s / s.sum() if s.sum() > 0 else s
    return np.asarray(net.graph().pagerank(damping=damping, weights="weight"), dtype=np.float64)


def _subset_betweenness(sources: list[int]) -> np.ndarray:
    assert _WORKER_GRAPH is not None
    return np.asarray(_WORKER_GRAPH.betweenness(sources=sources, directed=False), dtype=np.float64)


def betweenness(
    net: Network, *, pivots: int | None = 256, seed: int = 0, workers: int | None = None
) -> np.ndarray:
    """Betweenness per node: exact when ``pivots`` is None or >= n, else a pivot estimate.

    ``workers`` processes (default: the CPU count, at most 2 chunks per pivot set) share
    the graph copy-on-write via fork; falls back to one process where fork is missing.
    """
    global _WORKER_GRAPH
    g = net.graph()
    n = net.n
    if n == 0:
        return np.zeros(0)
    if pivots is None or pivots >= n:
        return np.asarray(g.betweenness(directed=False), dtype=np.float64)
    rng = np.random.default_rng(seed)
    src = np.sort(rng.choice(n, size=pivots, replace=False)).tolist()
    workers = workers or os.cpu_count() or 1
    chunks = [src[i::workers] for i in range(workers) if src[i::workers]]
    # Each undirected pair is counted from both ends in the exact sum; from a source
    # subset it is counted once per sampled end, so scale by n / p.
    scale = n / pivots
    _WORKER_GRAPH = g
    try:
        if len(chunks) > 1 and "fork" in mp.get_all_start_methods():
            ctx = mp.get_context("fork")
            with ProcessPoolExecutor(max_workers=len(chunks), mp_context=ctx) as pool:
                parts = list(pool.map(_subset_betweenness, chunks))
        else:
            parts = [_subset_betweenness(c) for c in chunks]
    finally:
        _WORKER_GRAPH = None
    return np.sum(parts, axis=0) * scale


def top(scores: np.ndarray, k: int, mask: np.ndarray | None = None) -> np.ndarray:
    """Indices of the k highest scores (ties by lower index), optionally within a mask.

    O(n log n): a full sort keeps ties deterministic.
    """
    idx = np.flatnonzero(mask) if mask is not None else np.arange(scores.size)
    if idx.size == 0 or k <= 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((idx, -scores[idx]))
    return idx[order[:k]]
