"""Analyst judgements: recorded with history, applied at once, surviving every re-run."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crosslink.cli import app
from crosslink.errors import InputError
from crosslink.resolve.judgements import (
    apply_judgement,
    effective_judgements,
    explain_pair,
    record_judgement,
    review_pairs,
)
from crosslink.resolve.workspace import resolve_workspace
from crosslink.store import Workspace
from crosslink.store.session import Session

from .test_workspace import canonical, person, write
from .test_workspace import resolved_file as resolved_file  # noqa: F401  (fixture)
from .test_workspace import ws as ws  # noqa: F401  (fixture)


def trio(session: Session) -> tuple[str, str, str]:
    """Three identical records of one person (every pair scores as a match)."""
    props = {"firstName": "Sardar", "lastName": "Baban", "name": "Sardar Baban",
             "birthDate": "1983-06-14", "phone": "+447700900123", "passportNumber": "N12345678"}
    write(session, "r-trio", [
        *person("t-a", "r-trio", **props),
        *person("t-b", "r-trio", **props),
        *person("t-c", "r-trio", **props),
    ])
    resolve_workspace(session)
    ids = canonical(session)
    assert ids["t-a"] == ids["t-b"] == ids["t-c"] != "t-a"
    return "t-a", "t-b", "t-c"


@pytest.fixture
def session(ws: Workspace) -> Iterator[Session]:  # noqa: F811
    yield ws.session("analyst", "review")


def test_different_splits_at_once_and_after_every_rerun(session: Session) -> None:
    a, b, c = trio(session)
    before = canonical(session)[a]
    apply_judgement(session, a, b, "different", "different fathers' names")
    ids = canonical(session)
    assert ids[a] != ids[b]
    assert before in (ids[a], ids[b])  # the larger part keeps the cluster's id
    resolve_workspace(session, full=True)
    ids = canonical(session)
    assert ids[a] != ids[b]
    # a fourth identical record arrives: incremental run, still apart
    props = {str(p): str(v) for p, v in session.con.sql(
        "SELECT prop, value FROM statements WHERE entity_id = ?", params=[a]).fetchall()}
    write(session, "r-more", person("t-d", "r-more", **props))
    assert resolve_workspace(session)["mode"] == "incremental"
    ids = canonical(session)
    assert ids[a] != ids[b] and ids["t-d"] in (ids[a], ids[b])


def test_negative_judgement_blocks_transitively(session: Session) -> None:
    a, b, c = trio(session)
    apply_judgement(session, a, c, "different")
    assert canonical(session)[a] != canonical(session)[c]
    resolve_workspace(session, full=True)
    ids = canonical(session)
    # a-b and b-c are strong matches, yet a and c never share a cluster via b
    assert ids[a] != ids[c]


def test_same_forces_a_merge_and_survives_reruns(session: Session) -> None:
    ids = canonical(session)
    assert ids["ns-1"] != ids["ns-2"]
    apply_judgement(session, "ns-1", "ns-2", "same", "custody photo match")
    assert canonical(session)["ns-1"] == canonical(session)["ns-2"]
    resolve_workspace(session, full=True)
    ids = canonical(session)
    assert ids["ns-1"] == ids["ns-2"]


def test_judgements_are_superseded_never_overwritten(session: Session) -> None:
    first = record_judgement(session, "ns-1", "ns-2", "same", "first look")
    second = record_judgement(session, "ns-2", "ns-1", "different", "second look")
    rows = session.con.sql(
        "SELECT id, decision, reason, username, superseded_by FROM judgements ORDER BY created_at"
    ).fetchall()
    assert rows == [
        (first.id, "same", "first look", "analyst", second.id),
        (second.id, "different", "second look", "analyst", None),
    ]
    same, different, unsure = effective_judgements(session.con)
    assert same == [] and different == [("ns-1", "ns-2")] and unsure == []
    audit = session.con.sql(
        "SELECT action FROM audit_log WHERE object = 'ns-1|ns-2'").fetchall()
    assert len(audit) == 2


def test_judging_a_canonical_id_means_its_cluster(session: Session) -> None:
    a, b, c = trio(session)
    cid = canonical(session)[a]
    result = apply_judgement(session, cid, "ns-1", "different")
    assert result["a"] in (a, b, c) or result["b"] in (a, b, c)
    with pytest.raises(InputError, match="no entity"):
        record_judgement(session, "nobody", "ns-1", "same")
    with pytest.raises(InputError, match="decision"):
        record_judgement(session, "ns-2", "ns-1", "maybe")


def test_review_lists_uncertain_pairs_with_explanations(session: Session) -> None:
    pairs = review_pairs(session, limit=5)
    for pair in pairs:
        assert 0.5 <= pair["match_probability"] < 0.95
        assert {"comparison", "level", "weight"} <= set(pair["comparisons"][0])
    if pairs:  # a judged pair leaves the queue
        top = pairs[0]
        record_judgement(session, top["a"], top["b"], "unsure")
        assert (top["a"], top["b"]) not in {(p["a"], p["b"]) for p in review_pairs(session)}


def test_explain_adds_up_to_the_match_weight(session: Session) -> None:
    result = explain_pair(session, "ns-1", "ns-2")
    total = result["prior_weight"] + sum(c["weight"] for c in result["comparisons"])
    assert total == pytest.approx(result["match_weight"], abs=0.05)
    name = next(c for c in result["comparisons"] if c["comparison"] == "name")
    assert name["weight"] > 0 and name["level"] != "missing on one side"
    dob = next(c for c in result["comparisons"] if c["comparison"] == "dob")
    assert dob["weight"] < 0  # conflicting dates of birth weigh against


def test_explain_a_record_against_a_whole_cluster(session: Session, ws: Workspace) -> None:  # noqa: F811
    a, b, c = trio(session)
    cluster = canonical(session)[a]
    result = explain_pair(session, a, cluster)
    profile = result["profile"]
    assert profile["members"] == 2  # the cluster's other records, not a itself
    assert profile["values"]["full_name"].lower() == "sardar baban"
    assert "+447700900123".endswith(profile["values"]["phone"])  # the matching key
    total = result["prior_weight"] + sum(x["weight"] for x in profile["comparisons"])
    assert total == pytest.approx(profile["match_weight"], abs=0.05)
    assert profile["match_probability"] > 0.9
    # record against record: no profile
    assert explain_pair(session, a, b)["profile"] is None
    path = str(ws.path)
    ws.close()
    run = CliRunner().invoke(app, ["explain", a, cluster, "-w", path])
    assert run.exit_code == 0, run.output
    assert "cluster as a whole (2 other records" in run.output


def test_review_clusters_lists_the_least_certain_merges_first(session: Session, ws: Workspace) -> None:  # noqa: F811
    from crosslink.resolve.judgements import review_clusters
    from crosslink.store import Clearance

    found = review_clusters(session, limit=500)
    assert found and all(c["size"] >= 2 and len(c["members"]) >= 2 for c in found)
    confidences = [c["confidence"] for c in found]
    assert confidences == sorted(confidences)
    ids = canonical(session)
    first = found[0]
    assert all(ids[m["id"]] == first["canonical_id"] for m in first["members"])
    assert "full_name" in first["members"][0]
    # a session that may see none of the reports sees no clusters
    outsider = ws.session("outsider", "review", clearance=Clearance(compartments=frozenset({"X"})))
    ws.con.execute("UPDATE reports SET compartment = 'OP-1'")
    assert review_clusters(outsider) == []
    path = str(ws.path)
    ws.con.execute("UPDATE reports SET compartment = NULL")
    ws.close()
    run = CliRunner().invoke(app, ["review", "--clusters", "--limit", "2", "-w", path])
    assert run.exit_code == 0, run.output
    assert "confidence" in run.output and "crosslink judge RECORD OTHER" in run.output


def test_cli_resolve_review_judge_explain(ws: Workspace, tmp_path: Path) -> None:  # noqa: F811
    path = str(ws.path)
    ws.close()
    runner = CliRunner()
    run = runner.invoke(app, ["resolve", "-w", path, "--format", "json"])
    assert run.exit_code == 0, run.output
    assert json.loads(run.output)["schemas"]["Person"]["mode"] == "incremental"
    run = runner.invoke(app, ["review", "-w", path, "--limit", "3", "--format", "json"])
    assert run.exit_code == 0 and len(json.loads(run.output)) <= 3
    run = runner.invoke(app, ["judge", "ns-1", "ns-2", "--same", "--reason", "photo", "-w", path])
    assert run.exit_code == 0, run.output
    assert "in one cluster" in run.output
    run = runner.invoke(app, ["explain", "ns-1", "ns-2", "-w", path])
    assert run.exit_code == 0 and "match weight" in run.output and "dob" in run.output
    run = runner.invoke(app, ["judge", "ns-1", "ns-2", "-w", path])
    assert run.exit_code == 2  # exactly one decision is required
    run = runner.invoke(app, ["judge", "ns-1", "nobody", "--different", "-w", path])
    assert run.exit_code == 1 and "nobody" in run.output
