"""Incremental runs: which records are new, and the scope re-clustering must cover.

A record is *new* when it has no canonical row or has statements newer than the
last run's watermark (:func:`new_record_ids`). Only the clusters the new pairs touch
are re-clustered: :func:`close_scope` grows that set until re-clustering it
cannot change anything outside it (whole clusters, both ends of every judgement,
name-only candidates), and :func:`load_scope` loads its features and pairs
(this run's plus the stored ones among its old records). :func:`recluster` does
the same for the clusters a judgement touches, so the judgement takes effect at
once. See :mod:`crosslink.resolve.workspace` for when a run is incremental.

Cost: :func:`new_record_ids` is one O(records) join; :func:`close_scope` is
O(scope + their pairs) per round, rounds stopping at a fixed point;
re-clustering is O(touched clusters + their pairs), never O(workspace). For a
schema other than Person the scope also takes the records a new record is
certainly linked to on an identifier (:func:`certain_partners`), which the
model may have scored low.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa

from crosslink.errors import CrosslinkError
from crosslink.resolve.canonical import write_canonical
from crosslink.resolve.cluster_scope import cluster_scope
from crosslink.resolve.judgements import effective_judgements
from crosslink.resolve.model import ResolutionModel, load_model
from crosslink.resolve.prepare_things import certain_pairs_sql
from crosslink.resolve.records import SCHEMA, entity_records, load_features, memory_connection
from crosslink.resolve.scoring import SavedModel, empty_pairs_sql, saved_model
from crosslink.store.session import Session

__all__ = [
    "INCREMENTAL_MAX_SHARE",
    "certain_partners",
    "close_scope",
    "load_scope",
    "new_record_ids",
    "recluster",
]

#: Above this share of new records an incremental run is no cheaper than a full one.
INCREMENTAL_MAX_SHARE = 0.5


def new_record_ids(con: duckdb.DuckDBPyConnection, records: pa.Table, saved: SavedModel | None) -> set[str]:
    """Records without a canonical row, or with statements newer than the last run."""
    con.register("_xl_seen", records.select(["unique_id", "seen"]))
    try:
        rows = con.execute(
            """SELECT r.unique_id FROM _xl_seen r
               LEFT JOIN canonical c ON c.entity_id = r.unique_id
               WHERE c.entity_id IS NULL OR (?::TIMESTAMP IS NOT NULL AND r.seen > ?::TIMESTAMP)""",
            [saved.watermark if saved else None, saved.watermark if saved else None],
        ).fetchall()
    finally:
        con.unregister("_xl_seen")
    return {str(r[0]) for r in rows}


def certain_partners(
    mem: duckdb.DuckDBPyConnection, schema: str, available: set[str]
) -> set[str]:
    """The records of ``xl_features`` that a new record (``xl_new``) is certainly
    linked to on an identifier (same plate, IBAN, IMO ...: ``CERTAIN_RULES``), and
    those new records: an incremental run of a non-Person schema re-clusters them
    whatever the model scored. One hash join per rule of new against all records:
    O(new + records + agreeing pairs), never all x all."""
    sql = certain_pairs_sql(schema, "xl_new", available, "xl_features")
    return {
        str(r[0]) for r in mem.execute(f"SELECT unnest([a, b]) FROM ({sql})").fetchall()  # noqa: S608
    }


def close_scope(
    con: duckdb.DuckDBPyConnection,
    model: ResolutionModel,
    scope: set[str],
    judged: list[tuple[str, str]],
) -> set[str]:
    """Grow ``scope`` until re-clustering it cannot change anything outside it:
    whole clusters, both ends of every judgement, and the name-only candidates
    of its records (stored pairs below the predict threshold are exactly the
    name-only pairs). O(scope + their pairs) per round; rounds stop at a fixed point.
    """
    while True:
        linked = {x for a, b in judged if a in scope or b in scope for x in (a, b)}
        ids = sorted(scope | linked)
        partners = {
            str(r[0]) for r in con.execute(
                """SELECT b FROM resolution_pairs WHERE schema = ? AND match_probability < ?
                     AND a IN (SELECT unnest(?::VARCHAR[]))
                   UNION SELECT a FROM resolution_pairs WHERE schema = ? AND match_probability < ?
                     AND b IN (SELECT unnest(?::VARCHAR[]))""",
                [model.schema, model.predict_threshold, ids,
                 model.schema, model.predict_threshold, ids],
            ).fetchall()
        }
        grown = scope | linked | partners
        grown |= _cluster_members(con, grown)
        if grown == scope:
            return scope
        scope = grown


def _cluster_members(con: duckdb.DuckDBPyConnection, ids: set[str]) -> set[str]:
    rows = con.execute(
        """SELECT entity_id FROM canonical WHERE canonical_id IN (
               SELECT canonical_id FROM canonical WHERE entity_id IN (SELECT unnest(?::VARCHAR[])))""",
        [sorted(ids)],
    ).fetchall()
    return {str(r[0]) for r in rows}


def load_scope(
    con: duckdb.DuckDBPyConnection,
    mem: duckdb.DuckDBPyConnection,
    scope: set[str] | None,
    incremental: bool,
    new_ids: set[str],
    schema: str = SCHEMA,
) -> None:
    """``xl_scope`` (features to cluster) and ``xl_scope_pairs`` (their pairs).

    Full runs cluster everything with this run's pairs. Incremental runs add the
    stored pairs among the scope's old records to the new pairs.
    """
    if scope is None:
        mem.execute("CREATE OR REPLACE TEMP TABLE xl_scope AS SELECT * FROM xl_features")
        mem.execute("CREATE OR REPLACE TEMP TABLE xl_scope_pairs AS SELECT * FROM xl_pairs")
        return
    ids = sorted(scope)
    mem.register("_xl_scope_ids", pa.table({"id": pa.array(ids, pa.string())}))
    mem.execute(
        "CREATE OR REPLACE TEMP TABLE xl_scope AS SELECT * FROM xl_features "
        "SEMI JOIN _xl_scope_ids ON unique_id = id"
    )
    mem.unregister("_xl_scope_ids")
    old = sorted(scope - new_ids)
    stored = con.sql(
        """SELECT a, b, match_weight, match_probability, gammas, weights FROM resolution_pairs
           WHERE schema = ? AND a IN (SELECT unnest(?::VARCHAR[]))
             AND b IN (SELECT unnest(?::VARCHAR[]))""",
        params=[schema, old, old],
    ).to_arrow_table()
    mem.register("_xl_stored", stored)
    mem.execute(
        "CREATE OR REPLACE TEMP TABLE xl_scope_pairs AS "
        "SELECT * FROM xl_pairs WHERE a IN (SELECT unique_id FROM xl_scope) "
        "AND b IN (SELECT unique_id FROM xl_scope) UNION ALL SELECT * FROM _xl_stored"
    )
    mem.unregister("_xl_stored")


def recluster(
    session: Session, entity_ids: set[str], schema: str = SCHEMA
) -> dict[str, Any]:
    """Re-cluster the clusters holding ``entity_ids`` (of ``schema``) from stored
    pairs and the current judgements, and rewrite their canonical rows; audited.

    This is how a judgement takes effect at once (``judge A B --different`` splits
    the cluster now, not at the next resolve). O(affected clusters + their pairs).
    """
    con = session.con
    model = load_model(schema)
    same, different, _unsure = effective_judgements(con)
    saved = saved_model(con, schema)
    if saved is None:
        raise CrosslinkError("run `crosslink resolve` first: there is no resolution to update")
    scope = close_scope(con, model, set(entity_ids), same + different)
    now = datetime.now(UTC).replace(tzinfo=None)
    records = entity_records(session, schema, sorted(scope))
    mem = memory_connection()
    try:
        load_features(mem, records, "xl_features", schema)
        mem.execute(f"CREATE OR REPLACE TEMP TABLE xl_pairs AS {empty_pairs_sql()}")  # noqa: S608
        present = {str(x) for x in records.column("unique_id").to_pylist()}
        load_scope(con, mem, present, True, set(), schema)
        assignment, _ambiguous = cluster_scope(
            mem, model, saved.settings, "xl_scope_pairs", same, different
        )
    finally:
        mem.close()
    with session.transaction():
        update = write_canonical(con, assignment, schema=schema, now=now)
    session.audit(
        "combination", schema, scope=len(scope), changed=update.changed, reason="judgement"
    )
    return {"records": len(scope), "changed": update.changed, "clusters": update.clusters}

