"""Change between two time windows: who appeared, who went quiet, which ties are new.

Both networks are built with the same filters except the window (``since``/``until``),
then compared by node id. O(n + m) plus a community comparison on the common nodes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from crosslink.network.centrality import degree
from crosslink.network.communities import communities, nmi
from crosslink.network.graph import Network

__all__ = ["compare"]


def _pairs(net: Network) -> set[tuple[str, str]]:
    ids = net.ids
    u, v = net.endpoints()
    a, b = ids[u], ids[v]
    lo = np.where(a < b, a, b)
    hi = np.where(a < b, b, a)
    return set(zip(lo.tolist(), hi.tolist(), strict=True))


def compare(before: Network, after: Network, *, top: int = 20, seeds: int = 3) -> dict[str, Any]:
    """Nodes and edges added and removed, biggest degree changes, community agreement."""
    ids_b, ids_a = before.ids.astype(str), after.ids.astype(str)
    set_b, set_a = set(ids_b.tolist()), set(ids_a.tolist())
    eb, ea = _pairs(before), _pairs(after)
    deg_b = dict(zip(ids_b.tolist(), degree(before).tolist(), strict=True))
    deg_a = dict(zip(ids_a.tolist(), degree(after).tolist(), strict=True))
    delta = {i: deg_a.get(i, 0) - deg_b.get(i, 0) for i in set_a | set_b}
    rising = sorted(delta.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    falling = sorted(delta.items(), key=lambda kv: (kv[1], kv[0]))[:top]
    common = sorted(set_a & set_b)
    agreement = None
    if len(common) >= 2 and before.m and after.m:
        cb = communities(before, seeds=seeds).membership
        ca = communities(after, seeds=seeds).membership
        pos_b = {x: i for i, x in enumerate(ids_b.tolist())}
        pos_a = {x: i for i, x in enumerate(ids_a.tolist())}
        agreement = nmi(cb[[pos_b[c] for c in common]], ca[[pos_a[c] for c in common]])
    # Every id travels with the name a person reads (the later window's caption first).
    label = dict(zip(ids_b.tolist(), before.nodes.column("label").to_pylist(), strict=True))
    label.update(zip(ids_a.tolist(), after.nodes.column("label").to_pylist(), strict=True))

    def node(i: str) -> dict[str, Any]:
        return {"id": i, "label": label.get(i) or i}

    def edge(p: tuple[str, str]) -> dict[str, Any]:
        return {"a": p[0], "a_label": label.get(p[0]) or p[0], "b": p[1], "b_label": label.get(p[1]) or p[1]}

    return {
        "nodes_before": before.n,
        "nodes_after": after.n,
        "edges_before": before.m,
        "edges_after": after.m,
        "nodes_added": [node(i) for i in sorted(set_a - set_b)],
        "nodes_removed": [node(i) for i in sorted(set_b - set_a)],
        "edges_added": [edge(p) for p in sorted(ea - eb)],
        "edges_removed": [edge(p) for p in sorted(eb - ea)],
        "degree_rising": [{**node(i), "change": int(d)} for i, d in rising if d > 0],
        "degree_falling": [{**node(i), "change": int(d)} for i, d in falling if d < 0],
        "community_agreement_nmi": agreement,
    }
