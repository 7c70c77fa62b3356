"""Clustering that does not chain.

Connected components over every pair above a threshold is how Splink clusters by
default, and it is how innocent namesakes end up in one giant cluster: A links to B
(same common name, B has no date of birth) and B links to C (same name again), so
A and C are "the same person" although their dates of birth differ.

Here clusters grow greedily from the strongest pair down (like single linkage),
but a merge happens only when

* the two clusters do not *conflict*: no two members with incompatible dates of
  birth (allowing day-month swaps, one-part typos and partial dates), or with
  identity/passport numbers that differ by more than a typo;
* no analyst judgement says any member of one is a different entity from any
  member of the other (negative judgements therefore block transitively);
* the merge is *supported*: at least half the members of the smaller cluster
  have a scored link into the larger one, so two groups never join through one
  weak link.

Positive judgements are merged first and unconditionally.

Cost: connected components in C (igraph) over all edges, O(n + e); the greedy
pass is a Python loop over the edges of components with three or more members
only (pairs are accepted as they are), O(e_big log e_big) plus the conflict
checks, which compare the small per-cluster sets of dates and numbers.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import duckdb
import igraph as ig
import numpy as np
import pyarrow as pa
from rapidfuzz.distance import DamerauLevenshtein

__all__ = ["ClusterOptions", "cluster_pairs", "dob_compatible"]

Dob = tuple[int | None, int | None, int | None]


@dataclass(frozen=True)
class ClusterOptions:
    """How clusters are formed (defaults from the model file)."""

    threshold: float = 0.95
    support: float = 0.5
    conflicts: tuple[str, ...] = ("dob", "passport_number", "id_number")
    id_max_edits: int = 2


def dob_compatible(a: Dob, b: Dob) -> bool:
    """Could two (year, month, day) dates of birth, possibly partial, be one person's?

    Allows: equal dates, day and month swapped, 1 January standing in for an
    unknown day in the same year, one part wrong (a typo, or a year off by one or
    by a decade digit), at most two digit slips between the written
    dates, and partial dates agreeing where both are known.
    """
    ya, ma, da = a
    yb, mb, db = b
    if ya is None or yb is None:
        return True
    if None in (ma, da, mb, db):
        if abs(ya - yb) > 1:
            return False
        return ma is None or mb is None or ma == mb or ya == yb
    if a == b:
        return True
    if ya == yb and ((ma, da) == (1, 1) or (mb, db) == (1, 1)):
        return True  # 1 January: how many systems record an unknown day of birth
    if ya == yb and ma == db and da == mb:
        return True
    differ = (ya != yb) + (ma != mb) + (da != db)
    if differ == 1 and (ya == yb or abs(ya - yb) == 1 or (abs(ya - yb) < 100 and ya % 10 == yb % 10)):
        return True
    # keying slips: at most two digit edits between the YYYYMMDD strings
    return DamerauLevenshtein.distance(f"{ya:04d}{ma:02d}{da:02d}", f"{yb:04d}{mb:02d}{db:02d}") <= 2


def _ids_compatible(a: set[str], b: set[str], max_edits: int) -> bool:
    if not a or not b or a & b:
        return True
    return any(DamerauLevenshtein.distance(x, y) <= max_edits for x in a for y in b)


class _Clusters:
    """Union-find whose roots carry what the merge constraints need."""

    def __init__(self, options: ClusterOptions) -> None:
        self.options = options
        self.parent: dict[int, int] = {}
        self.members: dict[int, list[int]] = {}
        self.dobs: dict[int, set[Dob]] = {}
        self.ids: dict[str, dict[int, set[str]]] = defaultdict(dict)
        self.forbidden: dict[int, set[int]] = defaultdict(set)
        self.weakest: dict[int, float] = {}
        self.node_dob: dict[int, Dob] = {}
        self.node_ids: dict[str, dict[int, set[str]]] = defaultdict(dict)

    def add(self, node: int, dob: Dob | None, ids: dict[str, str | None]) -> None:
        self.parent[node] = node
        self.members[node] = [node]
        self.dobs[node] = {dob} if dob is not None and dob[0] is not None else set()
        if dob is not None and dob[0] is not None:
            self.node_dob[node] = dob
        for field, value in ids.items():
            self.ids[field][node] = {value} if value else set()
            self.node_ids[field][node] = {value} if value else set()

    def find(self, node: int) -> int:
        root = node
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[node] != root:
            self.parent[node], node = root, self.parent[node]
        return root

    def _pair_conflicts(self, x: int, y: int) -> bool:
        dx, dy = self.node_dob.get(x), self.node_dob.get(y)
        if "dob" in self.options.conflicts and dx and dy and not dob_compatible(dx, dy):
            return True
        return any(
            not _ids_compatible(values[x], values[y], self.options.id_max_edits)
            for values in self.node_ids.values()
        )

    def conflict(self, a: int, b: int, adjacency: dict[int, set[int]]) -> bool:
        """Would merging roots ``a`` and ``b`` join records that must stay apart?

        Fast path over the clusters' value sets; only when those disagree are member
        pairs checked, and a disagreeing pair is tolerated when the model scored that
        very pair as a match (the conflict was already weighed as evidence).
        """
        if self.forbidden[a] & set(self.members[b]) or self.forbidden[b] & set(self.members[a]):
            return True
        dob_ok = "dob" not in self.options.conflicts or all(
            dob_compatible(x, y) for x in self.dobs[a] for y in self.dobs[b]
        )
        ids_ok = all(
            _ids_compatible(values[a], values[b], self.options.id_max_edits)
            for values in self.ids.values()
        )
        if dob_ok and ids_ok:
            return False
        return any(
            self._pair_conflicts(x, y) and y not in adjacency[x]
            for x in self.members[a]
            for y in self.members[b]
        )

    def union(self, a: int, b: int, probability: float) -> None:
        if len(self.members[a]) < len(self.members[b]):
            a, b = b, a
        self.parent[b] = a
        self.members[a].extend(self.members.pop(b))
        self.dobs[a] |= self.dobs.pop(b)
        for values in self.ids.values():
            values[a] |= values.pop(b)
        self.forbidden[a] |= self.forbidden.pop(b, set())
        self.weakest[a] = min(
            self.weakest.get(a, 1.0), self.weakest.pop(b, 1.0), probability
        )


def cluster_pairs(
    con: duckdb.DuckDBPyConnection,
    features: str,
    pairs: str,
    options: ClusterOptions | None = None,
    *,
    must_link: Sequence[tuple[str, str]] = (),
    cannot_link: Sequence[tuple[str, str]] = (),
) -> pa.Table:
    """Cluster the records of ``features`` using the scored ``pairs``.

    ``pairs`` needs ``unique_id_l, unique_id_r, match_probability``. Returns an
    Arrow table ``unique_id, cluster_id, confidence, cluster_size`` with one row per
    record. ``cluster_id`` is the smallest member id (readable and deterministic);
    ``confidence`` is the weaker of the cluster's weakest internal merge link and
    one minus its strongest scored link to any record outside it.
    """
    opts = options or ClusterOptions()
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _xl_ids AS SELECT unique_id, "  # noqa: S608
        f"CAST(row_number() OVER (ORDER BY unique_id) - 1 AS BIGINT) AS idx FROM {features}"
    )
    n = int(con.sql("SELECT count(*) FROM _xl_ids").fetchall()[0][0])
    edges = con.sql(
        f"""SELECT a.idx AS i, b.idx AS j, p.match_probability AS p
            FROM {pairs} p
            JOIN _xl_ids a ON a.unique_id = CAST(p.unique_id_l AS VARCHAR)
            JOIN _xl_ids b ON b.unique_id = CAST(p.unique_id_r AS VARCHAR)
            WHERE p.match_probability >= ?""",  # noqa: S608
        params=[opts.threshold],
    ).to_arrow_table()
    index = _index_lookup(con, [x for pair in [*must_link, *cannot_link] for x in pair])
    must = [(index[a], index[b]) for a, b in must_link if a in index and b in index]
    cannot = [(index[a], index[b]) for a, b in cannot_link if a in index and b in index]

    ei = edges.column("i").to_numpy()
    ej = edges.column("j").to_numpy()
    ep = edges.column("p").to_numpy()
    all_i = np.concatenate([ei, np.array([m[0] for m in must], dtype=np.int64)])
    all_j = np.concatenate([ej, np.array([m[1] for m in must], dtype=np.int64)])
    graph = ig.Graph(n=n, edges=np.column_stack([all_i, all_j]).tolist(), directed=False)
    membership = np.asarray(graph.connected_components().membership, dtype=np.int64)
    sizes = np.bincount(membership, minlength=n)

    # Components that need the constrained pass: 3+ members, or touched by a judgement.
    needs = sizes[membership] >= 3
    for a, b in cannot + must:
        needs[membership == membership[a]] = True
        needs[membership == membership[b]] = True
    labels = membership.copy()
    weakest = np.ones(n, dtype=np.float64)
    # Pairs in components of two without judgements: accepted as they are.
    simple = ~needs[ei]
    weakest[ei[simple]] = np.minimum(weakest[ei[simple]], ep[simple])
    weakest[ej[simple]] = np.minimum(weakest[ej[simple]], ep[simple])

    big_nodes = np.flatnonzero(needs)
    if big_nodes.size:
        hard = _constrained(con, features, opts, big_nodes, ei, ej, ep, needs, must, cannot)
        for node, (root, weak) in hard.items():
            labels[node] = n + root  # distinct from component ids
            weakest[node] = weak
    return _finish(con, pairs, labels, weakest)


def _index_lookup(con: duckdb.DuckDBPyConnection, ids: Iterable[str]) -> dict[str, int]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = con.execute(
        "SELECT unique_id, idx FROM _xl_ids WHERE unique_id IN (SELECT unnest(?))", [wanted]
    ).fetchall()
    return {str(u): int(i) for u, i in rows}


def _constrained(
    con: duckdb.DuckDBPyConnection,
    features: str,
    opts: ClusterOptions,
    nodes: np.ndarray,
    ei: np.ndarray,
    ej: np.ndarray,
    ep: np.ndarray,
    needs: np.ndarray,
    must: list[tuple[int, int]],
    cannot: list[tuple[int, int]],
) -> dict[int, tuple[int, float]]:
    """Greedy constrained merging over the nodes of components that need it."""
    present = {r[0] for r in con.sql(f"DESCRIBE {features}").fetchall()}  # noqa: S608
    id_fields = [f for f in opts.conflicts if f != "dob" and f in present]
    con.register("_xl_nodes", pa.table({"idx": pa.array(nodes, pa.int64())}))
    select_ids = ", ".join(f"f.{c}" for c in id_fields)
    # features of schemas without dates of birth (vehicles, accounts) lack them
    dob = "f.dob_y, f.dob_m, f.dob_d" if "dob_y" in present else "NULL, NULL, NULL"
    rows = con.sql(
        f"""SELECT x.idx, {dob}{", " + select_ids if id_fields else ""}
            FROM _xl_nodes n JOIN _xl_ids x ON x.idx = n.idx
            JOIN {features} f ON f.unique_id = x.unique_id"""  # noqa: S608
    ).fetchall()
    con.unregister("_xl_nodes")
    clusters = _Clusters(opts)
    for row in rows:
        clusters.add(
            int(row[0]),
            (row[1], row[2], row[3]),
            {f: row[4 + k] for k, f in enumerate(id_fields)},
        )
    for a, b in cannot:
        clusters.forbidden[a].add(b)
        clusters.forbidden[b].add(a)
    for a, b in must:
        ra, rb = clusters.find(a), clusters.find(b)
        if ra != rb:
            clusters.union(ra, rb, 1.0)

    sel = needs[ei]
    bi, bj, bp = ei[sel], ej[sel], ep[sel]
    adjacency: dict[int, set[int]] = defaultdict(set)
    for i, j in zip(bi.tolist(), bj.tolist(), strict=True):
        adjacency[i].add(j)
        adjacency[j].add(i)
    for k in np.argsort(-bp, kind="stable").tolist():
        ra, rb = clusters.find(int(bi[k])), clusters.find(int(bj[k]))
        if ra == rb or clusters.conflict(ra, rb, adjacency):
            continue
        small, large = (ra, rb) if len(clusters.members[ra]) <= len(clusters.members[rb]) else (rb, ra)
        n_small = len(clusters.members[small])
        if n_small > 1 or len(clusters.members[large]) > 1:
            linked = sum(
                1
                for x in clusters.members[small]
                if any(clusters.find(y) == large for y in adjacency[x])
            )
            if linked < math.ceil(opts.support * n_small):
                continue
        clusters.union(ra, rb, float(bp[k]))
    result: dict[int, tuple[int, float]] = {}
    for node in clusters.parent:
        root = clusters.find(node)
        result[node] = (root, clusters.weakest.get(root, 1.0))
    return result


def _finish(
    con: duckdb.DuckDBPyConnection, pairs: str, labels: np.ndarray, weakest: np.ndarray
) -> pa.Table:
    con.register(
        "_xl_labels",
        pa.table({"idx": pa.array(np.arange(labels.size), pa.int64()),
                  "label": pa.array(labels, pa.int64()),
                  "weak": pa.array(weakest, pa.float64())}),
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _xl_assign AS
           SELECT x.unique_id, l.label, l.weak,
                  min(x.unique_id) OVER (PARTITION BY l.label) AS cluster_id,
                  count(*) OVER (PARTITION BY l.label) AS cluster_size
           FROM _xl_labels l JOIN _xl_ids x USING (idx)"""
    )
    con.unregister("_xl_labels")
    result = con.sql(
        f"""WITH ext AS (
              SELECT a.cluster_id, max(p.match_probability) AS outside
              FROM {pairs} p
              JOIN _xl_assign a ON a.unique_id = CAST(p.unique_id_l AS VARCHAR)
              JOIN _xl_assign b ON b.unique_id = CAST(p.unique_id_r AS VARCHAR)
              WHERE a.cluster_id <> b.cluster_id
              GROUP BY ALL
              UNION ALL
              SELECT b.cluster_id, max(p.match_probability)
              FROM {pairs} p
              JOIN _xl_assign a ON a.unique_id = CAST(p.unique_id_l AS VARCHAR)
              JOIN _xl_assign b ON b.unique_id = CAST(p.unique_id_r AS VARCHAR)
              WHERE a.cluster_id <> b.cluster_id
              GROUP BY ALL
            ), weak AS (
              SELECT cluster_id, min(weak) AS weak FROM _xl_assign GROUP BY ALL
            )
            SELECT a.unique_id, a.cluster_id,
                   round(least(w.weak, 1 - coalesce(e.outside, 0)), 4) AS confidence,
                   CAST(a.cluster_size AS INTEGER) AS cluster_size
            FROM _xl_assign a
            JOIN weak w USING (cluster_id)
            LEFT JOIN (SELECT cluster_id, max(outside) AS outside FROM ext GROUP BY ALL) e
              USING (cluster_id)
            ORDER BY a.unique_id"""  # noqa: S608
    ).to_arrow_table()
    return result
