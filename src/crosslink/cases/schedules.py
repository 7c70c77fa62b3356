"""Disclosure schedules: MG6C (non-sensitive unused material) and MG6D (sensitive).

Item numbers are immutable and consecutive: a report is scheduled once per case and
keeps its number for the life of the case. Material found later goes on a
continuation sheet (sheet 2, 3, ...) whose numbers carry on from the last item of the
schedule, so numbering never restarts, never leaves a gap and never changes when the
schedules are generated again. MG6D descriptions never reveal a source: no
originator, title, text, date or report id, only a neutral description and the
category of sensitivity.

Prosecutor decisions are appended to ``case_decisions`` (the latest one stands, the
earlier ones stay) and audited.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crosslink.cases.tables import ensure_tables
from crosslink.errors import InputError
from crosslink.model.safe import csv_cell
from crosslink.store.session import Session

__all__ = [
    "DECISIONS",
    "SCHEDULES",
    "Material",
    "decide",
    "parse_item",
    "schedule_rows",
    "update_schedules",
    "write_schedule_csv",
    "write_schedule_xlsx",
]

SCHEDULES = ("MG6C", "MG6D")
#: What a prosecutor may decide for an item (CPS Disclosure Manual marks, spelled out).
DECISIONS = ("disclose", "inspect", "clearly-not-disclosable", "withhold", "pii-application")
_PREFIX = {"MG6C": "C", "MG6D": "D"}
COLUMNS = ("item", "sheet", "description", "sensitivity", "decision", "decided_by", "decided_at", "reason")


@dataclass(frozen=True)
class Material:
    """One report to schedule: which schedule, how to describe it, why it is sensitive."""

    report_id: str
    schedule: str
    description: str
    reason: str | None = None


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def update_schedules(session: Session, case: str, material: Iterable[Material]) -> dict[str, int]:
    """Schedule reports not yet on a schedule of this case; returns new items per schedule.

    Already-scheduled reports keep their number and sheet. New items of a schedule that
    already has items form its next continuation sheet. Must run inside the caller's
    transaction or opens its own; audited as an alteration.
    """
    ensure_tables(session.con)
    con = session.con
    done = {r[0] for r in con.execute(
        "SELECT report_id FROM case_schedule WHERE case_id = ?", [case]
    ).fetchall()}
    new: dict[str, list[Material]] = {s: [] for s in SCHEDULES}
    for m in material:
        if m.schedule not in new:
            raise InputError(f"schedule {m.schedule!r}: use {' or '.join(SCHEDULES)}")
        if m.report_id not in done:
            done.add(m.report_id)
            new[m.schedule].append(m)
    added: dict[str, int] = {}
    now = _now()
    for schedule, items in new.items():
        if not items:
            continue
        last, sheets = con.execute(
            "SELECT coalesce(max(number), 0), coalesce(max(sheet), 0) FROM case_schedule "
            "WHERE case_id = ? AND schedule = ?",
            [case, schedule],
        ).fetchall()[0]
        sheet = int(sheets) + 1
        rows = [
            [case, schedule, int(last) + i, sheet, m.report_id,
             m.description.replace("{item}", f"{_PREFIX[schedule]}{int(last) + i}"), m.reason,
             session.user, now]
            for i, m in enumerate(items, start=1)
        ]
        con.executemany("INSERT INTO case_schedule VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        added[schedule] = len(rows)
    if added:
        session.audit("alteration", f"case:{case}", scheduled=added)
    return added


def parse_item(item: str) -> tuple[str, int]:
    """``C12`` -> (MG6C, 12); ``D3`` or ``MG6D:3`` -> (MG6D, 3)."""
    text = item.strip().upper().replace("MG6", "").replace(":", "")
    schedule = {"C": "MG6C", "D": "MG6D"}.get(text[:1])
    if schedule is None or not text[1:].isdigit():
        raise InputError(f"item {item!r}: write C12 for MG6C item 12, D3 for MG6D item 3")
    return schedule, int(text[1:])


def schedule_rows(session: Session, case: str, schedule: str) -> list[dict[str, Any]]:
    """A schedule's items in number order with the standing decision of each.

    Items whose report this session may not see are absent (lists and counts alike).
    """
    ensure_tables(session.con)
    rows = session.sql(
        """
        WITH latest AS (
            SELECT * FROM case_decisions WHERE case_id = ? AND schedule = ?
            QUALIFY row_number() OVER (PARTITION BY number ORDER BY seq DESC) = 1
        )
        SELECT s.number, s.sheet, s.description, s.reason, d.decision, d.username,
               d.decided_at, d.reason AS decision_reason, s.report_id
        FROM case_schedule s SEMI JOIN visible_reports r ON r.id = s.report_id
        LEFT JOIN latest d ON d.number = s.number
        WHERE s.case_id = ? AND s.schedule = ?
        ORDER BY s.number
        """,
        params=[case, schedule, case, schedule],
    ).fetchall()
    prefix = _PREFIX[schedule]
    return [
        {"item": f"{prefix}{n}", "number": n, "sheet": sheet, "description": desc,
         "sensitivity": reason, "decision": decision, "decided_by": who,
         "decided_at": at.isoformat(timespec="seconds") if at else None, "reason": why,
         "report_id": rid}
        for n, sheet, desc, reason, decision, who, at, why, rid in rows
    ]


def decide(session: Session, case: str, item: str, decision: str, *, reason: str | None = None) -> dict[str, Any]:
    """Record the prosecutor's decision on one schedule item (appended and audited)."""
    ensure_tables(session.con)
    if not session.con.execute("SELECT 1 FROM cases WHERE id = ?", [case]).fetchall():
        raise InputError(f"no case {case!r}")
    schedule, number = parse_item(item)
    if decision not in DECISIONS:
        raise InputError(f"--decision {decision}: use one of {', '.join(DECISIONS)}")
    if schedule == "MG6C" and decision in ("withhold", "pii-application"):
        raise InputError(f"{item}: MG6C material is not sensitive; withholding is for MG6D items")
    visible = [r for r in schedule_rows(session, case, schedule) if r["number"] == number]
    if not visible:
        raise InputError(f"case {case}: no item {item} on the {schedule} schedule")
    with session.transaction():
        seq = session.con.execute(
            "SELECT coalesce(max(seq), 0) + 1 FROM case_decisions WHERE case_id = ? AND schedule = ? AND number = ?",
            [case, schedule, number],
        ).fetchall()[0][0]
        session.con.execute(
            "INSERT INTO case_decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [case, schedule, number, seq, decision, reason, session.user, _now()],
        )
        session.audit("alteration", f"case:{case}", item=f"{schedule} {_PREFIX[schedule]}{number}",
                      decision=decision, reason=reason, revision=seq)
    return {"item": f"{_PREFIX[schedule]}{number}", "schedule": schedule, "decision": decision, "revision": seq}


def write_schedule_csv(rows: list[dict[str, Any]], path: Path) -> None:
    """The schedule as CSV for spreadsheets: every cell formula-safe (model.safe.csv_cell)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows([csv_cell(r.get(c)) for c in COLUMNS] for r in rows)


def write_schedule_xlsx(rows: list[dict[str, Any]], path: Path, *, title: str) -> None:
    """The schedule as an XLSX workbook (openpyxl), cells formula-safe as in the CSV."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r in rows:
        # Every cell as text through csv_cell, so no value is ever read as a formula.
        sheet.append([csv_cell(r.get(c)) for c in COLUMNS])
    sheet.column_dimensions["C"].width = 80
    for row in sheet.iter_rows(min_row=2, min_col=3, max_col=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    book.save(path)
