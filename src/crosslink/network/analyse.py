"""One call that runs every network analysis and returns the JSON-ready report.

The CLI calls :func:`analyse` (``crosslink network analyse``) and :func:`disrupt`
(``crosslink network disrupt``). Targeting lists (centrality rankings, brokers, key
players) leave out migrants, victims and witnesses by default, and the report says so.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from crosslink.errors import InputError
from crosslink.network.brokerage import ROLES, brokerage
from crosslink.network.centrality import betweenness, degree, pagerank, top
from crosslink.network.communities import LARGE_GRAPH, communities, components
from crosslink.network.graph import Network, empty_network_message
from crosslink.network.keyplayer import Disruption, key_players
from crosslink.network.targets import DEFAULT_TARGETS, target_mask, targeting_policy

__all__ = ["analyse", "disrupt", "disruption_dict"]

Progress = Callable[[str], None]


def _policy(net: Network, include_protected: bool, targets: frozenset[str]) -> dict[str, Any]:
    return targeting_policy(net, targets, include_protected=include_protected)


def _require_edges(net: Network) -> None:
    """An empty network is the data's answer, not a crash: say what was found instead."""
    if net.m == 0:
        raise InputError(empty_network_message(net))


def _ranking(net: Network, scores: np.ndarray, mask: np.ndarray, k: int) -> list[dict[str, Any]]:
    idx = top(scores, k, mask)
    ids = net.ids[idx]
    labels = net.labels(idx)
    return [
        {"id": str(i), "label": lab, "value": float(scores[j])}
        for i, lab, j in zip(ids, labels, idx.tolist(), strict=True)
    ]


def disruption_dict(net: Network, plan: Disruption) -> dict[str, Any]:
    """A plan with node ids and labels instead of indices."""
    ids = net.ids

    def named(idx: list[int]) -> list[dict[str, str]]:
        labels = net.labels(idx) if idx else []
        return [{"id": str(ids[i]), "label": lab} for i, lab in zip(idx, labels, strict=True)]

    return {
        "k": len(plan.chosen),
        "chosen": named(plan.chosen),
        "fragmentation_before": plan.fragmentation_before,
        "fragmentation_after": plan.fragmentation_after,
        "largest_component_before": plan.largest_before,
        "largest_component_after": plan.largest_after,
        "components_before": plan.components_before,
        "components_after": plan.components_after,
        "baselines": {
            name: {
                "chosen": named(b["chosen"]),
                "fragmentation_after": b["fragmentation_after"],
                "largest_component_after": b["largest_after"],
                "components_after": b["components_after"],
            }
            for name, b in plan.baselines.items()
        },
        "method": plan.method,
        "starts": plan.starts,
        "search_complete": plan.complete,
        "nodes_excluded_from_selection": plan.excluded_protected,
    }


def analyse(
    net: Network,
    *,
    k: int = 5,
    pivots: int = 256,
    seeds: int | None = None,
    resolution: float = 1.0,
    top_n: int = 50,
    include_protected: bool = False,
    targets: frozenset[str] = DEFAULT_TARGETS,
    keyplayer_budget: float = 30.0,
    with_evidence: bool = True,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Components, communities (with seed stability), centralities, brokerage, key players.

    Cost is dominated by Leiden (``seeds`` runs, ~O(m) each), pivot betweenness
    (O(pivots * (n + m)) over all cores) and the key-player search (bounded by
    ``keyplayer_budget`` seconds).
    """
    say = progress or (lambda _msg: None)
    timings: dict[str, float] = {}
    t = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal t
        now = time.perf_counter()
        timings[name] = round(now - t, 3)
        t = now

    net.graph()
    lap("graph")
    _require_edges(net)
    mask = target_mask(net, targets, include_protected=include_protected)
    say("components")
    comp = components(net)
    sizes = np.bincount(comp) if comp.size else np.zeros(0, dtype=np.int64)
    lap("components")
    say("communities")
    seeds = seeds if seeds is not None else (5 if net.n <= LARGE_GRAPH else 2)
    comm = communities(net, resolution=resolution, seeds=seeds)
    lap("communities")
    say("centrality")
    deg = degree(net)
    pr = pagerank(net)
    lap("degree_pagerank")
    exact = net.n <= max(pivots, 2000)
    btw = betweenness(net, pivots=None if exact else pivots)
    lap("betweenness")
    say("brokerage")
    brk = brokerage(net, comm.membership)
    lap("brokerage")
    say("key players")
    plan = key_players(
        net, k, include_protected=include_protected, targets=targets, betweenness=btw,
        time_budget=keyplayer_budget,
    )
    lap("key_players")
    ids = net.ids
    members = comm.members()
    report: dict[str, Any] = {
        "report": "crosslink network analysis",
        "version": 1,
        "provenance": net.provenance,
        "policy": _policy(net, include_protected, targets),
        "summary": {
            "nodes": net.n,
            "edges": net.m,
            "components": int(sizes.size),
            "largest_component": int(sizes.max()) if sizes.size else 0,
            "communities": comm.count,
            "modularity": comm.modularity,
            "community_engine": comm.engine,
            "resolution": resolution,
            "seeds": comm.seeds,
            "stability_nmi": comm.stability_nmi,
        },
        "components": [{"id": i, "size": int(s)} for i, s in enumerate(sizes[:top_n].tolist())],
        "communities": [
            {
                "id": c,
                "size": int(m.size),
                "stability": float(comm.community_stability[c]),
                "members": [str(x) for x in ids[m]],
            }
            for c, m in enumerate(members)
        ],
        "centrality": {
            "degree": _ranking(net, deg.astype(np.float64), mask, top_n),
            "pagerank": _ranking(net, pr, mask, top_n),
            "betweenness": _ranking(net, btw, mask, top_n),
            "betweenness_method": "exact" if exact else f"estimate from {pivots} pivots",
        },
        "brokerage": _brokers(net, brk, mask, top_n),
        "key_players": disruption_dict(net, plan),
        "timings_s": timings,
    }
    if with_evidence and net.has_evidence:
        report["edges"] = _edges(net)
    return report


def _brokers(net: Network, brk: Any, mask: np.ndarray, top_n: int) -> dict[str, Any]:
    total = brk.total().astype(np.float64)
    idx = top(total, top_n, mask & (total > 0))
    labels = net.labels(idx)
    ids = net.ids
    return {
        "roles": list(ROLES),
        "complete": brk.complete,
        "brokers_counted": brk.brokers_counted,
        "top": [
            {
                "id": str(ids[i]),
                "label": lab,
                **{r: int(brk.counts[i, j]) for j, r in enumerate(ROLES)},
                "total": int(total[i]),
            }
            for i, lab in zip(idx.tolist(), labels, strict=True)
        ],
    }


def _edges(net: Network) -> list[dict[str, Any]]:
    """Every edge with its evidence, ids in place of indices."""
    ids = net.ids
    u, v = net.endpoints()
    rows = net.edges.drop_columns(["u", "v"]).to_pylist()
    return [
        {"source": str(ids[a]), "target": str(ids[b]), **r}
        for a, b, r in zip(u.tolist(), v.tolist(), rows, strict=True)
    ]


def disrupt(
    net: Network,
    k: int,
    *,
    include_protected: bool = False,
    targets: frozenset[str] = DEFAULT_TARGETS,
    time_budget: float = 60.0,
    arrests: list[str] | None = None,
) -> dict[str, Any]:
    """A disruption plan for k people, or the effect of a given arrest list ("what if")."""
    from crosslink.network.keyplayer import what_if

    _require_edges(net)
    out: dict[str, Any] = {
        "report": "crosslink disruption plan",
        "version": 1,
        "provenance": net.provenance,
        "policy": _policy(net, include_protected, targets),
    }
    if arrests:
        out["what_if"] = what_if(net, [net.index(a) for a in arrests])
    if k > 0:
        plan = key_players(
            net, k, include_protected=include_protected, targets=targets, time_budget=time_budget
        )
        out["plan"] = disruption_dict(net, plan)
    return out
