"""Imports of partner packages keep the partner's grading scheme and handling code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crosslink.errors import InputError
from crosslink.share.export import export, plan
from crosslink.share.imports import import_ftm, import_stix
from crosslink.store import Workspace

STIX = Path("formats") / "stix2.1"


def test_a_crosslink_ftm_package_imports_with_each_reports_marking(workspace, tmp_path):
    out = tmp_path / "to-nca.ftm.json"
    export(workspace.session("ana", "t"), "nca", "ftm", out, justification="joint op")
    sent = plan(workspace.session("ana", "t"), "nca").released.to_pylist()
    with Workspace.create(tmp_path / "nca.duckdb") as nca:
        s = nca.session("nca-officer", "import")
        result = import_ftm(s, out, partner="Kent Police")
        got = nca.con.execute(
            """SELECT s.entity_id, s.prop, s.value, r.grading_scheme, r.grading, r.handling_code,
                      r.handling_conditions, r.originator, r.originator_kind
               FROM statements s JOIN reports r ON s.report_id = r.id"""
        ).fetchall()
        again = import_ftm(s, out, partner="Kent Police")
        assert again.new_statements == 0 and nca.con.execute("SELECT count(*) FROM statements").fetchall()[0][0] == len(got)
    expected = {(r["entity_id"], r["prop"], r["value"], r["grading_scheme"], r["grading"], r["handling_code"],
                 r["handling_conditions"]) for r in sent if not r["prop"].startswith("x:")}
    assert {row[:7] for row in got} == expected
    assert {row[7:] for row in got} == {("Kent Police", "partner")}
    assert result.reports == len({r["report_id"] for r in sent if not r["prop"].startswith("x:")})
    # Europol H1 stays H1, with its 4x4 grading
    assert any(row[3] == "europol-4x4" and row[5] == "H1" for row in got)


def test_a_plain_ftm_stream_needs_the_partners_marking(tmp_path):
    path = tmp_path / "plain.ftm.json"
    path.write_text(json.dumps({"id": "x1", "schema": "Person", "properties": {"name": ["Ana Lee"]}}) + "\n", "utf-8")
    with Workspace.create(tmp_path / "ws.duckdb") as ws:
        s = ws.session("u", "import")
        with pytest.raises(InputError, match=r"plain.ftm.json, row 1: no marking"):
            import_ftm(s, path, partner="Gendarmerie")
        result = import_ftm(s, path, partner="Gendarmerie", grading="B2", scheme="europol-4x4", handling="H3",
                            conditions="not for court")
        assert result.entities == 1
        assert ws.con.execute("SELECT grading, handling_code, handling_conditions FROM reports").fetchall() == [
            ("B2", "H3", "not for court")]


def test_bad_markings_stop_before_anything_is_written(tmp_path):
    path = tmp_path / "bad.ftm.json"
    good = {"id": "a", "schema": "Person", "properties": {}, "statements": [
        {"entity_id": "a", "prop": "name", "value": "A", "origin": json.dumps({"report": "r1", "scheme": "uk-3x5x2", "grading": "1B", "handling": "P"})}]}
    bad = {"id": "b", "schema": "Person", "properties": {}, "statements": [
        {"entity_id": "b", "prop": "name", "value": "B", "origin": json.dumps({"report": "r2", "scheme": "uk-3x5x2", "grading": "9Z", "handling": "P"})}]}
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", "utf-8")
    with Workspace.create(tmp_path / "ws.duckdb") as ws:
        with pytest.raises(InputError, match=r"row 2, column 'statements.origin': invalid uk-3x5x2 grading"):
            import_ftm(ws.session("u", "import"), path, partner="P")
        assert ws.con.execute("SELECT count(*) FROM statements").fetchall() == [(0,)]


@pytest.mark.shared
def test_stix_bundle_imports_actors_and_relationships(shared_data, tmp_path):
    with Workspace.create(tmp_path / "ws.duckdb") as ws:
        result = import_stix(ws.session("u", "import"), shared_data / STIX / "threat-report-apt1.json", partner="CERT-EU")
        schemas = dict(ws.con.execute("SELECT schema, count(DISTINCT entity_id) FROM statements GROUP BY 1").fetchall())
        marks = set(ws.con.execute("SELECT grading_scheme, grading, handling_code FROM reports").fetchall())
    assert schemas["LegalEntity"] == 5 and schemas["Organization"] >= 1
    assert schemas.get("UnknownLink", 0) >= 1
    assert result.skipped_objects["indicator"] == 12
    assert marks == {("admiralty", "F6", "C")}  # no TLP and no confidence: cannot be judged, ask the provider


@pytest.mark.shared
def test_stix_tlp_red_becomes_no_further_dissemination_and_is_never_shared(shared_data, tmp_path):
    with Workspace.create(tmp_path / "ws.duckdb") as ws:
        s = ws.session("u", "import")
        import_stix(s, shared_data / STIX / "interop-objectmarking-test.json", partner="CERT-EU")
        assert ws.con.execute("SELECT handling_code, handling_conditions FROM reports").fetchall() == [
            ("5", "TLP:RED: named recipients only, no further disclosure")]
        for to in ("uk-force", "nca", "europol", "eu-member-state", "cps"):
            assert plan(s, to).released.num_rows == 0


def test_stix_tlp_amber_carries_its_condition(tmp_path):
    bundle = {"type": "bundle", "id": "bundle--1", "objects": [
        {"type": "identity", "spec_version": "2.1", "id": "identity--1", "name": "Ana Lee", "identity_class": "individual",
         "confidence": 75, "object_marking_refs": ["marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"]}]}
    path = tmp_path / "b.json"
    path.write_text(json.dumps(bundle), "utf-8")
    with Workspace.create(tmp_path / "ws.duckdb") as ws:
        import_stix(ws.session("u", "import"), path, partner="CERT-EU", source_reliability="B")
        assert ws.con.execute("SELECT grading, handling_code, handling_conditions FROM reports").fetchall() == [
            ("B2", "C", "TLP:AMBER: recipient's organisation and its clients, need-to-know only")]
        assert ws.con.execute("SELECT schema, value FROM statements WHERE prop = 'name'").fetchall() == [("Person", "Ana Lee")]
