"""Analyst judgements: "these two records are (not) the same person".

A judgement is about two *entity ids* (when an analyst names a canonical id, the
cluster's smallest member stands for it). Rows are never overwritten: a new
judgement on the same pair supersedes the earlier one (``superseded_by`` points
to it), and withdrawing a judgement stamps ``deleted_at``. So the table is the
full history of who decided what, when and why.

The *effective* judgements (neither superseded nor deleted) steer clustering:
``same`` forces a merge (must-link), ``different`` blocks it transitively
(cannot-link: no cluster may ever hold both), ``unsure`` only takes the pair off
the review queue. They are applied on every run, full or incremental.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker

from crosslink.errors import CrosslinkError, InputError
from crosslink.model.report import make_id
from crosslink.resolve.model import load_model
from crosslink.store.session import Session
from crosslink.store.sql import scalar

# crosslink.resolve.workspace imports this module (for the judgements in force), so
# the review/explain functions below import its helpers when called.

__all__ = [
    "DECISIONS",
    "Decision",
    "Judgement",
    "apply_judgement",
    "effective_judgements",
    "explain_pair",
    "record_judgement",
    "resolve_entity",
    "review_pairs",
    "withdraw_judgement",
]

Decision = Literal["same", "different", "unsure"]
DECISIONS: tuple[Decision, ...] = ("same", "different", "unsure")


@dataclass(frozen=True)
class Judgement:
    id: str
    a: str
    b: str
    decision: str
    reason: str | None
    username: str
    created_at: datetime
    supersedes: str | None = None


def resolve_entity(con: duckdb.DuckDBPyConnection, ref: str) -> str:
    """The entity id an analyst means by ``ref`` (an entity id or a canonical id).

    A canonical id stands for its cluster; its smallest member id represents it,
    which is deterministic and, since canonical ids are stable, stays in the
    cluster across runs unless the cluster is split. Raises :class:`InputError`
    when ``ref`` names nothing in the workspace.
    """
    rows = con.execute(
        """
        SELECT min(entity_id) FROM canonical WHERE canonical_id = ?
        UNION ALL
        SELECT any_value(entity_id) FROM visible_statements
        WHERE entity_hash = hash(?) AND entity_id = ?
        """,
        [ref, ref, ref],
    ).fetchall()
    member, entity = rows[0][0], rows[1][0]
    if entity is not None:
        return str(entity)
    if member is not None:
        return str(member)
    raise InputError(f"no entity or canonical id {ref!r} in this workspace")


def _ordered(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def record_judgement(
    session: Session,
    a: str,
    b: str,
    decision: str,
    reason: str | None = None,
) -> Judgement:
    """Record a judgement on records (or clusters) ``a`` and ``b``; audited.

    Supersedes the pair's current judgement, if any. Does not re-cluster: callers
    that want the canonical table updated at once use
    :func:`crosslink.resolve.workspace.apply_judgement`. O(1) plus one indexed
    lookup.
    """
    if decision not in DECISIONS:
        raise InputError(f"decision must be one of {', '.join(DECISIONS)}, not {decision!r}")
    con = session.con
    ea, eb = resolve_entity(con, a), resolve_entity(con, b)
    if ea == eb:
        raise InputError(f"{a} and {b} are the same record; nothing to judge")
    ea, eb = _ordered(ea, eb)
    now = datetime.now(UTC).replace(tzinfo=None)
    jid = make_id("judgement", ea, eb, decision, session.user, now.isoformat())
    with session.transaction():
        previous = con.execute(
            "SELECT id FROM judgements WHERE a = ? AND b = ? "
            "AND superseded_by IS NULL AND deleted_at IS NULL",
            [ea, eb],
        ).fetchall()
        con.execute(
            "INSERT INTO judgements VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
            [jid, ea, eb, decision, reason, session.user, now],
        )
        for (old,) in previous:
            con.execute("UPDATE judgements SET superseded_by = ? WHERE id = ?", [jid, old])
        session.audit(
            "alteration", f"{ea}|{eb}", judgement=jid, decision=decision, reason=reason,
            given=[a, b], supersedes=[p[0] for p in previous] or None,
        )
    return Judgement(
        jid, ea, eb, decision, reason, session.user, now, previous[0][0] if previous else None
    )


def withdraw_judgement(session: Session, judgement_id: str) -> None:
    """Soft-delete a judgement (the row stays, stamped ``deleted_at``); audited."""
    con = session.con
    rows = con.execute(
        "SELECT a, b FROM judgements WHERE id = ? AND deleted_at IS NULL", [judgement_id]
    ).fetchall()
    if not rows:
        raise InputError(f"no current judgement {judgement_id!r}")
    with session.transaction():
        con.execute(
            "UPDATE judgements SET deleted_at = ? WHERE id = ?",
            [datetime.now(UTC).replace(tzinfo=None), judgement_id],
        )
        session.audit("alteration", f"{rows[0][0]}|{rows[0][1]}", withdrawn=judgement_id)


def effective_judgements(
    con: duckdb.DuckDBPyConnection,
) -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[tuple[str, str]]]:
    """(same, different, unsure) entity pairs currently in force. O(judgements)."""
    rows = con.execute(
        "SELECT a, b, decision FROM judgements "
        "WHERE superseded_by IS NULL AND deleted_at IS NULL ORDER BY created_at, id"
    ).fetchall()
    out: dict[str, list[tuple[str, str]]] = {d: [] for d in DECISIONS}
    for a, b, decision in rows:
        out[str(decision)].append((str(a), str(b)))
    return out["same"], out["different"], out["unsure"]


# -- review, explain, and judgements that take effect at once --------------------


def apply_judgement(
    session: Session, a: str, b: str, decision: str, reason: str | None = None
) -> dict[str, Any]:
    """Record a judgement and, when a resolution exists, re-cluster the affected
    clusters at once (so ``--different`` splits now and ``--same`` merges now).
    Returns the judgement's fields and the re-clustering counts."""
    from crosslink.resolve.workspace import canonical_ids, entity_schema, recluster, saved_model

    judgement = record_judgement(session, a, b, decision, reason)
    schema = entity_schema(session.con, judgement.a)
    out: dict[str, Any] = {
        "id": judgement.id, "a": judgement.a, "b": judgement.b, "decision": judgement.decision,
        "reason": judgement.reason, "username": judgement.username,
        "created_at": judgement.created_at.isoformat(), "supersedes": judgement.supersedes,
    }
    if saved_model(session.con, schema) is not None:
        out["recluster"] = recluster(session, {judgement.a, judgement.b}, schema)
        out["canonical"] = canonical_ids(session.con, [judgement.a, judgement.b])
    return out


def _level_labels(settings: dict[str, Any]) -> list[dict[int, str]]:
    """Per comparison: gamma value -> level label (Splink numbers the non-null
    levels from the top down to 0; the null level is -1)."""
    out = []
    for comparison in settings["comparisons"]:
        levels = comparison["comparison_levels"]
        non_null = [lv for lv in levels if not lv.get("is_null_level")]
        labels = {-1: "missing on one side"}
        for i, level in enumerate(non_null):
            labels[len(non_null) - 1 - i] = str(level.get("label_for_charts") or level["sql_condition"])
        out.append(labels)
    return out


def _explanation(
    settings: dict[str, Any], gammas: list[int] | None, weights: list[float] | None
) -> list[dict[str, Any]]:
    from crosslink.resolve.workspace import comparison_names

    names = comparison_names(settings)
    labels = _level_labels(settings)
    rows = []
    for i, name in enumerate(names):
        gamma = int(gammas[i]) if gammas and gammas[i] is not None else -1
        weight = float(weights[i]) if weights and weights[i] is not None else 0.0
        rows.append({
            "comparison": name,
            "level": labels[i].get(gamma, str(gamma)),
            "weight": round(weight, 2),
        })
    return rows


def _prior_weight(settings: dict[str, Any]) -> float:
    prior = float(settings["probability_two_random_records_match"])
    return round(math.log2(prior / (1 - prior)), 2)


_SUMMARY_COLUMNS = ("full_name", "dob", "nationality", "phone", "email", "passport_number")


def _summaries(
    session: Session, entity_ids: list[str], schema: str = "Person"
) -> dict[str, dict[str, Any]]:
    """Display fields for a few entities: name, date of birth and selectors for
    people; every non-empty feature (plate, IBAN ...) for other schemas."""
    from crosslink.resolve.workspace import entity_records, load_features, memory_connection

    records = entity_records(session, schema, sorted(set(entity_ids)))
    mem = memory_connection()
    try:
        load_features(mem, records, "xl_show", schema)
        if schema == "Person":
            columns = list(_SUMMARY_COLUMNS)
        else:
            columns = [str(r[0]) for r in mem.execute("DESCRIBE xl_show").fetchall()
                       if r[0] not in ("unique_id", "source_dataset")]
        cols = ", ".join(f'"{c}"' for c in columns)
        rows = mem.sql(f"SELECT unique_id, {cols} FROM xl_show").fetchall()  # noqa: S608
    finally:
        mem.close()
    return {
        str(r[0]): {c: v for c, v in zip(columns, r[1:], strict=True)
                    if schema == "Person" or v is not None}
        for r in rows
    }


def review_pairs(
    session: Session, *, limit: int = 20, schema: str = "Person"
) -> list[dict[str, Any]]:
    """The review queue of ``schema``: stored pairs in the model's review band that
    no current judgement settles, least certain first (closest to even odds), each
    with its comparisons' levels and weights. Audited as a consultation. O(band pairs)."""
    from crosslink.resolve.workspace import saved_model

    con = session.con
    saved = saved_model(con, schema)
    if saved is None:
        return []
    model = load_model(schema)
    low, high = model.review_band
    rows = con.execute(
        """SELECT p.a, p.b, p.match_weight, p.match_probability, p.gammas, p.weights,
                  coalesce(ca.canonical_id, p.a), coalesce(cb.canonical_id, p.b)
           FROM resolution_pairs p
           LEFT JOIN canonical ca ON ca.entity_id = p.a
           LEFT JOIN canonical cb ON cb.entity_id = p.b
           WHERE p.schema = ? AND p.match_probability >= ? AND p.match_probability < ?
             AND NOT EXISTS (SELECT 1 FROM judgements j WHERE j.a = p.a AND j.b = p.b
                             AND j.superseded_by IS NULL AND j.deleted_at IS NULL)
           ORDER BY abs(p.match_weight), p.a, p.b LIMIT ?""",
        [schema, low, high, limit],
    ).fetchall()
    shown = _summaries(session, [r[0] for r in rows] + [r[1] for r in rows], schema)
    out = []
    for a, b, weight, probability, gammas, weights, ca, cb in rows:
        out.append({
            "a": a, "b": b, "canonical_a": ca, "canonical_b": cb, "merged": ca == cb,
            "match_weight": round(float(weight), 2),
            "match_probability": round(float(probability), 4),
            "left": shown.get(a, {}), "right": shown.get(b, {}),
            "comparisons": _explanation(saved.settings, gammas, weights),
            "schema": schema,
        })
    session.audit("consultation", "review", pairs=len(out), schema=schema)
    return out


def review_clusters(
    session: Session, *, limit: int = 20, schema: str = "Person", members_shown: int = 8
) -> list[dict[str, Any]]:
    """The least certain merged clusters of ``schema``, weakest first.

    A cluster's confidence is the weaker of its weakest merge (a pair, or a
    record's match with the cluster's profile) and one minus its strongest link
    to any record outside it; an analyst takes a wrong member out with a
    "different" judgement against another member. Members the session may not see are left out (and a
    cluster with fewer than two visible members is not listed). Audited as a
    consultation. O(canonical rows).
    """
    rows = session.con.execute(
        """WITH visible AS (
               SELECT c.* FROM canonical c
               WHERE c.schema = ? AND EXISTS (
                   SELECT 1 FROM visible_statements s
                   WHERE s.entity_hash = hash(c.entity_id) AND s.entity_id = c.entity_id))
           SELECT canonical_id, min(confidence) AS confidence, count(*) AS size,
                  list(entity_id ORDER BY entity_id) AS members
           FROM visible GROUP BY canonical_id HAVING count(*) > 1
           ORDER BY confidence, canonical_id LIMIT ?""",
        [schema, limit],
    ).fetchall()
    shown = _summaries(
        session, [m for r in rows for m in list(r[3])[:members_shown]], schema
    ) if rows else {}
    out = [{
        "canonical_id": cid,
        "confidence": None if confidence is None else round(float(confidence), 4),
        "size": int(size),
        "members": [{"id": m, **shown.get(m, {})} for m in list(members)[:members_shown]],
        "schema": schema,
    } for cid, confidence, size, members in rows]
    session.audit("consultation", "review clusters", clusters=len(out), schema=schema)
    return out


def _members(con: duckdb.DuckDBPyConnection, ref: str, cap: int) -> list[str]:
    """The entities ``ref`` names: a canonical id's members, else the entity itself."""
    rows = con.execute(
        "SELECT entity_id FROM canonical WHERE canonical_id = ? ORDER BY entity_id LIMIT ?",
        [ref, cap],
    ).fetchall()
    return [str(r[0]) for r in rows] or [resolve_entity(con, ref)]


def _against_profile(
    mem: duckdb.DuckDBPyConnection, scorer: Linker, settings: dict[str, Any], members: list[str]
) -> dict[str, Any]:
    """Score ``xl_left`` (one record) against the profile of ``members``: how a
    record left alone by pairwise scoring is compared with a whole cluster in
    resolution (:mod:`crosslink.resolve.profiles`)."""
    from crosslink.resolve.profiles import profile_table
    from crosslink.resolve.workspace import pairs_sql

    mem.register("_xl_ids", pa.table({"id": pa.array(members, pa.string())}))
    try:
        profile_table(mem, "xl_features", "_xl_ids", "xl_profile")
    finally:
        mem.unregister("_xl_ids")
    db_api = DuckDBAPI(connection=mem)
    scored = scorer.inference.score_pairs(db_api.register("xl_left"), db_api.register("xl_profile"))
    row = mem.sql(f"SELECT * FROM ({pairs_sql(scored.physical_name, settings)})").fetchall()[0]  # noqa: S608
    cols = ", ".join(f'"{c}"' for c in _SUMMARY_COLUMNS)
    values = mem.sql(f"SELECT {cols} FROM xl_profile").fetchall()[0]  # noqa: S608
    return {
        "members": len(members),
        "values": dict(zip(_SUMMARY_COLUMNS, values, strict=True)),
        "match_weight": round(float(row[2]), 2),
        "match_probability": round(float(row[3]), 4),
        "comparisons": _explanation(settings, row[4], row[5]),
    }


def explain_pair(session: Session, a: str, b: str, *, cap: int = 50) -> dict[str, Any]:
    """Score ``a`` against ``b`` with the saved model and say why.

    ``a`` and ``b`` are entity ids or canonical ids (then every member pair, up to
    ``cap`` members a side, is scored and the strongest shown). When ``a`` is one
    record and ``b`` a cluster of two or more others, ``profile`` also scores
    ``a`` against the cluster as a whole (each field the value its members give
    most often), as resolution does for records left alone. Term frequencies
    come from the whole workspace, as in resolution, so the weights are the ones
    the run used: O(n) feature preparation, then O(members_a x members_b) scoring.
    Works for every resolved schema (the one ``a`` belongs to). Audited as a
    consultation.
    """
    from crosslink.resolve.workspace import (
        canonical_ids,
        entity_records,
        entity_schema,
        explaining_settings,
        load_features,
        memory_connection,
        pairs_sql,
        saved_model,
        tf_columns,
    )

    con = session.con
    left, right = _members(con, a, cap), _members(con, b, cap)
    schema = entity_schema(con, left[0])
    saved = saved_model(con, schema)
    if saved is None:
        raise CrosslinkError("run `crosslink resolve` first: there is no trained model yet")
    records = entity_records(session, schema)
    mem = memory_connection()
    try:
        load_features(mem, records, "xl_features", schema)
        for name, ids in (("xl_left", left), ("xl_right", right)):
            mem.register("_xl_ids", pa.table({"id": pa.array(ids, pa.string())}))
            mem.execute(
                f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM xl_features "  # noqa: S608
                "SEMI JOIN _xl_ids ON unique_id = id"
            )
            mem.unregister("_xl_ids")
        missing = [x for x, n in ((a, "xl_left"), (b, "xl_right"))
                   if not int(scalar(mem.execute(f"SELECT count(*) FROM {n}")))]  # noqa: S608
        if missing:
            noun = "a person" if schema == "Person" else f"a {schema}"
            raise InputError(f"{missing[0]} is not {noun} you may see in this workspace")
        db_api = DuckDBAPI(connection=mem)
        scorer = Linker(db_api.register("xl_features"), explaining_settings(saved.settings))
        for column in tf_columns(saved.settings):
            scorer.table_management.compute_tf_table(column)
        scored = scorer.inference.score_pairs(db_api.register("xl_left"), db_api.register("xl_right"))
        rows = mem.sql(
            f"SELECT * FROM ({pairs_sql(scored.physical_name, saved.settings)}) "  # noqa: S608
            "WHERE a <> b ORDER BY match_weight DESC, a, b"
        ).fetchall()
        others = [m for m in right if m not in left]
        profile = (
            _against_profile(mem, scorer, saved.settings, others)
            if len(left) == 1 and len(others) > 1 and schema == "Person" else None
        )
    finally:
        mem.close()
    if not rows:
        raise InputError(f"{a} and {b} are the same record")
    best = rows[0]
    shown = _summaries(session, [str(best[0]), str(best[1])], schema)
    result = {
        "a": a, "b": b, "schema": schema, "pair": [best[0], best[1]],
        "canonical": canonical_ids(con, [str(best[0]), str(best[1])]),
        "prior_weight": _prior_weight(saved.settings),
        "match_weight": round(float(best[2]), 2),
        "match_probability": round(float(best[3]), 4),
        "left": shown.get(str(best[0]), {}), "right": shown.get(str(best[1]), {}),
        "comparisons": _explanation(saved.settings, best[4], best[5]),
        "pairs_scored": len(rows),
        "profile": profile,
    }
    session.audit("consultation", f"{a}|{b}", explain=True, pairs=len(rows))
    return result
