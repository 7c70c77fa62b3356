"""Connected components and Leiden communities (candidate organised crime groups).

Engines: leidenalg (resolution control, exact C++ Leiden) for graphs up to
``LEIDENALG_MAX`` nodes; networkit's ParallelLeiden (OpenMP, both cores) above that,
where leidenalg/igraph take minutes to converge. Stability is measured by re-running
with several seeds: the best-modularity run is reported, with the mean NMI of the other
runs against it and, per community, the mean best-match Jaccard overlap.
"""

from __future__ import annotations

from dataclasses import dataclass

import igraph as ig
import numpy as np

from crosslink.network.graph import Network

__all__ = ["LARGE_GRAPH", "Communities", "components", "leiden", "communities", "nmi"]

#: Above this many nodes the parallel (networkit) engines are used by default.
LARGE_GRAPH = 200_000
#: leidenalg iterates to convergence: exact but minutes on 10^5 nodes; above this
#: size communities use networkit's ParallelLeiden.
LEIDENALG_MAX = 20_000


def _relabel_by_size(membership: np.ndarray) -> np.ndarray:
    """Renumber so community 0 is the largest; ties broken by the smallest member index."""
    labels, inverse, sizes = np.unique(membership, return_inverse=True, return_counts=True)
    first = np.full(labels.size, membership.size, dtype=np.int64)
    np.minimum.at(first, inverse, np.arange(membership.size))
    order = np.lexsort((first, -sizes))
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return rank[inverse].astype(np.int32)


def components(net: Network) -> np.ndarray:
    """Component index per node, 0 = largest. O(n + m)."""
    if net.n == 0:
        return np.zeros(0, dtype=np.int32)
    return _relabel_by_size(np.asarray(net.graph().connected_components().membership))


def leiden(
    net: Network, *, resolution: float = 1.0, seed: int = 0, engine: str = "auto"
) -> np.ndarray:
    """One Leiden run; community index per node, 0 = largest.

    ``engine``: ``leidenalg`` (RB-configuration modularity with ``resolution``, iterated
    to convergence), ``networkit`` (ParallelLeiden, ``gamma=resolution``) or ``auto``.
    Roughly O(m) per iteration.
    """
    if net.n == 0:
        return np.zeros(0, dtype=np.int32)
    if engine == "auto":
        engine = "networkit" if net.n > LEIDENALG_MAX else "leidenalg"
    if engine == "networkit":
        import networkit as nk

        nk.engineering.setSeed(seed, False)
        algo = nk.community.ParallelLeiden(net.nk_graph(), randomize=True, gamma=resolution)
        algo.run()
        member = np.asarray(algo.getPartition().getVector(), dtype=np.int64)
    elif engine == "leidenalg":
        import leidenalg as la

        part = la.find_partition(
            net.graph(),
            la.RBConfigurationVertexPartition,
            weights="weight",
            resolution_parameter=resolution,
            n_iterations=-1,
            seed=seed,
        )
        member = np.asarray(part.membership, dtype=np.int64)
    elif engine == "igraph":
        cl = net.graph().community_leiden(
            objective_function="modularity",
            weights="weight",
            resolution=resolution,
            n_iterations=-1,
        )
        member = np.asarray(cl.membership, dtype=np.int64)
    else:
        raise ValueError(f"unknown engine {engine!r}")
    return _relabel_by_size(member)


def nmi(a: np.ndarray, b: np.ndarray) -> float:
    """Normalised mutual information of two partitions of the same nodes (igraph, O(n))."""
    if a.size == 0:
        return 1.0
    return float(ig.compare_communities(a.tolist(), b.tolist(), method="nmi"))


def _best_match_jaccard(ref: np.ndarray, other: np.ndarray) -> np.ndarray:
    """For each community of ``ref``, the best Jaccard overlap with a community of ``other``.

    From the contingency table (np.unique over pair keys), O(n log n), no Python loop.
    """
    k_ref = int(ref.max()) + 1
    k_oth = int(other.max()) + 1
    size_ref = np.bincount(ref, minlength=k_ref)
    size_oth = np.bincount(other, minlength=k_oth)
    key, joint = np.unique(ref.astype(np.int64) * k_oth + other, return_counts=True)
    r, o = key // k_oth, key % k_oth
    jac = joint / (size_ref[r] + size_oth[o] - joint)
    best = np.zeros(k_ref)
    np.maximum.at(best, r, jac)
    return best


@dataclass
class Communities:
    """A partition into candidate groups, with how stable it is across seeds."""

    membership: np.ndarray
    modularity: float
    seeds: int
    stability_nmi: float
    community_stability: np.ndarray
    engine: str
    resolution: float

    @property
    def count(self) -> int:
        return int(self.membership.max()) + 1 if self.membership.size else 0

    def members(self) -> list[np.ndarray]:
        """Node indices per community, largest first. O(n log n)."""
        order = np.argsort(self.membership, kind="stable")
        bounds = np.cumsum(np.bincount(self.membership, minlength=self.count))[:-1]
        return np.split(order, bounds)


def communities(
    net: Network,
    *,
    resolution: float = 1.0,
    seeds: int = 5,
    engine: str = "auto",
) -> Communities:
    """Leiden over ``seeds`` random seeds; keep the best-modularity partition.

    Costs ``seeds`` Leiden runs. ``stability_nmi`` is the mean NMI of the other runs
    against the kept one (1.0 = every seed agrees); ``community_stability[c]`` the mean
    best-match Jaccard of community ``c`` in the other runs (low = an unstable group).
    """
    if engine == "auto":
        engine = "networkit" if net.n > LEIDENALG_MAX else "leidenalg"
    runs = [leiden(net, resolution=resolution, seed=s, engine=engine) for s in range(max(1, seeds))]
    g = net.graph()
    mods = [g.modularity(r.tolist(), weights="weight", resolution=resolution) for r in runs]
    best = int(np.argmax(mods))
    ref = runs[best]
    others = [r for i, r in enumerate(runs) if i != best]
    if others and ref.size:
        stab = float(np.mean([nmi(ref, o) for o in others]))
        per = np.mean([_best_match_jaccard(ref, o) for o in others], axis=0)
    else:
        stab = 1.0
        per = np.ones(int(ref.max()) + 1 if ref.size else 0)
    return Communities(ref, float(mods[best]), len(runs), stab, per, engine, resolution)
