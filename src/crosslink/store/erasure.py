"""Erasure: removing reports or entities for good (MoPI review and disposal).

Police information is kept only while there is a policing purpose for it; when a
review decides otherwise, or a court orders it, the data must go. Erasing

* a **report** removes the report (its text included) and every statement it
  made, including the selectors and names extracted from its text;
* an **entity** removes every statement about it, from every report, and every
  statement elsewhere that points at it (an ownership's owner, a call's caller).
  The reports themselves stay: their text may still name the person, so erase
  the report as well when the text must go.

What is derived from the erased statements goes with them: canonical ids, scored
resolution pairs and analyst judgements about entities that no longer have a
statement. Each erasure leaves a *tombstone* (kind, id, who, when) so a later
ingest of the same source cannot bring the data back: writes skip tombstoned
reports, and statements about (or pointing at) a tombstoned entity from the
reports that stated it then (see
:meth:`crosslink.store.session.Session.write_statements`). New intelligence
about the entity, in a report not seen before, is accepted: a review ends the
holding of what was known, not all future recording.

The audit log gets one ``erasure`` entry per call with metadata only (ids erased,
counts, the stated reason), never the erased values (ICO logging guidance).
Everything happens in one transaction: an unknown or invisible id changes nothing.

Cost: O(statements) scans (no index on statements, by design: see schema.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from crosslink.errors import InputError
from crosslink.store.session import Session
from crosslink.store.sql import scalar

__all__ = ["ErasureResult", "erase"]

Kind = Literal["report", "entity"]


@dataclass(frozen=True)
class ErasureResult:
    kind: str
    ids: list[str]
    statements: int
    reports: int
    entities_gone: int
    judgements: int


def _check_visible(session: Session, kind: Kind, ids: list[str]) -> None:
    """Every id must exist and be visible to this session: nobody erases what
    their clearance hides from them."""
    con = session.con
    con.execute("CREATE OR REPLACE TEMP TABLE _xl_erase_ids AS SELECT unnest(?::VARCHAR[]) AS id", [ids])
    if kind == "report":
        sql = "SELECT id FROM _xl_erase_ids ANTI JOIN visible_reports r USING (id)"
    else:
        sql = (
            "SELECT id FROM _xl_erase_ids e WHERE NOT EXISTS (SELECT 1 FROM visible_statements s "
            "WHERE s.entity_hash = hash(e.id) AND s.entity_id = e.id)"
        )
    missing = sorted(str(r[0]) for r in con.execute(sql).fetchall())
    if missing:
        raise InputError(f"no {kind} {missing[0]!r} that you may see in this workspace"
                         + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))


def erase(session: Session, kind: Kind, ids: list[str], reason: str) -> ErasureResult:
    """Erase reports or entities (see the module docstring). ``reason`` is
    required: the review decision or order it carries out."""
    if kind not in ("report", "entity"):
        raise ValueError(f"kind must be 'report' or 'entity', not {kind!r}")
    ids = sorted({i.strip() for i in ids if i and i.strip()})
    if not ids:
        raise InputError(f"name at least one {kind} to erase")
    if not reason or not reason.strip():
        raise InputError("say why (--reason): the review decision or order being carried out")
    con = session.con
    now = datetime.now(UTC).replace(tzinfo=None)
    with session.transaction():
        _check_visible(session, kind, ids)
        # an entity's tombstones: one per report that states it or points at it
        con.execute(
            """CREATE OR REPLACE TEMP TABLE _xl_erase_tomb AS
               SELECT DISTINCT e.id AS target,
                      CASE WHEN ? = 'report' THEN '' ELSE s.report_id END AS report_id
               FROM _xl_erase_ids e LEFT JOIN statements s
                 ON ? = 'entity' AND ((s.entity_hash = hash(e.id) AND s.entity_id = e.id)
                                      OR (s.prop_type = 'entity' AND s.value = e.id))
               WHERE ? = 'report' OR s.report_id IS NOT NULL""",
            [kind, kind, kind],
        )
        # entities that had statements before, to find those left with none
        con.execute(
            """CREATE OR REPLACE TEMP TABLE _xl_erase_touched AS
               SELECT DISTINCT entity_id FROM statements
               WHERE (? = 'report' AND report_id IN (SELECT id FROM _xl_erase_ids))
                  OR (? = 'entity' AND entity_hash IN (SELECT hash(id) FROM _xl_erase_ids)
                      AND entity_id IN (SELECT id FROM _xl_erase_ids))""",
            [kind, kind],
        )
        before = int(scalar(con.execute("SELECT count(*) FROM statements")))
        if kind == "report":
            con.execute("DELETE FROM statements WHERE report_id IN (SELECT id FROM _xl_erase_ids)")
            reports = int(scalar(con.execute(
                "SELECT count(*) FROM reports WHERE id IN (SELECT id FROM _xl_erase_ids)")))
            con.execute("DELETE FROM reports WHERE id IN (SELECT id FROM _xl_erase_ids)")
            # an online post's referral holds its evidence snapshot (the post's text)
            con.execute("DELETE FROM referral_events WHERE referral_id IN "
                        "(SELECT id FROM referrals WHERE report_id IN (SELECT id FROM _xl_erase_ids))")
            con.execute("DELETE FROM referrals WHERE report_id IN (SELECT id FROM _xl_erase_ids)")
            # a published series read from the report's file (flows/ creates its tables
            # on first use, so they may not exist): its points go with the report
            if scalar(con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'flow_series'")):
                con.execute("DELETE FROM flow_points WHERE series_id IN (SELECT id FROM flow_series "
                            "WHERE report_id IN (SELECT id FROM _xl_erase_ids))")
                con.execute("DELETE FROM flow_series WHERE report_id IN (SELECT id FROM _xl_erase_ids)")
        else:
            con.execute(
                """DELETE FROM statements
                   WHERE (entity_hash IN (SELECT hash(id) FROM _xl_erase_ids)
                          AND entity_id IN (SELECT id FROM _xl_erase_ids))
                      OR (prop_type = 'entity' AND value IN (SELECT id FROM _xl_erase_ids))"""
            )
            reports = 0
        statements = before - int(scalar(con.execute("SELECT count(*) FROM statements")))
        con.execute(
            """CREATE OR REPLACE TEMP TABLE _xl_erase_gone AS
               SELECT entity_id AS id FROM _xl_erase_touched t
               WHERE NOT EXISTS (SELECT 1 FROM statements s
                                 WHERE s.entity_hash = hash(t.entity_id) AND s.entity_id = t.entity_id)"""
        )
        gone = int(scalar(con.execute("SELECT count(*) FROM _xl_erase_gone")))
        judgements = int(scalar(con.execute(
            "SELECT count(*) FROM judgements WHERE a IN (SELECT id FROM _xl_erase_gone) "
            "OR b IN (SELECT id FROM _xl_erase_gone)")))
        for table, where in (
            ("judgements", "a IN (SELECT id FROM _xl_erase_gone) OR b IN (SELECT id FROM _xl_erase_gone)"),
            ("resolution_pairs", "a IN (SELECT id FROM _xl_erase_gone) OR b IN (SELECT id FROM _xl_erase_gone)"),
            ("canonical", "entity_id IN (SELECT id FROM _xl_erase_gone)"),
        ):
            con.execute(f"DELETE FROM {table} WHERE {where}")  # noqa: S608 - fixed SQL
        if gone:
            # the saved resolution no longer describes the workspace: the next
            # `crosslink resolve` is a full run (canonical ids stay stable)
            con.execute("DELETE FROM meta WHERE key LIKE 'resolve:%'")
        con.execute(
            "INSERT INTO erasures SELECT ?, target, report_id, ?, ? FROM _xl_erase_tomb "
            "ON CONFLICT DO NOTHING",
            [kind, now, session.user],
        )
        session.audit(
            "erasure", f"{kind}:{ids[0]}" + (f" (+{len(ids) - 1})" if len(ids) > 1 else ""),
            kind=kind, ids=ids, statements=statements, reports=reports,
            entities_gone=gone, judgements=judgements, reason=reason.strip(),
        )
    return ErasureResult(kind, ids, statements, reports, gone, judgements)
