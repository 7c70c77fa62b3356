"""Key-player disruption (Borgatti's KPP-Neg): which k arrests fragment the network most.

No graph library implements key-player search, so this is our own code on igraph.

Fragmentation of a graph with remaining nodes n' and component sizes s_i is
``F = 1 - sum s_i (s_i - 1) / (n' (n' - 1))`` (Borgatti 2006): 0 when everyone can
still reach everyone, 1 when nobody can reach anybody.

The core primitive scores *every* candidate removal at once in O(n + m): with the
block-cut tree of the residual graph (igraph's biconnected components and articulation
points), removing a non-articulation node only shrinks its component by one, and
removing an articulation point splits its component into the subtrees hanging off it.
On top of that primitive:

1. greedy: k rounds, each picks the exact best next removal (k scoring passes);
2. several starts: the greedy set, the top-k by degree, the top-k by betweenness and a
   few random sets (small graphs);
3. swap local search from every start: for each chosen node, one scoring pass finds its
   best replacement; accept while fragmentation strictly improves (and time remains).

The best set over all starts is returned, so the plan never fragments less than the
top-degree or top-betweenness sets. Only people are chosen (organisations when the caller
asks, see :mod:`crosslink.network.targets`); people whose role is migrant, victim or
witness stay in the graph but are never chosen unless the caller allows it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import igraph as ig
import numpy as np

from crosslink.network.centrality import betweenness as betweenness_scores
from crosslink.network.centrality import top
from crosslink.network.graph import Network
from crosslink.network.targets import DEFAULT_TARGETS, target_mask

__all__ = [
    "Disruption",
    "fragmentation",
    "removal_scores",
    "key_players",
    "what_if",
]

_EPS = 1e-12


def _frag_from_q(q: float | np.ndarray, n_left: int) -> Any:
    if n_left <= 1:
        return np.ones_like(q, dtype=np.float64) if isinstance(q, np.ndarray) else 1.0
    return 1.0 - q / (n_left * (n_left - 1.0))


def fragmentation(g: ig.Graph, removed: Sequence[int] = ()) -> tuple[float, int, int]:
    """(fragmentation, largest component size, number of components) after removal. O(n + m)."""
    h = _residual(g, np.asarray(removed, dtype=np.int64))[0]
    if h.vcount() == 0:
        return 1.0, 0, 0
    sizes = np.asarray(h.connected_components().sizes(), dtype=np.float64)
    q = float(np.sum(sizes * (sizes - 1)))
    return float(_frag_from_q(q, h.vcount())), int(sizes.max()), int(sizes.size)


def _residual(g: ig.Graph, removed: np.ndarray) -> tuple[ig.Graph, np.ndarray]:
    keep = np.ones(g.vcount(), dtype=bool)
    keep[removed] = False
    idx = np.flatnonzero(keep)
    if idx.size == g.vcount():
        return g, idx
    return g.induced_subgraph(idx.tolist()), idx


def removal_scores(g: ig.Graph, removed: Sequence[int] = ()) -> tuple[float, np.ndarray]:
    """Fragmentation now, and after additionally removing each node (NaN for removed ones).

    One pass over the block-cut tree of the residual graph: O(n + m) plus O(depth) numpy
    steps for subtree sums.
    """
    n = g.vcount()
    removed_arr = np.asarray(removed, dtype=np.int64)
    h, idx = _residual(g, removed_arr)
    nh = h.vcount()
    out = np.full(n, np.nan)
    if nh == 0:
        return 1.0, out
    cc = h.connected_components()
    memb = np.asarray(cc.membership, dtype=np.int64)
    sizes = np.asarray(cc.sizes(), dtype=np.float64)
    q = float(np.sum(sizes * (sizes - 1)))
    f_now = float(_frag_from_q(q, nh))
    s_c = sizes[memb]  # component size per residual vertex
    # Default: a non-articulation node shrinks its component by one.
    new_q = q - s_c * (s_c - 1) + (s_c - 1) * (s_c - 2)

    blocks, aps = h.biconnected_components(return_articulation_points=True)
    aps = np.asarray(aps, dtype=np.int64)
    if aps.size:
        block_lists = list(blocks)
        lengths = np.fromiter((len(b) for b in block_lists), dtype=np.int64, count=len(block_lists))
        members = np.fromiter(
            (v for b in block_lists for v in b), dtype=np.int64, count=int(lengths.sum())
        )
        block_of = np.repeat(np.arange(len(block_lists), dtype=np.int64), lengths)
        n_blocks = len(block_lists)
        is_ap = np.zeros(nh, dtype=bool)
        is_ap[aps] = True
        ap_node = np.full(nh, -1, dtype=np.int64)
        ap_node[aps] = n_blocks + np.arange(aps.size)
        # Tree nodes: blocks, then articulation points, then a super-root tying the forest.
        t_n = n_blocks + aps.size + 1
        root = t_n - 1
        weight = np.zeros(t_n, dtype=np.float64)
        np.add.at(weight, block_of[~is_ap[members]], 1.0)
        weight[n_blocks : n_blocks + aps.size] = 1.0
        ap_mem = is_ap[members]
        t_edges = np.column_stack([block_of[ap_mem], ap_node[members[ap_mem]]])
        # One block per residual component (the one holding its smallest vertex in a
        # block) hangs from the super-root.
        comp_of_block = memb[members[np.r_[0, np.cumsum(lengths)[:-1]]]]
        _, first_block = np.unique(comp_of_block, return_index=True)
        t_edges = np.vstack(
            [t_edges, np.column_stack([np.full(first_block.size, root), first_block])]
        )
        tree = ig.Graph(n=t_n, edges=t_edges, directed=False)
        order, layers, parents = tree.bfs(root)
        order = np.asarray(order, dtype=np.int64)
        parent = np.asarray(parents, dtype=np.int64)
        layers_arr = np.asarray(layers, dtype=np.int64)
        sub = weight.copy()
        for lvl in range(len(layers_arr) - 2, 0, -1):  # deepest level first; O(depth)
            nodes = order[layers_arr[lvl] : layers_arr[lvl + 1]]
            np.add.at(sub, parent[nodes], sub[nodes])
        # Pieces when an AP goes: each child subtree, plus the parent side.
        child = order[1:]
        par = parent[child]
        acc = np.zeros(t_n)
        ap_parent = (par >= n_blocks) & (par < root)
        np.add.at(acc, par[ap_parent], sub[child[ap_parent]] * (sub[child[ap_parent]] - 1))
        tnode = ap_node[aps]
        sc = s_c[aps]
        rest = sc - sub[tnode]
        new_q[aps] = q - sc * (sc - 1) + acc[tnode] + rest * (rest - 1)
    out[idx] = _frag_from_q(new_q, nh - 1)
    return f_now, out


def _best(scores: np.ndarray, allowed: np.ndarray, tiebreak: np.ndarray) -> int:
    s = np.where(allowed & ~np.isnan(scores), scores, -np.inf)
    best = s.max()
    if not np.isfinite(best):
        return -1
    cand = np.flatnonzero(s >= best - 1e-12)
    return int(cand[np.lexsort((cand, -tiebreak[cand]))][0])


@dataclass
class Disruption:
    """A key-player plan, with the baselines it is compared against."""

    chosen: list[int]
    fragmentation_before: float
    fragmentation_after: float
    largest_before: int
    largest_after: int
    components_before: int
    components_after: int
    baselines: dict[str, dict[str, Any]]
    method: str
    excluded_protected: int
    starts: list[str] = field(default_factory=list)
    complete: bool = True


def _local_search(
    g: ig.Graph,
    start: list[int],
    allowed: np.ndarray,
    tiebreak: np.ndarray,
    deadline: float,
) -> tuple[list[int], float, bool]:
    """Best-improvement swaps: for each chosen node, its best replacement in one pass."""
    chosen = list(start)
    best_f = fragmentation(g, chosen)[0]
    improved = True
    complete = True
    while improved:
        improved = False
        for i in range(len(chosen)):
            if time.monotonic() > deadline:
                return chosen, best_f, False
            rest = chosen[:i] + chosen[i + 1 :]
            _, scores = removal_scores(g, rest)
            mask = allowed.copy()
            mask[rest] = False
            c = _best(scores, mask, tiebreak)
            if c >= 0 and scores[c] > best_f + _EPS and c != chosen[i]:
                chosen[i] = c
                best_f = float(scores[c])
                improved = True
    return chosen, best_f, complete


def _order(g: ig.Graph, chosen: list[int], tiebreak: np.ndarray) -> list[int]:
    """Order a set so each prefix fragments the most: who to arrest first."""
    left = set(chosen)
    out: list[int] = []
    while left:
        _, scores = removal_scores(g, out)
        mask = np.zeros(g.vcount(), dtype=bool)
        mask[list(left)] = True
        c = _best(scores, mask, tiebreak)
        out.append(c)
        left.discard(c)
    return out


def key_players(
    net: Network,
    k: int,
    *,
    include_protected: bool = False,
    targets: frozenset[str] = DEFAULT_TARGETS,
    betweenness: np.ndarray | None = None,
    random_starts: int = 3,
    time_budget: float = 60.0,
    seed: int = 0,
) -> Disruption:
    """Choose k people whose removal fragments the network most (KPP-Neg).

    Costs about ``k * (1 + starts * passes)`` scoring passes of O(n + m) each; stops
    improving when ``time_budget`` seconds are spent (``complete`` is then False, and the
    plan is still never worse than the degree or betweenness baseline).
    """
    g = net.graph()
    n = net.n
    deadline = time.monotonic() + time_budget
    # People only (organisations when asked): never documents, notes or selectors.
    allowed = target_mask(net, targets, include_protected=include_protected)
    excluded = int(n - allowed.sum())
    k = max(0, min(k, int(allowed.sum())))
    deg = np.asarray(g.degree(), dtype=np.float64)
    f0, big0, comps0 = fragmentation(g)
    if betweenness is None:
        betweenness = betweenness_scores(net, pivots=None if n <= 5000 else 256, seed=seed)
    starts: dict[str, list[int]] = {
        "degree": [int(x) for x in top(deg, k, allowed)],
        "betweenness": [int(x) for x in top(betweenness, k, allowed)],
    }
    baselines = {}
    for name, s in starts.items():
        f, big, comps = fragmentation(g, s)
        baselines[name] = {
            "chosen": s,
            "fragmentation_after": f,
            "largest_after": big,
            "components_after": comps,
        }
    # Greedy, exact at each step.
    greedy: list[int] = []
    complete = True
    for _ in range(k):
        if time.monotonic() > deadline:
            complete = False
            break
        _, scores = removal_scores(g, greedy)
        mask = allowed.copy()
        mask[greedy] = False
        c = _best(scores, mask, deg)
        if c < 0:
            break
        greedy.append(c)
    if len(greedy) == k:
        starts = {"greedy": greedy, **starts}
    rng = np.random.default_rng(seed)
    pool = np.flatnonzero(allowed & (deg > 0))
    for r in range(random_starts if n <= 5000 else 0):
        if k > 0 and pool.size >= k and deg[pool].sum() > 0:
            p = deg[pool] / deg[pool].sum()
            starts[f"random-{r}"] = [int(x) for x in rng.choice(pool, k, replace=False, p=p)]
    best_set: list[int] = []
    best_f = -1.0
    for _name, s in starts.items():
        chosen, f, done = _local_search(g, s, allowed, deg, deadline)
        complete = complete and done
        if f > best_f + _EPS:
            best_set, best_f = chosen, f
    ordered = _order(g, best_set, deg) if time.monotonic() <= deadline + time_budget else best_set
    f1, big1, comps1 = fragmentation(g, ordered)
    return Disruption(
        chosen=ordered,
        fragmentation_before=f0,
        fragmentation_after=f1,
        largest_before=big0,
        largest_after=big1,
        components_before=comps0,
        components_after=comps1,
        baselines=baselines,
        method="greedy + multi-start swap local search (KPP-Neg fragmentation)",
        excluded_protected=excluded,
        starts=list(starts),
        complete=complete,
    )


def what_if(net: Network, removed: Sequence[int]) -> dict[str, Any]:
    """Simulate an arrest list: fragmentation, largest component and components, before/after."""
    g = net.graph()
    f0, big0, c0 = fragmentation(g)
    f1, big1, c1 = fragmentation(g, removed)
    return {
        "removed": [str(x) for x in net.ids[np.asarray(removed, dtype=np.int64)]],
        "fragmentation_before": f0,
        "fragmentation_after": f1,
        "largest_before": big0,
        "largest_after": big1,
        "components_before": c0,
        "components_after": c1,
    }
