"""Cases in the workspace: suspects are never migrants; every write is audited and atomic."""

from __future__ import annotations

import pytest

from crosslink.cases import add_evidence, add_group, add_suspects, get_case, new_case
from crosslink.errors import InputError
from crosslink.store import verify

from .conftest import biggest_group_with_suspects


def _migrant(ws) -> str:  # type: ignore[no-untyped-def]
    return str(ws.con.sql(
        "SELECT coalesce(c.canonical_id, s.entity_id) FROM statements s LEFT JOIN canonical c "
        "USING (entity_id) WHERE s.prop = 'x:role' AND s.value = 'migrant' ORDER BY 1 LIMIT 1"
    ).fetchall()[0][0])


def test_a_group_becomes_suspects_and_witnesses_never_migrants_as_suspects(ws, scenario):
    session = ws.session("oic", "case file test")
    new_case(session, "OP-1", ["s25"])
    number, members = biggest_group_with_suspects(scenario["data"], ws)
    result = add_group(session, "OP-1", members, label=f"group {number}")
    assert result.added, "the group's recorded suspects are added"
    case = get_case(session, "OP-1")
    suspect_roles = {r for s in case.suspects for r in s["roles"]}
    assert suspect_roles and not suspect_roles & {"migrant", "victim", "witness"}
    assert case.witnesses and {w["role"] for w in case.witnesses} <= {"migrant", "victim", "witness"}
    # re-adding duplicates nothing
    again = add_group(session, "OP-1", members, label=f"group {number}")
    assert not again.added and len(get_case(session, "OP-1").suspects) == len(case.suspects)
    assert verify(ws.con) is None


def test_suspects_are_counted_as_the_user_sees_them(ws, scenario):
    from crosslink.cases import list_cases
    from crosslink.store import Clearance

    session = ws.session("oic", "case file test")
    new_case(session, "OP-1", ["s25"])
    number, members = biggest_group_with_suspects(scenario["data"], ws)
    add_group(session, "OP-1", members, label=f"group {number}")
    total = len(get_case(session, "OP-1").suspects)
    assert list_cases(session)[0]["suspects"] == total
    ws.con.execute("UPDATE reports SET compartment = 'op-secret'")  # everything compartmented
    outsider = ws.session("analyst", "case file test", clearance=Clearance(compartments=frozenset({"other"})))
    assert list_cases(outsider)[0]["suspects"] == 0 and get_case(outsider, "OP-1").suspects == []


def test_a_migrant_is_refused_as_suspect_and_nothing_is_written(ws):
    session = ws.session("oic", "case file test")
    new_case(session, "OP-1", ["s25"])
    before = ws.con.sql("SELECT count(*) FROM audit_log").fetchall()[0][0]
    with pytest.raises(InputError, match="never suspects"):
        add_suspects(session, "OP-1", [_migrant(ws)])
    assert get_case(session, "OP-1", audit=False).suspects == []
    assert ws.con.sql("SELECT count(*) FROM audit_log").fetchall()[0][0] == before


def test_unknown_offence_case_and_report_are_clear_errors(ws):
    session = ws.session("oic", "case file test")
    with pytest.raises(InputError, match="unknown offence 'theft'.*s25"):
        new_case(session, "OP-1", ["theft"])
    with pytest.raises(InputError, match="no case 'OP-9'"):
        get_case(session, "OP-9")
    new_case(session, "OP-1", ["s25"])
    with pytest.raises(InputError, match="already exists"):
        new_case(session, "OP-1", ["s25"])
    with pytest.raises(InputError, match="no report you may see"):
        add_evidence(session, "OP-1", "ffffffffffff")


def test_intelligence_only_material_cannot_be_added_as_evidence(ws):
    rid = ws.con.sql("SELECT id FROM reports ORDER BY id LIMIT 1").fetchall()[0][0]
    ws.con.execute("UPDATE reports SET handling_code = 'H1' WHERE id = ?", [rid])
    session = ws.session("oic", "case file test")
    new_case(session, "OP-1", ["s25"])
    with pytest.raises(InputError, match="may not be used as evidence.*H1"):
        add_evidence(session, "OP-1", rid)
    other = ws.con.sql("SELECT id FROM reports WHERE handling_code = 'P' ORDER BY id LIMIT 1").fetchall()[0][0]
    assert add_evidence(session, "OP-1", other) is True
    assert add_evidence(session, "OP-1", other) is False
    assert [i["report_id"] for i in get_case(session, "OP-1").items] == [other]


def test_items_in_compartments_the_user_may_not_see_are_absent(ws):
    from crosslink.store import Clearance

    session = ws.session("oic", "case file test")
    new_case(session, "OP-1", ["s25"])
    rid = ws.con.sql("SELECT id FROM reports WHERE handling_code = 'P' ORDER BY id LIMIT 1").fetchall()[0][0]
    add_evidence(session, "OP-1", rid)
    ws.con.execute("UPDATE reports SET compartment = 'op-secret' WHERE id = ?", [rid])
    outsider = ws.session("analyst", "case file test", clearance=Clearance(compartments=frozenset({"other"})))
    assert get_case(outsider, "OP-1").items == []
    # (a session defines the connection's views: open the cleared one again)
    assert len(get_case(ws.session("oic", "case file test"), "OP-1").items) == 1


def test_a_group_without_an_analysis_file_is_the_same_leiden_group(ws, scenario):
    from crosslink.cases import group_members

    session = ws.session("oic", "case file test")
    first = scenario["data"]["communities"][0]
    assert set(group_members(session, 0)) == set(first["members"])
    with pytest.raises(InputError, match="the network has groups 0-"):
        group_members(session, 10_000)
    with pytest.raises(InputError, match="no group 10000"):
        group_members(session, 10_000, analysis=scenario["analysis"])
