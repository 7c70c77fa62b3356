"""Event dates: every date that is not a date of birth, for the timeline (issue 20)."""

from __future__ import annotations

from pathlib import Path

from crosslink.extract import extract
from crosslink.ingest.pipeline import ingest_file
from crosslink.ingest.reports import ReportOptions
from crosslink.store import Workspace

TEXT = ("KARIMI met SALEH on 3 March 2024 and again 2024-03-10 at the car park; "
        "the deposit was paid on 12/03/2024. KARIMI (DOB 14/06/1988) drove.")


def _dates(text: str, hint: str | None = None) -> list[tuple[str, str]]:
    return [(m.text, m.value) for m in extract(text, hint, events=True) if m.type == "date"]


def test_event_dates_in_words_iso_and_numeric_are_found_and_a_birth_date_stays_a_dob():
    assert _dates(TEXT) == [("3 March 2024", "2024-03-03"), ("2024-03-10", "2024-03-10"),
                            ("12/03/2024", "2024-03-12")]
    assert [m.value for m in extract(TEXT, events=True) if m.type == "dob"] == ["1988-06-14"]


def test_numeric_dates_follow_the_reports_country():
    assert _dates("paid on 3/12/2024") == [("3/12/2024", "2024-12-03")]
    assert _dates("paid on 3/12/2024", "US") == [("3/12/2024", "2024-03-12")]


def test_scorers_and_plain_calls_get_no_event_dates():
    # the annotated sets mark dates as decoys: only callers that ask get them
    assert not [m for m in extract(TEXT) if m.type == "date"]


def test_ingested_report_carries_its_event_dates_with_offsets(tmp_path: Path):
    note = tmp_path / "KNT-24-0100.txt"
    note.write_text(TEXT, encoding="utf-8")
    with Workspace.create(tmp_path / "ws.duckdb") as ws:
        session = ws.session("analyst", "test")
        ingest_file(session, note, options=ReportOptions(grading="2B", handling="P"))
        rows = session.con.execute(
            "SELECT value, span_start, span_end, schema FROM visible_statements "
            "WHERE prop = 'x:eventDate' ORDER BY span_start").fetchall()
    assert [r[0] for r in rows] == ["2024-03-03", "2024-03-10", "2024-03-12"]
    start, end = rows[0][1], rows[0][2]
    assert TEXT[start:end] == "3 March 2024" and {r[3] for r in rows} == {"Note"}
