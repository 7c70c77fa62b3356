"""Cases in the workspace: create a case, add suspects, a group, evidence; read it back.

Every write goes through a :class:`~crosslink.store.session.Session` in one
transaction and is audited; every read uses the session's visible views, so a report
the user may not see is absent from the case's lists and counts, and a case the user
names that does not exist is one clear error.

Suspects are canonical entities (the resolved person, not one record of them) of kind
person or organisation. People recorded as migrant, victim or witness are never
suspects: asked to add one, we refuse; adding a whole group, they become the case's
witnesses and victims instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from crosslink.cases.offences import evidence_policy, get_offence
from crosslink.cases.tables import ensure_tables
from crosslink.errors import InputError
from crosslink.model.statement import FACILITATOR_ROLES, NON_SUSPECT_ROLES
from crosslink.network.targets import kind_of
from crosslink.store.ids import resolve_id
from crosslink.store.session import Session

__all__ = [
    "AddResult",
    "CaseInfo",
    "add_evidence",
    "add_group",
    "add_suspects",
    "get_case",
    "list_cases",
    "new_case",
    "people",
]

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
ITEM_KINDS = ("evidence", "exhibit")
#: Roles that make a group member a suspect when a whole group is added.
SUSPECT_ROLES = frozenset({*FACILITATOR_ROLES, "suspect"})


@dataclass
class AddResult:
    added: list[str] = field(default_factory=list)
    witnesses: list[tuple[str, str]] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class CaseInfo:
    id: str
    title: str | None
    offences: list[str]
    created_by: str
    created_at: datetime
    suspects: list[dict[str, Any]]
    witnesses: list[dict[str, Any]]
    items: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "offences": self.offences,
            "created_by": self.created_by, "created_at": self.created_at.isoformat(),
            "suspects": self.suspects, "witnesses": self.witnesses, "items": self.items,
        }


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def new_case(session: Session, name: str, offences: Iterable[str], *, title: str | None = None) -> CaseInfo:
    """Create a case charging ``offences`` (keys of the offence list)."""
    ensure_tables(session.con)
    if not _NAME.match(name):
        raise InputError(
            f"case name {name!r}: use letters, digits, '-', '_' or '.', up to 64 characters"
        )
    keys = [get_offence(k).key for k in offences]
    if not keys:
        raise InputError("a case needs at least one offence (--offence s25)")
    exists = session.con.execute("SELECT 1 FROM cases WHERE id = ?", [name]).fetchall()
    if exists:
        raise InputError(f"case {name} already exists")
    with session.transaction():
        session.con.execute(
            "INSERT INTO cases VALUES (?, ?, ?, ?, ?)",
            [name, title, list(dict.fromkeys(keys)), session.user, _now()],
        )
        session.audit("collection", f"case:{name}", offences=keys, title=title)
    return get_case(session, name, audit=False)


def _require_case(session: Session, case: str) -> tuple[Any, ...]:
    ensure_tables(session.con)
    row = session.con.execute(
        "SELECT id, title, offences, created_by, created_at FROM cases WHERE id = ?", [case]
    ).fetchall()
    if not row:
        raise InputError(f"no case {case!r}: create it with `crosslink case new {case} --offence s25`")
    return tuple(row[0])


def people(session: Session, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Canonical id, schema, names and recorded roles of each id, as this session sees them.

    An id may be a record's entity id or a canonical id; unknown or invisible ids are
    absent from the answer. One query over the visible statements of the members.
    """
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    rows = session.sql(
        """
        WITH asked AS (SELECT unnest(?::VARCHAR[]) AS asked),
        canon AS (
            SELECT a.asked, coalesce(c.canonical_id, a.asked) AS cid
            FROM asked a LEFT JOIN canonical c ON c.entity_id = a.asked
        ),
        members AS (
            SELECT k.asked, k.cid, k.cid AS entity_id FROM canon k
            UNION SELECT k.asked, k.cid, c.entity_id FROM canon k JOIN canonical c ON c.canonical_id = k.cid
        )
        SELECT m.asked, m.cid, mode(s.schema) AS schema,
               list(DISTINCT s.value ORDER BY s.value) FILTER (WHERE s.prop = 'name') AS names,
               list(DISTINCT s.value ORDER BY s.value) FILTER (WHERE s.prop = 'x:role') AS roles
        FROM members m JOIN visible_statements s ON s.entity_id = m.entity_id
        GROUP BY m.asked, m.cid
        """,
        params=[wanted],
    ).fetchall()
    return {
        asked: {"id": cid, "schema": schema, "names": names or [], "roles": roles or []}
        for asked, cid, schema, names, roles in rows
    }


def add_suspects(session: Session, case: str, ids: Iterable[str], *, via: str = "analyst") -> AddResult:
    """Add canonical people or organisations as suspects; refuse migrants, victims, witnesses."""
    _require_case(session, case)
    # Ids as the CLI prints them: a unique prefix of an entity or canonical id is enough.
    ids = [resolve_id(session, i) for i in ids]
    found = people(session, ids)
    result = AddResult()
    for asked in ids:
        info = found.get(asked)
        if info is None:
            raise InputError(f"--suspect {asked}: no entity with this id that you may see")
        protected = sorted(set(info["roles"]) & NON_SUSPECT_ROLES)
        if protected:
            raise InputError(
                f"--suspect {asked}: recorded as {', '.join(protected)}; migrants, victims and "
                "witnesses are never suspects"
            )
        if kind_of(info["schema"]) not in ("person", "organisation"):
            raise InputError(f"--suspect {asked}: a {info['schema']} cannot be a suspect (people and organisations only)")
    with session.transaction():
        for asked in ids:
            _insert_suspect(session, case, found[asked]["id"], via, result)
        session.audit("alteration", f"case:{case}", added_suspects=result.added, via=via)
    return result


def _insert_suspect(session: Session, case: str, cid: str, via: str, result: AddResult) -> None:
    done = session.con.execute(
        "SELECT 1 FROM case_suspects WHERE case_id = ? AND entity_id = ?", [case, cid]
    ).fetchall()
    if done:
        result.already.append(cid)
        return
    session.con.execute(
        "INSERT INTO case_suspects VALUES (?, ?, ?, ?, ?)", [case, cid, via, session.user, _now()]
    )
    result.added.append(cid)


def add_group(session: Session, case: str, members: Iterable[str], *, label: str) -> AddResult:
    """Add a whole group (e.g. a Leiden community): people with a facilitation or suspect
    role become suspects; migrants, victims and witnesses become the case's witnesses;
    people with no recorded role, selectors, notes and things are left out (counted)."""
    _require_case(session, case)
    members = list(members)
    found = people(session, members)
    result = AddResult()
    with session.transaction():
        seen: set[str] = set()
        for asked in members:
            info = found.get(asked)
            if info is None or info["id"] in seen:
                continue
            seen.add(info["id"])
            roles = set(info["roles"])
            kind = kind_of(info["schema"])
            protected = sorted(roles & NON_SUSPECT_ROLES)
            if kind == "person" and protected:
                cid = info["id"]
                done = session.con.execute(
                    "SELECT 1 FROM case_witnesses WHERE case_id = ? AND entity_id = ?", [case, cid]
                ).fetchall()
                if not done:
                    session.con.execute(
                        "INSERT INTO case_witnesses VALUES (?, ?, ?, ?, ?, ?)",
                        [case, cid, protected[0], label, session.user, _now()],
                    )
                    result.witnesses.append((cid, protected[0]))
            elif kind in ("person", "organisation") and roles & SUSPECT_ROLES:
                _insert_suspect(session, case, info["id"], label, result)
            else:
                result.skipped.append((info["id"], "no suspect role recorded" if kind == "person" else kind))
        session.audit(
            "alteration", f"case:{case}", group=label, added_suspects=result.added,
            added_witnesses=len(result.witnesses), skipped=len(result.skipped),
        )
    return result


def add_evidence(session: Session, case: str, report_id: str, *, kind: str = "evidence",
                 note: str | None = None) -> bool:
    """Put a report (id, unique id prefix or reference) forward as evidence or an exhibit.
    False if it already was."""
    _require_case(session, case)
    if kind not in ITEM_KINDS:
        raise InputError(f"--kind {kind}: use one of {', '.join(ITEM_KINDS)}")
    row = session.sql(
        # The report's id, a unique prefix of it, or its reference (title) as the force wrote it.
        "SELECT id, protected_source, handling_code, handling_conditions FROM visible_reports "
        "WHERE id = ? OR id LIKE ? || '%' OR title = ? LIMIT 2",
        params=[report_id, report_id, report_id],
    ).fetchall()
    if len(row) != 1:
        raise InputError(f"--evidence {report_id}: {'no report you may see has' if not row else 'more than one report has'} this id")
    rid, protected, code, conditions = row[0]
    why = evidence_policy().reason(protected=protected, code=code, conditions=conditions)
    if why:
        # Never evidence: it is scheduled as sensitive material (MG6D) instead.
        raise InputError(f"--{kind} {report_id}: may not be used as evidence ({why}); "
                         "it is listed on the sensitive schedule")
    with session.transaction():
        done = session.con.execute(
            "SELECT 1 FROM case_items WHERE case_id = ? AND report_id = ?", [case, rid]
        ).fetchall()
        if done:
            return False
        session.con.execute(
            "INSERT INTO case_items VALUES (?, ?, ?, ?, ?, ?)", [case, rid, kind, note, session.user, _now()]
        )
        session.audit("alteration", f"case:{case}", added_item=rid, kind=kind)
    return True


def list_cases(session: Session) -> list[dict[str, Any]]:
    ensure_tables(session.con)
    # Suspects are counted as the session sees them (a suspect known only from a
    # compartment the user is not cleared for is not counted), as in get_case.
    rows = session.sql(
        """
        WITH members AS (
            SELECT s.case_id, s.entity_id AS suspect, s.entity_id FROM case_suspects s
            UNION SELECT s.case_id, s.entity_id, k.entity_id FROM case_suspects s
            JOIN canonical k ON k.canonical_id = s.entity_id
        ), seen AS (
            SELECT m.case_id, count(DISTINCT m.suspect) AS n FROM members m
            SEMI JOIN visible_statements v ON v.entity_id = m.entity_id
            GROUP BY 1
        )
        SELECT c.id, c.title, c.offences, c.created_by, c.created_at, coalesce(seen.n, 0)
        FROM cases c LEFT JOIN seen ON seen.case_id = c.id ORDER BY c.created_at, c.id
        """
    ).fetchall()
    return [
        {"id": r[0], "title": r[1], "offences": list(r[2]), "created_by": r[3],
         "created_at": r[4].isoformat(), "suspects": r[5]}
        for r in rows
    ]


def get_case(session: Session, case: str, *, audit: bool = True) -> CaseInfo:
    """The case with its suspects, witnesses and evidence items (visible ones only)."""
    cid, title, offences, created_by, created_at = _require_case(session, case)
    con = session.con
    suspect_ids = [r[0] for r in con.execute(
        "SELECT entity_id FROM case_suspects WHERE case_id = ? ORDER BY added_at, entity_id", [cid]
    ).fetchall()]
    witness_rows = con.execute(
        "SELECT entity_id, role FROM case_witnesses WHERE case_id = ? ORDER BY added_at, entity_id", [cid]
    ).fetchall()
    found = people(session, [*suspect_ids, *(w[0] for w in witness_rows)])
    suspects = [
        {"id": s, "name": _display(found[s]), "schema": found[s]["schema"], "roles": found[s]["roles"]}
        for s in suspect_ids if s in found
    ]
    witnesses = [
        {"id": w, "name": _display(found[w]), "role": role} for w, role in witness_rows if w in found
    ]
    items = [
        {"report_id": r[0], "kind": r[1], "note": r[2], "title": r[3], "originator": r[4],
         "grading": r[5], "handling": r[6]}
        for r in session.sql(
            """
            SELECT i.report_id, i.kind, i.note, r.title, r.originator, r.grading, r.handling_code
            FROM case_items i JOIN visible_reports r ON r.id = i.report_id
            WHERE i.case_id = ? ORDER BY i.added_at, i.report_id
            """,
            params=[cid],
        ).fetchall()
    ]
    if audit:
        session.audit("consultation", f"case:{cid}", suspects=len(suspects), items=len(items))
    return CaseInfo(cid, title, list(offences), created_by, created_at, suspects, witnesses, items)


def _display(info: dict[str, Any]) -> str:
    names = info.get("names") or []
    # The longest spelling is usually the fullest ("Muhammad AHMED" over "M AHMED").
    return max(names, key=lambda n: (len(n), n)) if names else f"[unnamed {info['id'][:8]}]"
