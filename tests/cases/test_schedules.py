"""Disclosure schedules: numbers immutable and gapless across continuations and re-generation."""

from __future__ import annotations

import csv

import pytest

from crosslink.cases import add_group, build_case_file, decide, new_case, schedule_rows
from crosslink.cases.schedules import Material, update_schedules, write_schedule_csv
from crosslink.errors import InputError
from crosslink.store import verify

from .conftest import biggest_group_with_suspects


def _numbers(session, case):  # type: ignore[no-untyped-def]
    return {s: {r["report_id"]: (r["number"], r["sheet"]) for r in schedule_rows(session, case, s)}
            for s in ("MG6C", "MG6D")}


def _gapless(numbers: dict[str, tuple[int, int]]) -> bool:
    return sorted(n for n, _ in numbers.values()) == list(range(1, len(numbers) + 1))


def test_numbers_survive_regeneration_and_continue_on_continuation_sheets(ws, scenario):
    session = ws.session("disclosure-officer", "case file test")
    new_case(session, "OP-1", ["s25"])
    groups = sorted(scenario["data"]["communities"], key=lambda g: -g["size"])
    number, members = biggest_group_with_suspects(scenario["data"], ws)
    add_group(session, "OP-1", members, label=f"group {number}")
    # some sensitive material, so both schedules have items
    rid = ws.con.sql(
        "SELECT id FROM reports WHERE text IS NOT NULL AND NOT coalesce(protected_source, FALSE) ORDER BY id"
    ).fetchall()
    for (r,) in rid[:5]:
        ws.con.execute("UPDATE reports SET protected_source = TRUE WHERE id = ?", [r])
    session = ws.session("disclosure-officer", "case file test")
    build_case_file(session, "OP-1", with_network=False)
    first = _numbers(session, "OP-1")
    assert first["MG6C"] or first["MG6D"]
    # regenerating changes nothing
    again = build_case_file(session, "OP-1", with_network=False)
    assert again.new_items == {} and _numbers(session, "OP-1") == first
    # a second group brings new material: it goes on sheet 2, numbered on from sheet 1
    other = next(g for g in groups if g["id"] != number and g["size"] > 20)
    add_group(session, "OP-1", other["members"], label=f"group {other['id']}")
    grown = build_case_file(session, "OP-1", with_network=False)
    assert grown.new_items, "the second group adds unused material"
    later = _numbers(session, "OP-1")
    for schedule in ("MG6C", "MG6D"):
        for report, (n, sheet) in first[schedule].items():
            assert later[schedule][report] == (n, sheet), "an item never changes number or sheet"
        assert _gapless(later[schedule])
        new = {r: v for r, v in later[schedule].items() if r not in first[schedule]}
        if new and first[schedule]:
            assert {sheet for _, sheet in new.values()} == {max(s for _, s in first[schedule].values()) + 1}
            assert min(n for n, _ in new.values()) == max(n for n, _ in first[schedule].values()) + 1
    assert verify(ws.con) is None


def test_a_failed_update_leaves_the_schedule_as_it_was(ws, monkeypatch):
    session = ws.session("disclosure-officer", "case file test")
    new_case(session, "OP-1", ["s25"])
    reports = [r[0] for r in ws.con.sql("SELECT id FROM reports ORDER BY id LIMIT 3").fetchall()]
    with session.transaction():
        update_schedules(session, "OP-1", [Material(reports[0], "MG6C", "first")])
    with pytest.raises(InputError, match="MG6X"):
        update_schedules(session, "OP-1", [Material(reports[1], "MG6X", "bad schedule")])

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(session, "audit", broken)  # fails after the rows are written
    with pytest.raises(RuntimeError), session.transaction():
        update_schedules(session, "OP-1", [Material(reports[1], "MG6C", "second")])
    rows = schedule_rows(session, "OP-1", "MG6C")
    assert [(r["number"], r["report_id"]) for r in rows] == [(1, reports[0])]


def test_decisions_are_recorded_audited_and_the_latest_stands(ws):
    session = ws.session("prosecutor", "charging decision")
    new_case(session, "OP-1", ["s25"])
    rid = ws.con.sql("SELECT id FROM reports ORDER BY id LIMIT 2").fetchall()
    with session.transaction():
        update_schedules(session, "OP-1", [Material(rid[0][0], "MG6C", "c"), Material(rid[1][0], "MG6D", "d", "source protection")])
    decide(session, "OP-1", "C1", "inspect")
    decide(session, "OP-1", "C1", "disclose", reason="undermines the prosecution case")
    decide(session, "OP-1", "D1", "withhold", reason="PII")
    rows = schedule_rows(session, "OP-1", "MG6C")
    assert rows[0]["decision"] == "disclose" and rows[0]["decided_by"] == "prosecutor"
    history = ws.con.sql("SELECT decision FROM case_decisions WHERE schedule = 'MG6C' ORDER BY seq").fetchall()
    assert [h[0] for h in history] == ["inspect", "disclose"]
    audited = ws.con.sql("SELECT detail FROM audit_log WHERE action = 'alteration' AND detail LIKE '%decision%'").fetchall()
    assert len(audited) == 3
    with pytest.raises(InputError, match="no item C9"):
        decide(session, "OP-1", "C9", "disclose")
    with pytest.raises(InputError, match="use one of"):
        decide(session, "OP-1", "C1", "shred")
    with pytest.raises(InputError, match="withholding is for MG6D"):
        decide(session, "OP-1", "C1", "withhold")
    assert verify(ws.con) is None


def test_schedule_csv_neutralises_formulas(tmp_path):
    rows = [{"item": "C1", "sheet": 1, "description": "=HYPERLINK(\"http://x\",\"click\")",
             "sensitivity": None, "decision": "+cmd|' /C calc'!A0", "decided_by": "@me"}]
    path = tmp_path / "mg6c.csv"
    write_schedule_csv(rows, path)
    row = next(csv.DictReader(path.open(encoding="utf-8")))
    assert row["description"].startswith("'=") and row["decision"].startswith("'+")
    assert row["decided_by"] == "'@me" and row["sheet"] == "1"
