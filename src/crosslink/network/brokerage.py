"""Gould-Fernandez brokerage roles between groups.

For every open two-path a -> b -> c (a != c and no direct tie a -> c), the broker b
takes one of five roles by the groups of a, b and c (Gould & Fernandez 1989, the
definition used by UCINET and statnet's ``brokerage``):

========================  ===============================
coordinator               a, b, c all in one group
itinerant (consultant)    a and c in one group, b outside
representative            a and b in one group, c outside
gatekeeper                b and c in one group, a outside
liaison                   all three in different groups
========================  ===============================

The two-paths are joined in DuckDB (vectorised hash join + anti join), never in a
Python loop. Their number is sum_b indeg(b) * outdeg(b); when that exceeds
``max_paths`` only the brokers most likely to matter (most ties into other groups) are
counted, within the budget, and the result says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

from crosslink.network.graph import Network

__all__ = ["ROLES", "Brokerage", "brokerage"]

ROLES = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison")


@dataclass
class Brokerage:
    """Counts per node and role (shape n x 5, columns in ``ROLES`` order)."""

    counts: np.ndarray
    brokers_counted: int
    complete: bool

    def total(self) -> np.ndarray:
        return self.counts.sum(axis=1)


_SQL = """
WITH two AS (
  SELECT x.src AS a, x.dst AS b, y.dst AS c
  FROM arcs x JOIN arcs y ON x.dst = y.src
  WHERE x.src <> y.dst AND x.dst IN (SELECT node FROM brokers)
),
open AS (
  SELECT two.* FROM two ANTI JOIN arcs z ON z.src = two.a AND z.dst = two.c
),
grouped AS (
  SELECT o.b, ga.g AS ga, gb.g AS gb, gc.g AS gc
  FROM open o JOIN groups ga ON ga.node = o.a JOIN groups gb ON gb.node = o.b
  JOIN groups gc ON gc.node = o.c
)
SELECT b,
  count(*) FILTER (WHERE ga = gb AND gb = gc) AS coordinator,
  count(*) FILTER (WHERE ga = gc AND ga <> gb) AS itinerant,
  count(*) FILTER (WHERE ga = gb AND gb <> gc) AS representative,
  count(*) FILTER (WHERE ga <> gb AND gb = gc) AS gatekeeper,
  count(*) FILTER (WHERE ga <> gb AND gb <> gc AND ga <> gc) AS liaison
FROM grouped GROUP BY b
"""


def brokerage(net: Network, groups: np.ndarray, *, max_paths: int = 50_000_000) -> Brokerage:
    """Gould-Fernandez role counts per node for a partition ``groups`` (e.g. communities).

    Uses the directed ties (``net.arcs``). O(P) for P open two-paths counted, P bounded by
    ``max_paths``.
    """
    n = net.n
    arcs = net.arcs
    counts = np.zeros((n, len(ROLES)), dtype=np.int64)
    if arcs.size == 0:
        return Brokerage(counts, 0, True)
    src, dst = arcs[:, 0].astype(np.int64), arcs[:, 1].astype(np.int64)
    indeg = np.bincount(dst, minlength=n)
    outdeg = np.bincount(src, minlength=n)
    load = indeg * outdeg
    candidates = np.flatnonzero(load > 0)
    complete = True
    if load.sum() > max_paths:
        complete = False
        # Priority: ties that leave the broker's group (in or out).
        cross = np.bincount(src, weights=groups[src] != groups[dst], minlength=n) + np.bincount(
            dst, weights=groups[src] != groups[dst], minlength=n
        )
        order = candidates[np.lexsort((candidates, -cross[candidates]))]
        fits = order[load[order] <= max_paths]
        budget = np.cumsum(load[fits])
        candidates = np.sort(fits[budget <= max_paths])
    con = duckdb.connect()
    try:
        con.register("arcs", pa.table({"src": pa.array(src), "dst": pa.array(dst)}))
        con.register(
            "groups",
            pa.table(
                {
                    "node": pa.array(np.arange(n, dtype=np.int64)),
                    "g": pa.array(groups.astype(np.int64)),
                }
            ),
        )
        con.register("brokers", pa.table({"node": pa.array(candidates.astype(np.int64))}))
        res = con.sql(_SQL).to_arrow_table()
    finally:
        con.close()
    b = res.column("b").to_numpy()
    for j, role in enumerate(ROLES):
        counts[b, j] = res.column(role).to_numpy()
    return Brokerage(counts, int(candidates.size), complete)
