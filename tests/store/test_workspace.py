import pyarrow as pa
import pytest

from crosslink.errors import CrosslinkError
from crosslink.model import REPORT_SCHEMA, STATEMENT_SCHEMA, make_id
from crosslink.store import Clearance, Workspace, verify


def _report(id_, *, compartment=None, protected=False, text="text"):
    row = {name: None for name in REPORT_SCHEMA.names}
    row.update(id=id_, compartment=compartment, protected_source=protected, text=text,
               originator="Kent Police", grading="1B", grading_scheme="uk-3x5x2", handling_code="P")
    return row


def _statement(entity, prop, value, report):
    row = {name: None for name in STATEMENT_SCHEMA.names}
    row.update(id=make_id(report, entity, prop, value), entity_id=entity, schema="Person",
               prop=prop, prop_type="name", value=value, report_id=report)
    return row


@pytest.fixture
def ws(tmp_path):
    with Workspace.create(tmp_path / "ws.duckdb") as workspace:
        session = workspace.session("loader", "setup")
        session.write_reports(pa.Table.from_pylist(
            [_report("r-open"), _report("r-secret", compartment="OP-KESTREL"),
             _report("r-chis", protected=True, text="source said X")], schema=REPORT_SCHEMA))
        session.write_statements(pa.Table.from_pylist(
            [_statement("e1", "name", "Karwan Aziz", "r-open"),
             _statement("e1", "alias", "Kaka", "r-secret"),
             _statement("e2", "name", "Dilan Rashid", "r-chis")], schema=STATEMENT_SCHEMA))
        yield workspace


def test_open_missing_workspace_says_how_to_create_one(tmp_path):
    with pytest.raises(CrosslinkError, match="crosslink init"):
        Workspace.open(tmp_path / "nope.duckdb")


def test_statements_deduplicate_by_id(ws):
    session = ws.session()
    again = pa.Table.from_pylist([_statement("e1", "name", "Karwan Aziz", "r-open")] * 2, schema=STATEMENT_SCHEMA)
    assert session.write_statements(again) == 0
    assert session.summary()["statements"] == 3


def test_compartments_are_enforced_in_the_store(ws):
    cleared = ws.session("a", "check", clearance=Clearance(frozenset({"OP-KESTREL"})))
    assert {r["value"] for r in cleared.statements_for("e1").to_pylist()} == {"Karwan Aziz", "Kaka"}
    uncleared = ws.session("b", "check", clearance=Clearance(frozenset()))
    assert {r["value"] for r in uncleared.statements_for("e1").to_pylist()} == {"Karwan Aziz"}
    assert uncleared.summary()["reports"] == 2


def test_protected_source_is_sanitised_outside_the_source_unit(ws):
    analyst = ws.session("a", "check")
    row = analyst.sql("SELECT originator, text FROM visible_reports WHERE id = 'r-chis'").fetchall()[0]
    assert row == ("[protected source]", None)
    unit = ws.session("h", "check", clearance=Clearance(roles=frozenset({"source-unit"})))
    assert unit.sql("SELECT text FROM visible_reports WHERE id = 'r-chis'").fetchall()[0][0] == "source said X"


def test_consultation_is_audited_with_user_and_purpose(ws):
    ws.session("alice", "OP-KESTREL briefing").statements_for("e1")
    last = ws.con.sql("SELECT username, action, purpose, object FROM audit_log ORDER BY seq DESC LIMIT 1").fetchall()[0]
    assert last == ("alice", "consultation", "OP-KESTREL briefing", "e1")


def test_tampering_with_the_audit_log_is_detected(ws):
    session = ws.session("alice", "x")
    for key in ("e1", "e2", "e1"):
        session.statements_for(key)
    assert verify(ws.con) is None
    ws.con.execute("UPDATE audit_log SET username = 'mallory' WHERE seq = 2")
    assert verify(ws.con) == 2


def test_deleting_an_audit_entry_is_detected(ws):
    session = ws.session("alice", "x")
    for key in ("e1", "e2", "e1"):
        session.statements_for(key)
    ws.con.execute("DELETE FROM audit_log WHERE seq = 2")
    assert verify(ws.con) == 2
