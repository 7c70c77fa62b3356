"""Erasure (MoPI disposal): reports and entities go for good, with metadata-only logs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crosslink.cli import app
from crosslink.errors import InputError
from crosslink.store import Clearance, Workspace, verify
from crosslink.store.erasure import erase
from crosslink.store.lookup import find_selector

REPO = Path(__file__).resolve().parents[2]
LOG = REPO / "examples" / "intel_log.csv"
MAPPING = REPO / "examples" / "mappings" / "intel_log.yml"
PHONE = "+447912345678"  # stated only by report KNT-24-0002 (Dilan RASHID)


def _ingest(path: Path, source: Path) -> None:
    run = CliRunner().invoke(app, ["ingest", str(source), "--mapping", str(MAPPING), "-w", str(path)])
    assert run.exit_code == 0, run.output


@pytest.fixture
def ws_path(tmp_path: Path) -> Path:
    path = tmp_path / "ws.duckdb"
    Workspace.create(path).close()
    _ingest(path, LOG)
    return path


def _report_id(ws: Workspace, title: str) -> str:
    return str(ws.con.sql("SELECT id FROM reports WHERE title = ?", params=[title]).fetchall()[0][0])


def _counts(ws: Workspace) -> tuple[int, int, int]:
    return tuple(ws.con.sql(  # type: ignore[return-value]
        "SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM statements), "
        "(SELECT count(*) FROM audit_log)").fetchall()[0])


def test_erasing_a_report_removes_it_its_statements_and_its_text(ws_path: Path) -> None:
    with Workspace.open(ws_path) as ws:
        session = ws.session("records-officer", "MoPI review")
        rid = _report_id(ws, "KNT-24-0002")
        assert find_selector(session, PHONE).num_rows > 0
        reports, statements, _ = _counts(ws)
        result = erase(session, "report", [rid], "MoPI review 2026-11: no policing purpose")
        assert result.reports == 1 and result.statements > 0
        assert _counts(ws)[:2] == (reports - 1, statements - result.statements)
        assert ws.con.sql("SELECT count(*) FROM statements WHERE report_id = ?", params=[rid]).fetchall()[0][0] == 0
        assert find_selector(session, PHONE).num_rows == 0
        # Dilan RASHID was stated only there: no entity is left over
        assert result.entities_gone >= 1


def test_the_erasure_log_holds_metadata_only_and_the_chain_holds(ws_path: Path) -> None:
    with Workspace.open(ws_path) as ws:
        session = ws.session("records-officer", "MoPI review")
        erase(session, "report", [_report_id(ws, "KNT-24-0002")], "court order 123")
        action, detail = ws.con.sql(
            "SELECT action, detail FROM audit_log ORDER BY seq DESC LIMIT 1").fetchall()[0]
        assert action == "erasure"
        logged = json.loads(detail)
        assert logged["reason"] == "court order 123" and logged["statements"] > 0
        for erased_value in ("RASHID", "Dilan", "7912", "payments"):
            assert erased_value.lower() not in detail.lower()
        assert verify(ws.con) is None


def test_a_later_ingest_does_not_bring_erased_data_back(ws_path: Path, tmp_path: Path) -> None:
    with Workspace.open(ws_path) as ws:
        erase(ws.session("records-officer", "review"), "report", [_report_id(ws, "KNT-24-0002")], "disposal")
        erased_entity = str(ws.con.sql(
            "SELECT entity_id FROM statements WHERE prop = 'phone' AND value = '+447911123456' LIMIT 1"
        ).fetchall()[0][0])
        erase(ws.session("records-officer", "review"), "entity", [erased_entity], "disposal")
    # the source system re-exports the log with one more row: a different file
    again = tmp_path / "intel_log.csv"
    shutil.copy(LOG, again)
    with again.open("a", encoding="utf-8") as handle:
        handle.write('KNT-24-0099,2024-04-01,1B,P,N200,Soran,QADIR,1991-01-01,IQ,,,"New entry."\n')
        # new intelligence about the erased person (same nominal, a new report)
        handle.write('KNT-24-0100,2024-04-02,2B,P,N100,Karwan,AZIZ,14/06/1988,IQ,07911 123456,,"Seen again."\n')
    run = CliRunner().invoke(
        app, ["ingest", str(again), "--mapping", str(MAPPING), "-w", str(ws_path), "--format", "json"])
    assert run.exit_code == 0, run.output
    assert json.loads(run.output)["erased_skipped"] > 0
    with Workspace.open(ws_path) as ws:
        titles = {r[0] for r in ws.con.sql("SELECT title FROM reports").fetchall()}
        assert "KNT-24-0002" not in titles and "KNT-24-0099" in titles
        # what the old reports said about the erased person stays erased; the new
        # report's statements about him are new intelligence and are kept
        stated_by = {r[0] for r in ws.con.sql(
            "SELECT r.title FROM statements s JOIN reports r ON r.id = s.report_id "
            "WHERE s.entity_id = ?", params=[erased_entity]).fetchall()}
        assert stated_by == {"KNT-24-0100"}


def test_erasing_an_entity_removes_it_everywhere_and_what_was_derived(ws_path: Path) -> None:
    with Workspace.open(ws_path) as ws:
        session = ws.session("records-officer", "review")
        from crosslink.resolve.workspace import resolve_workspace

        resolve_workspace(session)
        person = str(ws.con.sql(
            "SELECT entity_id FROM statements WHERE prop = 'phone' AND value = '+447911123456' "
            "AND schema = 'Person' LIMIT 1").fetchall()[0][0])
        reports_before = ws.con.sql(
            "SELECT count(DISTINCT report_id) FROM statements WHERE entity_id = ?", params=[person]
        ).fetchall()[0][0]
        assert reports_before >= 2  # stated by several reports
        assert ws.con.sql("SELECT count(*) FROM canonical WHERE entity_id = ?", params=[person]).fetchall()[0][0]
        result = erase(session, "entity", [person], "erasure request upheld")
        assert result.entities_gone == 1
        for sql in ("SELECT count(*) FROM statements WHERE entity_id = ?",
                    "SELECT count(*) FROM canonical WHERE entity_id = ?",
                    "SELECT count(*) FROM resolution_pairs WHERE a = ? OR b = ?"):
            params = [person] * sql.count("?")
            assert ws.con.sql(sql, params=params).fetchall()[0][0] == 0
        # the reports stay (their text is theirs), and the next resolution is a full run
        assert ws.con.sql("SELECT count(*) FROM reports").fetchall()[0][0] == 4
        assert resolve_workspace(session)["mode"] == "full"


def test_an_unknown_or_hidden_id_changes_nothing(ws_path: Path) -> None:
    with Workspace.open(ws_path) as ws:
        before = _counts(ws)
        with pytest.raises(InputError, match="no-such-report"):
            erase(ws.session("officer", "review"), "report", ["no-such-report"], "review")
        rid = _report_id(ws, "KNT-24-0001")
        # a user not cleared for the report's compartment cannot erase it
        outsider = ws.session("outsider", "review", clearance=Clearance(compartments=frozenset({"OTHER"})))
        with pytest.raises(InputError, match="that you may see"):
            erase(outsider, "report", [rid], "review")
        with pytest.raises(InputError, match="why"):
            erase(ws.session("officer", "review"), "report", [rid], "  ")
        assert _counts(ws) == before


def test_cli_erase(ws_path: Path) -> None:
    with Workspace.open(ws_path) as ws:
        rid = _report_id(ws, "KNT-24-0004")
    runner = CliRunner()
    run = runner.invoke(app, ["erase", "--report", rid, "-w", str(ws_path)])
    assert run.exit_code == 1 and "why" in run.output
    run = runner.invoke(app, ["erase", "--report", rid, "--reason", "MoPI review", "-w", str(ws_path)])
    assert run.exit_code == 0, run.output
    assert "Erased 1 report(s)" in run.output
    run = runner.invoke(app, ["erase", "--report", rid, "--entity", "x", "--reason", "r", "-w", str(ws_path)])
    assert run.exit_code == 1 and "one kind per call" in run.output
