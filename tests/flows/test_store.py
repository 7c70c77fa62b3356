"""Ingest of published flow files into the workspace: layouts, idempotence, errors, need-to-know."""

from __future__ import annotations

from pathlib import Path

import pyarrow.compute as pc
import pytest

from crosslink.errors import InputError
from crosslink.flows import NotFound, ingest_file, list_series, load_series, read_flow_file
from crosslink.store import Workspace
from crosslink.store.session import Clearance

WEEKLY_HEADER = "n_year,n_week,migrants_arrived,boats_arrived,cumulative_migrants_arrived\n"


def _weekly(path: Path, rows: list[str]) -> Path:
    path.write_text(WEEKLY_HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.shared
def test_every_shared_file_reads_as_published(flows_data: Path) -> None:
    weekly = read_flow_file(next(flows_data.glob("uk_small_boats/*weekly*.csv")))
    assert weekly.layout == "uk-small-boats-weekly"
    people = weekly.points.filter(pc.equal(weekly.points["series_id"], "uk-small-boats/migrants/W"))
    assert people.num_rows == 390
    daily = read_flow_file(next(flows_data.glob("uk_small_boats/*daily*.csv")))
    d = {(r["series_id"], r["date"].isoformat()): r["value"] for r in daily.points.to_pylist()}
    # empty cells are days without recorded crossings: zero, not missing
    assert d[("uk-small-boats/migrants/D", "2018-01-01")] == 0.0
    assert d[("uk-small-boats/migrants/D", "2025-06-30")] == 879.0
    # the publisher's weeks are 7-day blocks from 1 January: daily sums match the weekly file
    w = {r["date"].isoformat(): r["value"] for r in people.to_pylist()}
    week_10_2024 = sum(v for (s, day), v in d.items()
                       if s == "uk-small-boats/migrants/D" and "2024-03-04" <= day <= "2024-03-10")
    assert w["2024-03-04"] == week_10_2024
    frontex = read_flow_file(next(flows_data.glob("frontex/*.csv")))
    ids = set(frontex.series["id"].to_pylist())
    assert {"frontex/detections/all", "frontex/detections/route/central-mediterranean-route"} <= ids
    iom = read_flow_file(next(flows_data.glob("iom_missing_migrants/*.csv")))
    total = sum(r["value"] for r in iom.points.to_pylist() if r["series_id"] == "iom-mmp/dead-or-missing/all")
    assert total == 75_068  # as SOURCE.md states


def test_reingest_adds_nothing_and_new_edition_replaces(workspace: Workspace, tmp_path: Path) -> None:
    session = workspace.session("analyst", "monitoring")
    first = _weekly(tmp_path / "weekly.csv", ["2025,1,100,2,100", "2025,2,,,100"])
    r1 = ingest_file(session, first)
    assert sorted(r1.new) == ["uk-small-boats/boats/W", "uk-small-boats/migrants/W"]
    r2 = ingest_file(session, first)
    assert r2.new == [] and r2.updated == [] and r2.unchanged == 2
    meta, points = load_series(session, "uk-small-boats/migrants/W")
    assert points.to_pylist() == [
        {"date": points["date"][0].as_py(), "value": 100.0},
        {"date": points["date"][1].as_py(), "value": 0.0},
    ]
    assert str(points["date"][1].as_py()) == "2025-01-08"
    assert meta["grading"] == "1B" and meta["handling_code"] == "P"
    later = _weekly(tmp_path / "weekly2.csv", ["2025,1,100,2,100", "2025,2,,,100", "2025,3,50,1,150"])
    r3 = ingest_file(session, later)
    assert len(r3.updated) == 2
    meta3, points3 = load_series(session, "uk-small-boats/migrants/W")
    assert points3.num_rows == 3 and meta3["report_id"] != meta["report_id"]
    n = workspace.con.execute("SELECT count(*) FROM flow_points").fetchall()[0][0]
    assert n == 6
    actions = [r[0] for r in workspace.con.execute("SELECT action FROM audit_log ORDER BY seq").fetchall()]
    assert "collection" in actions and "alteration" in actions and "consultation" in actions


def test_bad_row_names_file_row_and_column_and_leaves_workspace(workspace: Workspace, tmp_path: Path) -> None:
    session = workspace.session("analyst", "monitoring")
    bad = _weekly(tmp_path / "bad.csv", ["2025,1,100,2,100", "2025,2,lots,1,100"])
    with pytest.raises(InputError) as err:
        ingest_file(session, bad)
    assert str(err.value) == f"{bad}, row 3, column 'migrants_arrived': 'lots' is not a count (a number >= 0)"
    assert list_series(session).num_rows == 0
    negative = _weekly(tmp_path / "neg.csv", ["2025,54,1,1,1"])
    with pytest.raises(InputError, match="row 2, column 'n_week'"):
        ingest_file(session, negative)
    unknown = tmp_path / "other.csv"
    unknown.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="unrecognised layout"):
        ingest_file(session, unknown)


def test_series_in_a_compartment_is_invisible_without_clearance(workspace: Workspace, tmp_path: Path) -> None:
    admin = workspace.session("admin", "setup")
    ingest_file(admin, _weekly(tmp_path / "w.csv", ["2025,1,100,2,100"]), compartment="op-kestrel")
    outsider = workspace.session("someone", "monitoring", clearance=Clearance(compartments=frozenset({"other"})))
    assert list_series(outsider).num_rows == 0
    with pytest.raises(NotFound):
        load_series(outsider, "uk-small-boats/migrants/W")
    cleared = workspace.session("a", "m", clearance=Clearance(compartments=frozenset({"op-kestrel"})))
    assert list_series(cleared).num_rows == 2


def test_erasing_the_report_erases_its_series_points(workspace: Workspace, tmp_path: Path) -> None:
    from crosslink.store.erasure import erase

    admin = workspace.session("admin", "setup")
    ingest_file(admin, _weekly(tmp_path / "w.csv", ["2025,1,100,2,100", "2025,2,50,1,150"]))
    reports = {r[0] for r in workspace.con.execute("SELECT report_id FROM flow_series").fetchall()}
    assert len(reports) == 1
    erase(admin, "report", sorted(reports), "MoPI review: no policing purpose")
    assert workspace.con.execute("SELECT count(*) FROM flow_points").fetchone() == (0,)
    assert list_series(admin).num_rows == 0
