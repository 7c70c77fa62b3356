"""Degree, PageRank and sampled (pivot) betweenness.

Betweenness is the expensive one: Brandes from ``pivots`` sampled sources, O(p (n + m))
for unweighted hops, split over worker processes so both cores work (igraph holds the
GIL, so threads would not help); the subset-source sum is scaled by n / p to estimate
full betweenness. Hops are unweighted: edge weights here are tie strengths, not distances.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import igraph as ig
import numpy as np

from crosslink import parallel
from crosslink.network.communities import LARGE_GRAPH
from crosslink.network.graph import Network

__all__ = ["degree", "strength", "pagerank", "betweenness", "top"]

_WORKER_GRAPH: ig.Graph | None = None  # the graph a worker builds once, from the shared edges
#: Below this much work (pivots x (nodes + edges)) starting workers costs more than it saves.
PARALLEL_MIN_WORK = 50_000_000
#: Pivots are summed in this many chunks whatever the number of workers, so the
#: estimate is the same to the last bit on any machine; enough that workers finish together.
CHUNKS = 16


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


def _load_graph(path: str) -> None:
    """Worker initialiser: build the graph from the edges the parent shared. O(n + m)."""
    global _WORKER_GRAPH
    n, u, v = parallel.load_shared(Path(path))
    _WORKER_GRAPH = ig.Graph(n=n, edges=np.column_stack([u, v]), directed=False)


def betweenness(
    net: Network, *, pivots: int | None = 256, seed: int = 0, workers: int | None = None
) -> np.ndarray:
    """Betweenness per node: exact when ``pivots`` is None or >= n, else a pivot estimate.

    ``workers`` processes (default: the CPU count) each build the graph once from its
    edges, shared through a file, and take chunks of pivots in turn; small graphs are
    done in this process. The result is the same whoever computed which chunk.
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
    if pivots * (n + net.m) < PARALLEL_MIN_WORK:
        workers = 1
    # Interleaved chunks, so each is a fair sample of the costs.
    count = min(len(src), CHUNKS)
    chunks = [src[i::count] for i in range(count)]
    # Each undirected pair is counted from both ends in the exact sum; from a source
    # subset it is counted once per sampled end, so scale by n / p.
    scale = n / pivots
    parts: list[np.ndarray] = [np.zeros(0)] * len(chunks)
    if workers == 1:
        _WORKER_GRAPH = g
        try:
            parts = [_subset_betweenness(c) for c in chunks]
        finally:
            _WORKER_GRAPH = None
    else:
        with tempfile.TemporaryDirectory(prefix="crosslink-") as tmp:
            u, v = net.endpoints()
            shared = parallel.share((n, u, v), Path(tmp) / "edges.bin")
            # here=False: igraph holds the GIL for a whole chunk, during which a
            # worker's finished result could not be received.
            for index, part in parallel.run_jobs(
                _subset_betweenness, chunks, workers=workers, here=False,
                initializer=_load_graph, initargs=(str(shared),),
            ):
                parts[index] = part
    return np.sum(parts, axis=0) * scale  # in chunk order: the same sum every time


def top(scores: np.ndarray, k: int, mask: np.ndarray | None = None) -> np.ndarray:
    """Indices of the k highest scores (ties by lower index), optionally within a mask.

    O(n log n): a full sort keeps ties deterministic.
    """
    idx = np.flatnonzero(mask) if mask is not None else np.arange(scores.size)
    if idx.size == 0 or k <= 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((idx, -scores[idx]))
    return idx[order[:k]]
