"""Shortest evidenced paths and ego networks.

A path is only useful to an investigator if every hop can be cited: each hop carries
the edge's link kinds, counts, dates and, for workspace graphs, the statement ids,
report ids and gradings behind it (edge ids index straight into ``net.edges``).

Pair paths use networkit's bidirectional BFS on large graphs (it stops when the two
frontiers meet; sub-millisecond at a million nodes) and igraph's BFS otherwise.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from crosslink.network.communities import LARGE_GRAPH
from crosslink.network.graph import Network

__all__ = ["Hop", "EvidencedPath", "evidenced_path", "ego_network", "edge_records"]

_EVIDENCE_COLUMNS = (
    "kinds",
    "count",
    "weight",
    "duration",
    "amount",
    "first_date",
    "last_date",
    "statement_ids",
    "report_ids",
    "gradings",
)


@dataclass
class Hop:
    """One step of a path, with everything needed to cite it."""

    source: str
    target: str
    source_label: str
    target_label: str
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass
class EvidencedPath:
    nodes: list[str]
    hops: list[Hop]

    @property
    def length(self) -> int:
        return len(self.hops)

    def to_dict(self) -> dict[str, Any]:
        return {
            "nodes": self.nodes,
            "length": self.length,
            "hops": [
                {
                    "source": h.source,
                    "target": h.target,
                    "source_label": h.source_label,
                    "target_label": h.target_label,
                    **h.evidence,
                }
                for h in self.hops
            ],
        }


def edge_records(net: Network, eids: np.ndarray | list[int]) -> list[dict[str, Any]]:
    """Evidence columns of the given edges as dicts (only columns the network has)."""
    cols = [c for c in _EVIDENCE_COLUMNS if c in net.edges.column_names]
    sub = net.edges.select(cols).take(pa.array(np.asarray(eids, dtype=np.int64)))
    return sub.to_pylist()


def _vertex_path(net: Network, a: int, b: int, engine: str) -> list[int]:
    if a == b:
        return [a]
    if engine == "auto":
        engine = "networkit" if net.n > LARGE_GRAPH else "igraph"
    if engine == "networkit":
        import networkit as nk

        bfs = nk.distance.BidirectionalBFS(net.nk_graph(), a, b, storePred=True)
        bfs.run()
        if bfs.getDistance() > net.n:  # unreachable: distance is the float max
            return []
        inner = [int(x) for x in bfs.getPath()]
        return [a, *inner, b]
    with warnings.catch_warnings():  # igraph warns when b is unreachable; we return []
        warnings.simplefilter("ignore", RuntimeWarning)
        path = net.graph().get_shortest_path(a, to=b, output="vpath")
    return [int(x) for x in path]


def evidenced_path(
    net: Network, source: str, target: str, *, engine: str = "auto"
) -> EvidencedPath | None:
    """Fewest-hop path between two node ids, each hop with its evidence; None if unconnected.

    O(n + m) worst case (BFS); bidirectional BFS explores far less on large graphs.
    """
    a, b = net.index(source), net.index(target)
    vp = _vertex_path(net, a, b, engine)
    if not vp:
        return None
    if len(vp) == 1:
        return EvidencedPath([source], [])
    g = net.graph()
    eids = g.get_eids(list(zip(vp[:-1], vp[1:], strict=True)), directed=False)
    records = edge_records(net, eids)
    ids = net.ids[np.asarray(vp)]
    labels = net.labels(vp)
    hops = [
        Hop(str(ids[i]), str(ids[i + 1]), labels[i], labels[i + 1], records[i])
        for i in range(len(vp) - 1)
    ]
    return EvidencedPath([str(x) for x in ids], hops)


def ego_network(net: Network, center: str, *, radius: int = 2) -> dict[str, Any]:
    """Everyone within ``radius`` hops of a node, and the evidenced edges among them.

    O(size of the neighbourhood and its edges).
    """
    c = net.index(center)
    g = net.graph()
    verts = np.asarray(g.neighborhood(c, order=radius), dtype=np.int64)
    dist = np.zeros(verts.size, dtype=np.int64)
    for d in range(1, radius + 1):  # rings, without a BFS over the whole graph
        ring = np.asarray(g.neighborhood(c, order=d, mindist=d), dtype=np.int64)
        dist[np.isin(verts, ring)] = d
    inside = np.zeros(net.n, dtype=bool)
    inside[verts] = True
    u, v = net.endpoints()
    if verts.size < 20_000:  # incident edges of the members, filtered
        inc = np.unique(
            np.fromiter((e for x in verts.tolist() for e in g.incident(x)), dtype=np.int64)
        )
        eids = inc[inside[u[inc]] & inside[v[inc]]]
    else:  # a hub's neighbourhood: one vectorised pass over all edges is cheaper
        eids = np.flatnonzero(inside[u] & inside[v])
    ids = net.ids
    records = edge_records(net, eids)
    edges = [
        {"source": str(ids[u[e]]), "target": str(ids[v[e]]), **rec}
        for e, rec in zip(eids.tolist(), records, strict=True)
    ]
    labels = net.labels(verts)
    nodes = [
        {
            "id": str(ids[x]),
            "label": labels[i],
            "distance": int(dist[i]),
        }
        for i, x in enumerate(verts.tolist())
    ]
    return {"center": center, "radius": radius, "nodes": nodes, "edges": edges}
