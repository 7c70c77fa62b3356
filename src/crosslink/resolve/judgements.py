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

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import duckdb

from crosslink.errors import InputError
from crosslink.model.report import make_id
from crosslink.store.session import Session

__all__ = [
    "DECISIONS",
    "Decision",
    "Judgement",
    "effective_judgements",
    "record_judgement",
    "resolve_entity",
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
