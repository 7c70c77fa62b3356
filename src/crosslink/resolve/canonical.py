"""Stable canonical ids: a cluster keeps its id across re-runs and new records.

Analysts cite canonical ids in notes, case files and judgements, so a re-run that
renamed every cluster would break their work. After each clustering, the new
clusters are matched to the previous ones by overlap:

* each previous canonical id goes to the new cluster holding most of its former
  members (ties: the larger new cluster, then the smaller cluster id);
* each new cluster takes, of the previous ids that went to it, the one it shares
  most members with;
* a cluster that inherits nothing gets ``make_id("canonical", min(entity_id))``
  (the same function as :func:`crosslink.model.report.make_id`, computed in SQL),
  or, if that id is still held elsewhere, the same salted with the run time;
* a record alone in its cluster is its own canonical id (the store's contract:
  an entity without a row, or with ``canonical_id = entity_id``, stands alone).

Everything is SQL over the scope being written: O(scope log scope).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import pyarrow as pa

from crosslink.store.sql import one

__all__ = ["CanonicalUpdate", "write_canonical"]

# make_id(*parts) = sha1 over "\x1f" + part for each part; chr(31) is "\x1f".
_MAKE_ID_SQL = "sha1(chr(31) || 'canonical' || chr(31) || {arg})"


@dataclass(frozen=True)
class CanonicalUpdate:
    """What a write did to the canonical table."""

    entities: int  # rows written (the scope)
    clusters: int  # clusters of two or more records in the scope
    kept: int  # of those, how many kept a previous canonical id
    created: int  # and how many got a new one
    changed: int  # entities whose canonical id changed


def write_canonical(
    con: duckdb.DuckDBPyConnection,
    assignment: pa.Table,
    *,
    schema: str,
    now: datetime,
) -> CanonicalUpdate:
    """Replace the canonical rows of the entities in ``assignment`` with stable ids.

    ``assignment`` has ``unique_id, cluster_id, confidence, cluster_size`` (the
    output of :func:`crosslink.resolve.cluster.cluster_pairs`), covering whole
    clusters: every member of every previous cluster that the new clustering may
    have changed must be in it, or that cluster's id could be handed out twice.
    Rows whose id does not change keep their ``updated_at``. Runs inside the
    caller's transaction.
    """
    con.register("_xl_assignment", assignment)
    try:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE _xl_canon AS
            WITH new AS (
                SELECT CAST(unique_id AS VARCHAR) AS entity_id, CAST(cluster_id AS VARCHAR)
                       AS cluster_id, confidence, cluster_size
                FROM _xl_assignment
            ), overlap AS (
                SELECT n.cluster_id, any_value(n.cluster_size) AS size, c.canonical_id,
                       count(*) AS shared
                FROM new n JOIN canonical c ON c.entity_id = n.entity_id
                WHERE n.cluster_size > 1 AND c.canonical_id <> c.entity_id
                GROUP BY n.cluster_id, c.canonical_id
            ), owner AS (  -- each previous id goes to its best new cluster
                SELECT * FROM overlap
                QUALIFY row_number() OVER (
                    PARTITION BY canonical_id ORDER BY shared DESC, size DESC, cluster_id
                ) = 1
            ), inherit AS (  -- each new cluster keeps its best previous id
                SELECT cluster_id, canonical_id FROM owner
                QUALIFY row_number() OVER (
                    PARTITION BY cluster_id ORDER BY shared DESC, canonical_id
                ) = 1
            ), derived AS (
                SELECT n.cluster_id, i.canonical_id AS inherited,
                       {_MAKE_ID_SQL.format(arg="min(n.entity_id)")} AS fresh
                FROM new n LEFT JOIN inherit i USING (cluster_id)
                WHERE n.cluster_size > 1
                GROUP BY n.cluster_id, i.canonical_id
            )
            SELECT n.entity_id, n.confidence, n.cluster_size,
                   CASE WHEN n.cluster_size <= 1 THEN n.entity_id
                        ELSE coalesce(d.inherited, d.fresh) END AS canonical_id,
                   d.inherited IS NOT NULL AS kept
            FROM new n LEFT JOIN derived d USING (cluster_id)
            """  # noqa: S608 - fixed SQL only
        )
    finally:
        con.unregister("_xl_assignment")
    # A fresh id can collide with one still held outside the scope (or inherited in
    # it) when a split leaves a former cluster's smallest member in a new cluster:
    # salt those with the run time.
    con.execute(
        """
        UPDATE _xl_canon SET canonical_id =
            sha1(chr(31) || 'canonical' || chr(31) || canonical_id || chr(31) || ?)
        WHERE NOT kept AND cluster_size > 1 AND canonical_id IN (
            SELECT canonical_id FROM canonical
            WHERE entity_id NOT IN (SELECT entity_id FROM _xl_canon)
            UNION ALL SELECT canonical_id FROM _xl_canon WHERE kept
        )
        """,  # noqa: S608 - fixed SQL only
        [now.isoformat()],
    )
    stats = one(con.execute(
        """
        SELECT count(*),
               count(DISTINCT x.canonical_id) FILTER (WHERE x.cluster_size > 1),
               count(DISTINCT x.canonical_id) FILTER (WHERE x.cluster_size > 1 AND x.kept),
               count(DISTINCT x.canonical_id) FILTER (WHERE x.cluster_size > 1 AND NOT x.kept),
               count(*) FILTER (WHERE x.canonical_id IS DISTINCT FROM
                                coalesce(p.canonical_id, x.entity_id))
        FROM _xl_canon x LEFT JOIN canonical p USING (entity_id)
        """
    ))
    assert stats is not None
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _xl_canon_rows AS
        SELECT x.entity_id, x.canonical_id, ? AS schema, x.confidence,
               CASE WHEN p.canonical_id = x.canonical_id
                         AND p.confidence IS NOT DISTINCT FROM x.confidence
                    THEN p.updated_at ELSE ? END AS updated_at
        FROM _xl_canon x LEFT JOIN canonical p USING (entity_id)
        """,
        [schema, now],
    )
    con.execute("DELETE FROM canonical WHERE entity_id IN (SELECT entity_id FROM _xl_canon)")
    con.execute("INSERT INTO canonical SELECT * FROM _xl_canon_rows ORDER BY entity_id")
    con.execute("DROP TABLE _xl_canon_rows")
    return CanonicalUpdate(
        entities=int(stats[0]), clusters=int(stats[1]), kept=int(stats[2]),
        created=int(stats[3]), changed=int(stats[4]),
    )
