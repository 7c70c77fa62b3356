"""The referral queue: triaged posts an analyst refers to the platform that hosts them.

A post enters the queue as ``new`` with an **evidence snapshot**: the post exactly as
captured (canonical JSON), its SHA-256 and the capture time, so what was referred can
be shown later to be what was seen, whatever the platform does to it. Each post is
also a **report** (originator: the platform, open-source, graded and handled like any
other report), so compartments, handling codes and sanitisation apply to the queue
through the session's ``visible_reports`` view: a referral whose report a user may
not see is absent from lists and counts and is :class:`NotFound` by id.

Statuses, per platform::

    new ──► referred ──► removed      the platform took it down
     │          ├──────► rejected     the platform declined
     │          └──────► no_action    no answer, or the platform did nothing
     └──► no_action                   the analyst decided not to refer

Every transition is a row of ``referral_events`` and an audit entry (referring is a
*disclosure* to the platform; the others are *alterations*). When a post is
referred its selectors are **linked into the network**: the posting account becomes
a FtM ``UserAccount`` with the advert's phones and e-mails as its properties, and
each handle the advert names is an account linked to it (``UnknownLink``, role
"contact in advert"). :mod:`crosslink.network` then shows a phone that is also in a
seized handset as a shared selector node, and :func:`leads` lists such matches.
Only referred posts are linked: an unconfirmed triage guess stays out of the network.

Plain functions over a :class:`~crosslink.store.Session` (the CLI and the web service
call the same ones). Every write runs in one transaction; re-running an enqueue or
a link adds nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from crosslink.errors import InputError
from crosslink.model.grading import GradingError, parse_marking
from crosslink.model.handling import parse_handling
from crosslink.model.report import REPORT_SCHEMA, make_id
from crosslink.model.statement import STATEMENT_SCHEMA
from crosslink.online.triage import POST_FIELDS, Scored
from crosslink.store.session import Session
from crosslink.store.sql import one

__all__ = [
    "DEFAULT_GRADING",
    "OUTCOMES",
    "STATUSES",
    "TRANSITIONS",
    "EnqueueResult",
    "NotFound",
    "Referral",
    "enqueue",
    "get_referral",
    "leads",
    "list_referrals",
    "outcome_stats",
    "snapshot_of",
    "transition",
    "verify_snapshot",
]

STATUSES = ("new", "referred", "removed", "rejected", "no_action")
#: Where each status may go; the last three are final.
TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"referred", "no_action"}),
    "referred": frozenset({"removed", "rejected", "no_action"}),
    "removed": frozenset(),
    "rejected": frozenset(),
    "no_action": frozenset(),
}
#: What a platform can answer to a referral.
OUTCOMES = ("removed", "rejected", "no_action")
#: A captured post, by default: an untested source (2); what it says is known to us
#: only as what the poster claims (C). Handling P: lawful sharing permitted (it is
#: public). Both can be set per enqueue.
DEFAULT_GRADING = "2C"
DEFAULT_HANDLING = "P"
DATASET = "online"
CONTACT_ROLE = "contact in advert"


class NotFound(InputError):
    """No referral with this id that the session may see (the service answers 404)."""


@dataclass
class Referral:
    id: str
    platform: str
    post_id: str
    report_id: str
    status: str
    label: str
    score: float
    indicators: list[str]
    selectors: list[dict[str, Any]]
    lang: str | None
    campaign: str | None
    content_sha256: str
    captured_at: datetime
    created_by: str
    updated_at: datetime
    platform_ref: str | None
    snapshot: dict[str, Any] | None = None
    events: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k not in ("snapshot", "events")}
        out["captured_at"] = self.captured_at.isoformat()
        out["updated_at"] = self.updated_at.isoformat()
        if self.snapshot is not None:
            out["snapshot"] = self.snapshot
        if self.events:
            out["events"] = self.events
        return out


@dataclass
class EnqueueResult:
    added: int = 0
    already: int = 0  # in the queue from an earlier run (nothing changed)
    benign: int = 0  # triaged benign (or under the score floor): not queued
    erased: int = 0  # its report was erased: never queued again
    ids: list[str] = field(default_factory=list)


def referral_id(platform: str, post_id: str) -> str:
    return make_id("referral", platform.strip().lower(), post_id)


def snapshot_of(post: dict[str, Any]) -> tuple[str, str]:
    """The evidence snapshot of a post (canonical JSON of its fields as captured) and
    its SHA-256. Canonical (sorted keys, no spaces) so the hash is reproducible."""
    body = {k: post[k] for k in sorted(post) if k in POST_FIELDS and post[k] is not None}
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text, hashlib.sha256(text.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)  # naive UTC, as the audit log


def enqueue(
    session: Session,
    scored: Iterable[Scored],
    *,
    min_score: float | None = None,
    grading: str = DEFAULT_GRADING,
    handling: str = DEFAULT_HANDLING,
    compartment: str | None = None,
    source: str | None = None,
) -> EnqueueResult:
    """Put the posts triage would refer (label not benign, score at least ``min_score``
    when given) in the queue as ``new``, each with its snapshot and its report.

    A post already queued (same platform and post id) is left as it is: the first
    capture is the evidence. One transaction; O(posts).
    """
    try:
        grade, inline = parse_marking(grading)
        hcode = inline or parse_handling(handling)
    except GradingError as exc:
        raise InputError(str(exc), column="grading") from None
    result = EnqueueResult()
    now = _now()
    rows: list[dict[str, Any]] = []
    reports: list[dict[str, Any]] = []
    for s in scored:
        if s.label == "benign" or (min_score is not None and s.score < min_score):
            result.benign += 1
            continue
        post = s.post or {"id": s.id}
        platform = str(post.get("platform") or "unknown").strip().lower()
        rid = referral_id(platform, s.id)
        snapshot, sha = snapshot_of(post)
        report_id = make_id("online-post", platform, s.id)
        reports.append({
            "id": report_id, "title": f"{platform} post {s.id}", "originator": platform,
            "originator_kind": "open-source", "reported_at": post.get("time"), "compartment": compartment,
            "protected_source": False, "grading_scheme": grade.scheme, "grading_source": grade.source,
            "grading_info": grade.info, "grading": str(grade), "handling_code": hcode.code,
            "handling_conditions": hcode.conditions, "source_file": source, "source_sha256": sha,
            "ingest_id": None, "text": str(post.get("text") or ""),
        })
        rows.append({
            "id": rid, "platform": platform, "post_id": s.id, "report_id": report_id, "status": "new",
            "label": s.label, "score": float(s.score), "indicators": list(s.indicators),
            "selectors": json.dumps(s.selectors, ensure_ascii=False), "lang": s.lang, "campaign": s.campaign,
            "snapshot": snapshot, "content_sha256": sha, "captured_at": now, "created_by": session.user,
            "updated_at": now, "platform_ref": None,
        })
    if not rows:
        return result
    con = session.con
    with session.transaction():
        # Same post twice in one input: the first one counts.
        unique = list({r["id"]: r for r in reversed(rows)}.values())[::-1]
        existing = {r[0] for r in con.execute(
            "SELECT id FROM referrals WHERE id IN (SELECT unnest(?::VARCHAR[]))", [[r["id"] for r in unique]]
        ).fetchall()}
        # a post whose report was erased (MoPI disposal) stays erased
        erased = {r[0] for r in con.execute(
            "SELECT target FROM erasures WHERE kind = 'report' AND target IN (SELECT unnest(?::VARCHAR[]))",
            [[r["report_id"] for r in unique]],
        ).fetchall()}
        new = [r for r in unique if r["id"] not in existing and r["report_id"] not in erased]
        result.erased = sum(r["report_id"] in erased for r in unique)
        result.already = len(rows) - len(new) - result.erased
        if new:
            keep = {r["report_id"] for r in new}
            session.write_reports(pa.Table.from_pylist([r for r in reports if r["id"] in keep],
                                                       schema=REPORT_SCHEMA))
            con.register("_new_referrals", pa.Table.from_pylist(new))
            try:
                con.execute("INSERT INTO referrals BY NAME SELECT * FROM _new_referrals")
            finally:
                con.unregister("_new_referrals")
            con.executemany(
                "INSERT INTO referral_events VALUES (?, 1, NULL, 'new', ?, ?, ?)",
                [[r["id"], session.user, now, f"triage {r['label']} {r['score']:.2f}"] for r in new],
            )
            session.audit("collection", "online-queue", added=len(new), source=source)
        result.added = len(new)
        result.ids = [r["id"] for r in new]
    return result


# -- reads (through visible_reports: a hidden post is absent) ------------------

_COLUMNS = ("id, platform, post_id, report_id, status, label, score, indicators, selectors, lang, campaign, "
            "content_sha256, captured_at, created_by, updated_at, platform_ref")


def _referral(row: tuple[Any, ...]) -> Referral:
    (rid, platform, post_id, report_id, status, label, score, indicators, selectors, lang, campaign,
     sha, captured, by, updated, ref) = row[:16]
    return Referral(rid, platform, post_id, report_id, status, label, float(score or 0.0), list(indicators or []),
                    json.loads(selectors or "[]"), lang, campaign, sha, captured, by, updated, ref)


def list_referrals(
    session: Session,
    *,
    status: str | None = None,
    platform: str | None = None,
    label: str | None = None,
    campaign: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Referral]:
    """Referrals the session may see, highest score first (then newest). Audited as a
    consultation."""
    if status is not None and status not in STATUSES:
        raise InputError(f"unknown status {status!r}: use one of {', '.join(STATUSES)}", column="status")
    rows = session.sql(
        f"""
        SELECT {_COLUMNS} FROM referrals q SEMI JOIN visible_reports r ON q.report_id = r.id
        WHERE (?::VARCHAR IS NULL OR q.status = ?) AND (?::VARCHAR IS NULL OR q.platform = lower(?))
          AND (?::VARCHAR IS NULL OR q.label = ?) AND (?::VARCHAR IS NULL OR q.campaign = ?)
        ORDER BY q.score DESC, q.captured_at DESC, q.id LIMIT ? OFFSET ?
        """,  # noqa: S608  (fixed column list)
        params=[status, status, platform, platform, label, label, campaign, campaign, limit, offset],
    ).fetchall()
    session.audit("consultation", "online-queue", listed=len(rows), status=status, platform=platform)
    return [_referral(r) for r in rows]


def _find(session: Session, text: str) -> str:
    """The one visible referral id ``text`` is or begins (at least 6 characters)."""
    key = text.strip().lower()
    if len(key) < 6:
        raise NotFound(f"no referral {text!r}: give at least 6 characters of its id")
    rows = session.con.execute(
        "SELECT q.id FROM referrals q SEMI JOIN visible_reports r ON q.report_id = r.id "
        "WHERE starts_with(q.id, ?) ORDER BY q.id LIMIT 3", [key],
    ).fetchall()
    if not rows:
        raise NotFound(f"no referral {text!r}")
    if len(rows) > 1 and rows[0][0] != key:
        raise InputError(f"{text!r} begins several referrals ({', '.join(r[0][:12] for r in rows)}...)")
    return str(rows[0][0])


def get_referral(session: Session, rid: str) -> Referral:
    """One referral with its snapshot and its events (audited as a consultation)."""
    rid = _find(session, rid)
    row = one(session.con.execute(f"SELECT {_COLUMNS}, snapshot FROM referrals WHERE id = ?", [rid]))  # noqa: S608
    assert row is not None
    ref = _referral(row)
    ref.snapshot = json.loads(row[16])
    ref.events = [
        {"seq": seq, "from": a, "to": b, "user": user, "at": at.isoformat(), "note": note}
        for seq, a, b, user, at, note in session.con.execute(
            "SELECT seq, from_status, to_status, username, changed_at, note FROM referral_events "
            "WHERE referral_id = ? ORDER BY seq", [rid],
        ).fetchall()
    ]
    session.audit("consultation", f"referral:{rid}")
    return ref


def verify_snapshot(session: Session, rid: str) -> bool:
    """Whether the stored snapshot still hashes to its recorded SHA-256."""
    rid = _find(session, rid)
    row = one(session.con.execute("SELECT snapshot, content_sha256 FROM referrals WHERE id = ?", [rid]))
    assert row is not None
    return hashlib.sha256(str(row[0]).encode("utf-8")).hexdigest() == row[1]


# -- transitions ---------------------------------------------------------------

def transition(
    session: Session,
    rid: str,
    to: str,
    *,
    note: str | None = None,
    platform_ref: str | None = None,
) -> Referral:
    """Move a referral to ``to`` (see :data:`TRANSITIONS`), recording who, when and
    why; referring links the post's selectors into the network. One transaction."""
    if to not in STATUSES:
        raise InputError(f"unknown status {to!r}: use one of {', '.join(STATUSES)}", column="status")
    rid = _find(session, rid)
    con = session.con
    with session.transaction():
        row = one(con.execute("SELECT status FROM referrals WHERE id = ?", [rid]))
        assert row is not None
        current = str(row[0])
        if to not in TRANSITIONS[current]:
            allowed = ", ".join(sorted(TRANSITIONS[current])) or "nothing (it is final)"
            raise InputError(f"referral {rid[:12]} is {current}: it can go to {allowed}, not {to}")
        if current == "new" and to == "no_action" and not (note and note.strip()):
            raise InputError("say why no action is taken (--note)", column="note")
        now = _now()
        seq = one(con.execute("SELECT coalesce(max(seq), 0) + 1 FROM referral_events WHERE referral_id = ?", [rid]))
        assert seq is not None
        con.execute(
            "UPDATE referrals SET status = ?, updated_at = ?, platform_ref = coalesce(?, platform_ref) WHERE id = ?",
            [to, now, platform_ref, rid],
        )
        con.execute("INSERT INTO referral_events VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [rid, int(seq[0]), current, to, session.user, now, note])
        linked = link_referral(session, rid) if to == "referred" else 0
        session.audit("disclosure" if to == "referred" else "alteration", f"referral:{rid}",
                      status=to, previous=current, note=note, platform_ref=platform_ref, linked=linked)
    return get_referral(session, rid)


# -- the network ---------------------------------------------------------------

def _statements(report_id: str, platform: str, post: dict[str, Any], selectors: list[dict[str, Any]],
                seen: datetime) -> list[dict[str, Any]]:
    """FtM statements for a referred post: the posting account with the advert's
    phones and e-mails, and one linked account per handle the advert names."""
    author = str(post.get("author") or "").strip().lstrip("@").lower()
    poster = make_id(DATASET, "account", platform, author) if author else make_id(DATASET, "post", platform,
                                                                                   post.get("id"))
    out: list[tuple[str, str, str, str]] = [(poster, "UserAccount", "service", platform)]
    if author:
        out.append((poster, "UserAccount", "username", author))
    if post.get("url"):
        out.append((poster, "UserAccount", "sourceUrl", str(post["url"])))
    for sel in selectors:
        kind, value = sel.get("type"), str(sel.get("value"))
        if kind == "phone":
            out.append((poster, "UserAccount", "phone", value))
        elif kind == "email":
            out.append((poster, "UserAccount", "email", value))
        elif kind == "handle" and value != author:
            service = str(sel.get("platform") or platform)
            other = make_id(DATASET, "account", service, value)
            link = make_id(DATASET, "contact", poster, other)
            out += [(other, "UserAccount", "username", value), (other, "UserAccount", "service", service),
                    (link, "UnknownLink", "subject", poster), (link, "UnknownLink", "object", other),
                    (link, "UnknownLink", "role", CONTACT_ROLE)]
    types = {"service": "string", "username": "string", "sourceUrl": "url", "phone": "phone", "email": "email",
             "subject": "entity", "object": "entity", "role": "string"}
    return [
        {"id": make_id(report_id, entity, prop, value), "entity_id": entity, "schema": schema, "prop": prop,
         "prop_type": types[prop], "value": value, "original_value": None, "reason": None, "lang": None,
         "dataset": DATASET, "origin": "online-referral", "first_seen": seen, "last_seen": seen,
         "report_id": report_id, "span_start": None, "span_end": None, "ingest_id": None}
        for entity, schema, prop, value in dict.fromkeys(out)
    ]


def link_referral(session: Session, rid: str) -> int:
    """Write a referral's statements (idempotent: statement ids are content-derived).
    Returns how many were new. Called by :func:`transition` when a post is referred."""
    row = one(session.con.execute("SELECT report_id, platform, snapshot, selectors FROM referrals WHERE id = ?",
                                  [rid]))
    if row is None:
        raise NotFound(f"no referral {rid!r}")
    rows = _statements(row[0], row[1], json.loads(row[2]), json.loads(row[3] or "[]"), _now())
    if not rows:
        return 0
    return session.write_statements(pa.Table.from_pylist(rows, schema=STATEMENT_SCHEMA))


def leads(session: Session, rid: str | None = None) -> list[dict[str, Any]]:
    """Selectors of referred posts (phones, e-mails, account names) that other visible
    reports also hold: a phone in an advert that is also in a seized handset. Phones
    match on E.164, or on the last ten digits of a number another report kept
    uncleaned (``as_written`` shows it as that report wrote it).

    One join of the referred posts' selector statements with every other visible
    statement of the same type and value: O(statements) in DuckDB.
    """
    ref = _find(session, rid) if rid else None
    rows = session.sql(
        """
        WITH posts AS (
          SELECT q.id AS referral_id, q.report_id, q.platform, q.post_id, q.status FROM referrals q
          SEMI JOIN visible_reports r ON q.report_id = r.id
          WHERE q.status <> 'new' AND (?::VARCHAR IS NULL OR q.id = ?)
        ),
        mine AS (
          SELECT p.*, s.prop_type, s.value FROM visible_statements s JOIN posts p ON s.report_id = p.report_id
          WHERE s.reason IS NULL AND (s.prop_type IN ('phone', 'email')
                OR (s.schema = 'UserAccount' AND s.prop = 'username'))
        ),
        others AS (
          SELECT * FROM visible_statements WHERE report_id NOT IN (SELECT report_id FROM referrals)
        ),
        matched AS (
          SELECT m.*, o.entity_id, o.schema, o.prop, o.value AS as_written, o.report_id AS other_report
          FROM mine m JOIN others o ON o.value = m.value AND o.prop_type = m.prop_type AND o.reason IS NULL
          UNION ALL
          -- A number the ingest kept uncleaned (a fiction-range or national number with no
          -- country hint) still matches on its last ten digits: a lead to check, not a merge.
          SELECT m.*, o.entity_id, o.schema, o.prop, o.value, o.report_id
          FROM mine m JOIN others o ON m.prop_type = 'phone' AND o.prop_type = 'phone'
               AND o.reason IS NOT NULL AND length(regexp_replace(o.value, '[^0-9]', '', 'g')) >= 10
               AND right(regexp_replace(o.value, '[^0-9]', '', 'g'), 10) = right(m.value, 10)
        )
        SELECT m.referral_id, m.platform, m.post_id, m.status, m.prop_type, m.value, m.as_written,
               m.entity_id, m.schema, m.prop, r.id AS report_id, r.title, r.grading_scheme, r.grading,
               r.handling_code, r.originator
        FROM matched m JOIN visible_reports r ON m.other_report = r.id
        ORDER BY m.referral_id, m.value, r.title, m.entity_id
        """,
        params=[ref, ref],
    ).fetchall()
    session.audit("consultation", f"referral:{ref}" if ref else "online-leads", leads=len(rows))
    keys = ("referral_id", "platform", "post_id", "status", "type", "value", "as_written", "entity_id", "schema", "prop",
            "report_id", "report_title", "grading_scheme", "grading", "handling_code", "originator")
    return [dict(zip(keys, r, strict=True)) for r in rows]


# -- outcome statistics --------------------------------------------------------

def outcome_stats(session: Session) -> list[dict[str, Any]]:
    """Per platform (and a final ``all`` row): how many posts are in each status, the
    share of answered referrals the platform removed, and the median hours from
    referral to answer. Only referrals the session may see are counted."""
    rows = session.sql(
        """
        WITH q AS (
          SELECT q.* FROM referrals q SEMI JOIN visible_reports r ON q.report_id = r.id
        ),
        referred_at AS (
          SELECT referral_id, min(changed_at) FILTER (WHERE to_status = 'referred') AS sent,
                 min(changed_at) FILTER (WHERE to_status IN ('removed', 'rejected') OR
                                  (to_status = 'no_action' AND from_status = 'referred')) AS answered
          FROM referral_events WHERE referral_id IN (SELECT id FROM q) GROUP BY 1
        )
        SELECT coalesce(q.platform, 'all') AS platform, count(*) AS posts,
               count(*) FILTER (WHERE status = 'new') AS new,
               count(*) FILTER (WHERE status = 'referred') AS referred,
               count(*) FILTER (WHERE status = 'removed') AS removed,
               count(*) FILTER (WHERE status = 'rejected') AS rejected,
               count(*) FILTER (WHERE status = 'no_action' AND e.sent IS NOT NULL) AS no_action,
               count(*) FILTER (WHERE status = 'no_action' AND e.sent IS NULL) AS not_referred,
               median(date_diff('second', e.sent, e.answered) / 3600.0) AS median_hours_to_answer
        FROM q LEFT JOIN referred_at e ON e.referral_id = q.id
        GROUP BY ROLLUP (q.platform)
        ORDER BY q.platform IS NULL, q.platform
        """
    ).fetchall()
    keys = ("platform", "posts", "new", "referred", "removed", "rejected", "no_action", "not_referred",
            "median_hours_to_answer")
    out = []
    for r in rows:
        d = dict(zip(keys, r, strict=True))
        answered = d["removed"] + d["rejected"] + d["no_action"]
        d["sent"] = d["referred"] + answered
        d["removal_rate"] = d["removed"] / answered if answered else None
        out.append(d)
    return out
