"""The facts about a case's suspects, with the report behind each, in one Arrow table.

Everything the summary and the schedules say starts here, read through the session's
visible views (compartments and source sanitisation already applied) and marked with
whether its report may be used as evidence (:class:`~crosslink.cases.offences.
EvidencePolicy`). One fact per row:

=========  ===========================================================================
kind       what the row says
=========  ===========================================================================
role       the suspect's recorded role (``x:role``)
identity   nationality, date of birth, passport or identity number
payment    a Payment the suspect made (payer) or received (beneficiary)
event      an Event the suspect was involved in (an ANPR read, a crossing, a seizure)
link       an UnknownLink/Associate/Family naming the suspect (a seized handset contact)
call       calls between the suspect's phone and another number, per report
mention    an intelligence report whose text names the suspect, or a note with their phone
=========  ===========================================================================

All set-based SQL over the statements (no Python loop over rows): the cost is a few
scans of ``visible_statements`` whatever the number of suspects.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from crosslink.cases.offences import evidence_policy
from crosslink.store.session import Session

__all__ = ["FACT_COLUMNS", "case_facts", "evidential_names", "report_policy", "witness_roles"]

FACT_COLUMNS = (
    "suspect", "kind", "date", "date_end", "side", "counterpart", "counterpart_name",
    "counterpart_role", "detail", "amount", "currency", "count", "report_id", "evidence_id",
)

_IDENTITY_PROPS = ("nationality", "birthDate", "passportNumber", "idNumber")


def report_policy(session: Session) -> pa.Table:
    """Every visible report with the columns a citation needs and ``not_evidence``: why it
    may not be used as evidence (a category naming no source), NULL when it may."""
    policy = evidence_policy()
    rows = session.sql(
        """
        SELECT id, title, originator, grading_scheme, grading, handling_code,
               handling_conditions, coalesce(protected_source, FALSE) AS protected_source,
               reported_at, compartment, text
        FROM visible_reports
        """
    ).to_arrow_table()
    # One Python call per *report* (thousands), not per statement: the policy's regexes
    # are data, and DuckDB's regex dialect differs from Python's.
    reasons = [
        policy.reason(protected=p, code=c, conditions=k)
        for p, c, k in zip(
            rows.column("protected_source").to_pylist(),
            rows.column("handling_code").to_pylist(),
            rows.column("handling_conditions").to_pylist(),
            strict=True,
        )
    ]
    return rows.append_column("not_evidence", pa.array(reasons, pa.string()))


def case_facts(session: Session, case: str) -> pa.Table:
    """Facts about the suspects of ``case`` joined with their report's citation columns."""
    con = session.con
    con.register("_case_reports_arrow", report_policy(session))
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE _case_reports AS SELECT * FROM _case_reports_arrow")
    finally:
        con.unregister("_case_reports_arrow")
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _case_members AS
        WITH s AS (SELECT entity_id AS suspect FROM case_suspects WHERE case_id = ?)
        SELECT suspect, suspect AS entity_id FROM s
        UNION SELECT s.suspect, c.entity_id FROM s JOIN canonical c ON c.canonical_id = s.suspect
        """,
        [case],
    )
    identity = ", ".join(f"'{p}'" for p in _IDENTITY_PROPS)  # constants, not user text
    facts = session.sql(
        f"""
        WITH st AS (SELECT * FROM visible_statements),
        own AS (
            SELECT m.suspect, s.* FROM st s JOIN _case_members m ON s.entity_id = m.entity_id
        ),
        -- link entities (Payment, Event, UnknownLink, ...) naming a suspect
        party AS (
            SELECT DISTINCT m.suspect, s.entity_id AS link, s.schema, s.prop AS side, s.report_id
            FROM st s JOIN _case_members m ON s.value = m.entity_id
            WHERE s.prop_type = 'entity'
        ),
        link_props AS (
            SELECT l.entity_id AS link, l.report_id,
                   max(l.value) FILTER (WHERE l.prop = 'date') AS date,
                   max(l.value) FILTER (WHERE l.prop = 'amount') AS amount,
                   max(l.value) FILTER (WHERE l.prop = 'currency') AS currency,
                   string_agg(DISTINCT l.value, '; ') FILTER (
                       WHERE l.prop IN ('summary', 'description', 'name', 'role', 'location')) AS about,
                   list(DISTINCT l.value) FILTER (WHERE l.prop_type = 'entity') AS parties
            FROM st l WHERE l.entity_id IN (SELECT link FROM party)
            GROUP BY ALL
        ),
        link_parties AS (
            SELECT link, report_id, unnest(parties) AS party FROM link_props
        ),
        link_cp AS (
            SELECT p.suspect, p.link, p.report_id, min(x.party) AS counterpart
            FROM party p JOIN link_parties x ON x.link = p.link AND x.report_id = p.report_id
            ANTI JOIN _case_members m ON m.suspect = p.suspect AND m.entity_id = x.party
            GROUP BY ALL
        ),
        links AS (
            SELECT p.suspect,
                   CASE p.schema WHEN 'Payment' THEN 'payment' WHEN 'Event' THEN 'event' ELSE 'link' END AS kind,
                   lp.date, NULL::VARCHAR AS date_end, p.side, c.counterpart,
                   lp.about AS detail, lp.amount, lp.currency, 1 AS count, p.report_id, p.link AS evidence_id
            FROM party p JOIN link_props lp ON lp.link = p.link AND lp.report_id = p.report_id
            LEFT JOIN link_cp c ON c.suspect = p.suspect AND c.link = p.link AND c.report_id = p.report_id
        ),
        phones AS (SELECT DISTINCT suspect, value AS phone FROM own WHERE prop = 'phone'),
        calls AS (
            SELECT c.entity_id, c.report_id,
                   max(c.value) FILTER (WHERE c.prop = 'callerNumber') AS caller,
                   max(c.value) FILTER (WHERE c.prop = 'receiverNumber') AS receiver,
                   max(c.value) FILTER (WHERE c.prop = 'date') AS date
            FROM st c WHERE c.schema = 'Call' GROUP BY ALL
        ),
        call_legs AS (
            SELECT p.suspect, c.date, c.report_id, c.entity_id, p.phone,
                   c.caller = p.phone AS outgoing,
                   CASE WHEN c.caller = p.phone THEN c.receiver ELSE c.caller END AS other
            FROM calls c JOIN phones p ON p.phone = c.caller
            UNION ALL
            SELECT p.suspect, c.date, c.report_id, c.entity_id, p.phone, FALSE, c.caller
            FROM calls c JOIN phones p ON p.phone = c.receiver AND c.caller <> p.phone
        ),
        call_facts AS (
            SELECT suspect, 'call' AS kind, min(date) AS date, max(date) AS date_end,
                   CASE WHEN bool_and(outgoing) THEN 'caller' WHEN NOT bool_or(outgoing) THEN 'receiver'
                        ELSE 'both' END AS side,
                   other, phone AS detail, count(*) AS count, report_id, min(entity_id) AS evidence_id
            FROM call_legs GROUP BY suspect, phone, other, report_id
        ),
        phone_owner AS (
            SELECT s.value AS phone, min(coalesce(k.canonical_id, s.entity_id)) AS owner
            FROM st s LEFT JOIN canonical k ON k.entity_id = s.entity_id
            WHERE s.prop = 'phone' AND s.schema = 'Person'
              AND s.value IN (SELECT other FROM call_facts)
            GROUP BY 1
        ),
        calls_named AS (
            SELECT f.suspect, f.kind, f.date, f.date_end, f.side,
                   o.owner AS counterpart,
                   f.detail || ' / ' || f.other AS detail, NULL AS amount, NULL AS currency,
                   f.count, f.report_id, f.evidence_id
            FROM call_facts f LEFT JOIN phone_owner o ON o.phone = f.other
            WHERE o.owner IS NULL OR o.owner <> f.suspect
        ),
        mentions AS (
            SELECT DISTINCT o.suspect, 'mention' AS kind, r.reported_at AS date, NULL AS date_end,
                   NULL AS side, NULL AS counterpart, r.text AS detail, NULL AS amount, NULL AS currency,
                   1 AS count, o.report_id, o.entity_id AS evidence_id
            FROM own o JOIN _case_reports r ON r.id = o.report_id
            WHERE r.text IS NOT NULL AND o.prop = 'name'
            UNION ALL
            SELECT DISTINCT p.suspect, 'mention', r.reported_at, NULL, NULL, NULL,
                   coalesce(r.text, 'note mentioning phone ' || p.phone), NULL, NULL, 1,
                   s.report_id, s.entity_id
            FROM st s JOIN phones p ON s.value = p.phone JOIN _case_reports r ON r.id = s.report_id
            WHERE s.prop = 'phoneMentioned'
        ),
        attrs AS (
            SELECT suspect, CASE WHEN prop = 'x:role' THEN 'role' ELSE 'identity' END AS kind,
                   NULL AS date, NULL AS date_end, prop AS side, NULL AS counterpart, value AS detail,
                   NULL AS amount, NULL AS currency, 1 AS count, report_id, id AS evidence_id
            FROM own WHERE prop = 'x:role' OR prop IN ({identity})
        ),
        facts AS (
            SELECT suspect, kind, date, date_end, side, coalesce(k.canonical_id, counterpart) AS counterpart,
                   detail, amount, currency, count, report_id, evidence_id
            FROM (SELECT * FROM links UNION ALL BY NAME SELECT * FROM calls_named
                  UNION ALL BY NAME SELECT * FROM mentions UNION ALL BY NAME SELECT * FROM attrs) f
            LEFT JOIN canonical k ON k.entity_id = f.counterpart
        ),
        -- names and roles of the other parties, from evidential reports only
        cp_members AS (
            SELECT DISTINCT f.counterpart AS cid, f.counterpart AS entity_id FROM facts f
            WHERE f.counterpart IS NOT NULL
            UNION SELECT c.canonical_id, c.entity_id FROM canonical c
            WHERE c.canonical_id IN (SELECT counterpart FROM facts)
        ),
        cp AS (
            SELECT m.cid,
                   arg_max(s.value, length(s.value)) FILTER (WHERE s.prop = 'name') AS name,
                   string_agg(DISTINCT s.value, ', ') FILTER (WHERE s.prop = 'x:role') AS role
            FROM cp_members m JOIN st s ON s.entity_id = m.entity_id
            JOIN _case_reports r ON r.id = s.report_id AND r.not_evidence IS NULL
            GROUP BY 1
        )
        SELECT f.suspect, f.kind, f.date, f.date_end, f.side, f.counterpart,
               cp.name AS counterpart_name, cp.role AS counterpart_role, f.detail,
               f.amount, f.currency, f.count::BIGINT AS count, f.report_id, f.evidence_id,
               r.title, r.originator, r.grading_scheme, r.grading, r.handling_code,
               r.handling_conditions, r.reported_at, r.not_evidence
        FROM facts f JOIN _case_reports r ON r.id = f.report_id
        LEFT JOIN cp ON cp.cid = f.counterpart
        ORDER BY f.suspect, f.date NULLS LAST, f.kind, f.report_id, f.evidence_id
        """  # noqa: S608  (only constant property names are interpolated)
    ).to_arrow_table()
    return facts


def evidential_names(session: Session) -> dict[str, str]:
    """Each suspect's name as the evidential reports spell it (the fullest spelling).

    A name found only in material that may not be evidence (a protected source's
    report) is not used: the case file then names the suspect by id. Run after
    :func:`case_facts` (it reads that call's member and report tables).
    """
    rows = session.sql(
        """
        SELECT m.suspect, arg_max(s.value, length(s.value) * 1000 - ascii(s.value)) AS name
        FROM _case_members m JOIN visible_statements s ON s.entity_id = m.entity_id
        JOIN _case_reports r ON r.id = s.report_id AND r.not_evidence IS NULL
        WHERE s.prop = 'name'
        GROUP BY 1
        """
    ).fetchall()
    return {str(k): str(v) for k, v in rows}


def witness_roles(session: Session, case: str) -> list[dict[str, Any]]:
    """Per recorded role (migrant, victim, witness): how many of the case's witnesses,
    and the evidential reports that record the role (best graded first, up to three)."""
    rows = session.sql(
        """
        WITH w AS (
            SELECT entity_id AS cid, role FROM case_witnesses WHERE case_id = ?
        ), m AS (
            SELECT cid, role, cid AS entity_id FROM w
            UNION SELECT w.cid, w.role, c.entity_id FROM w JOIN canonical c ON c.canonical_id = w.cid
        )
        SELECT m.role, count(DISTINCT m.cid) AS people,
               list(DISTINCT r.id ORDER BY r.id) AS reports
        FROM m JOIN visible_statements s ON s.entity_id = m.entity_id AND s.prop = 'x:role'
                                          AND s.value = m.role
        JOIN _case_reports r ON r.id = s.report_id AND r.not_evidence IS NULL
        GROUP BY 1 ORDER BY 1
        """,
        params=[case],
    ).fetchall()
    return [{"role": role, "people": int(n), "reports": list(reports)} for role, n, reports in rows]
