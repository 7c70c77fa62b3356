"""The disclosure policy: one decision per statement, a reason for every withheld one."""

from __future__ import annotations

from pathlib import Path

import pytest

from crosslink.errors import InputError
from crosslink.share import load_policy
from crosslink.share.export import plan, preview
from crosslink.store import Clearance, Workspace
from crosslink.store.sql import scalar
from tests.share.conftest import SOURCE_IDENTITY


def _released_reports(ws: Workspace, to: str, **clearance: object) -> dict[str, bool]:
    s = ws.session("ana", "test", clearance=Clearance(**clearance))  # type: ignore[arg-type]
    decided = plan(s, to).decided
    out: dict[str, bool] = {}
    for row in decided.select(["entity_id", "released", "prop"]).to_pylist():
        if row["prop"] == "name":
            out[row["entity_id"].removeprefix("p-")] = row["released"]
    return out


def test_uk_force_gets_p_and_c_but_never_code_4_h2_or_other_compartments(workspace):
    got = _released_reports(workspace, "uk-force")
    assert got == {
        "open": True, "cond": True, "chis": True,
        "local": False, "europol-h1": False, "europol-h2": False, "europol-h3": False,
        "joint": False, "secret": False,
    }


def test_europol_h1_goes_to_nca_but_never_to_judicial_use(workspace):
    assert _released_reports(workspace, "nca")["europol-h1"] is True
    assert _released_reports(workspace, "nca")["joint"] is True  # nca is cleared for oic-joint
    assert _released_reports(workspace, "cps")["europol-h1"] is False
    assert _released_reports(workspace, "europol")["europol-h2"] is False


def test_every_withheld_statement_has_its_reason_and_conditions_travel(workspace):
    s = workspace.session("ana", "test")
    result = plan(s, "cps")
    reasons = dict(result.withheld)
    assert reasons["H1: not for judicial proceedings without the provider's permission"] == 6
    assert reasons["H2: not to be disseminated without the provider's permission"] == 6
    assert reasons["handling code 4: not to leave the originating agency"] == 6
    assert reasons["compartment op-kestrel not releasable to cps"] == 6
    assert reasons["protected source: withheld from cps"] == 6
    assert sum(reasons.values()) + result.released.num_rows == result.decided.num_rows
    h3 = [r for r in result.released.to_pylist() if r["handling_code"] == "H3"]
    assert h3 and all(r["handling_conditions"] == "only for the Channel investigation" for r in h3)


def test_a_call_to_a_withheld_person_loses_that_end(workspace):
    s = workspace.session("ana", "test")
    rows = plan(s, "uk-force").decided.to_pylist()
    ref = [r for r in rows if r["entity_id"] == "call-local" and r["prop"] == "receiver"]
    # the call's own report is code 4: withheld for that reason first
    assert ref[0]["reason"] == "handling code 4: not to leave the originating agency"
    # a released call cannot point at a withheld person
    released_ids = {r["entity_id"] for r in rows if r["released"]}
    assert all(r["value"] in released_ids for r in rows if r["released"] and r["prop_type"] == "entity")


def test_protected_source_is_sanitised_even_for_the_source_unit(workspace):
    s = workspace.session("handler", "test", clearance=Clearance(roles=frozenset({"source-unit"})))
    released = plan(s, "uk-force").released
    chis = released.filter(released.column("protected_source")).to_pylist()
    assert chis
    assert SOURCE_IDENTITY not in str(released.to_pylist())


def test_users_compartments_hold_before_the_recipients(workspace):
    got = _released_reports(workspace, "nca", compartments=frozenset({"op-kestrel"}))
    assert "joint" not in got  # the user cannot see it, so it is not even counted


def test_preview_writes_nothing_but_a_consultation(workspace):
    s = workspace.session("ana", "checking what can go")
    before = scalar(s.con.execute("SELECT count(*) FROM statements"))
    result = preview(s, "europol")
    assert result.counts()["released"] > 0
    assert scalar(s.con.execute("SELECT count(*) FROM statements")) == before
    assert s.con.execute("SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1").fetchall() == [("consultation",)]


def test_bad_policy_names_file_and_recipient(tmp_path: Path):
    path = tmp_path / "policy.yml"
    path.write_text("recipients:\n  nca:\n    handling: [P, Z]\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"policy.yml.*recipient nca: unknown handling code 'Z'"):
        load_policy(path)
    with pytest.raises(InputError, match="unknown recipient 'interpol'"):
        load_policy().recipient("interpol")
