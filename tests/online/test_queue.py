"""The referral queue: snapshots, transitions, audit, network links, leads, need-to-know."""

from __future__ import annotations

import hashlib
import json

import pytest

from crosslink.errors import InputError
from crosslink.network import from_workspace
from crosslink.online import queue
from crosslink.online.queue import NotFound
from crosslink.store import Clearance, Workspace, verify
from crosslink.store.sql import scalar
from tests.online.conftest import scored


def _ingest_text(ws: Workspace, path, text: str, **options) -> None:  # type: ignore[no-untyped-def]
    from crosslink.ingest.pipeline import ingest_file
    from crosslink.ingest.reports import ReportOptions

    path.write_text(text, encoding="utf-8")
    ingest_file(ws.session("officer", "ingest"), path, options=ReportOptions(grading="B2", handling="P", **options))


def test_enqueue_keeps_referable_posts_with_a_snapshot_and_adds_nothing_when_rerun(workspace):
    s = workspace.session("ana", "triage")
    batch = [scored("p1"), scored("p2", label="benign", score=0.1), scored("p3", label="document_fraud", score=0.4)]
    first = queue.enqueue(s, batch, min_score=0.5)
    assert (first.added, first.benign) == (1, 2)
    again = queue.enqueue(s, batch, min_score=0.5)
    assert (again.added, again.already) == (0, 1)
    assert scalar(s.con.execute("SELECT count(*) FROM referrals")) == 1
    assert scalar(s.con.execute("SELECT count(*) FROM reports")) == 1
    ref = queue.get_referral(s, first.ids[0])
    assert ref.status == "new" and ref.platform == "telegram" and ref.post_id == "p1"
    # the snapshot is the post as captured, and its hash is the SHA-256 of the stored bytes
    assert ref.snapshot is not None and ref.snapshot["text"] == batch[0].post["text"]
    body = s.con.execute("SELECT snapshot FROM referrals").fetchall()[0][0]
    assert ref.content_sha256 == hashlib.sha256(body.encode()).hexdigest()
    assert queue.verify_snapshot(s, ref.id)
    s.con.execute("UPDATE referrals SET snapshot = replace(snapshot, 'Boat', 'Bus')")
    assert not queue.verify_snapshot(s, ref.id)


def test_transitions_follow_the_lifecycle_and_are_recorded_and_audited(workspace):
    s = workspace.session("ana", "referral")
    rid = queue.enqueue(s, [scored("p1")]).ids[0]
    with pytest.raises(InputError, match="can go to no_action, referred, not removed"):
        queue.transition(s, rid, "removed")
    with pytest.raises(InputError, match="say why"):
        queue.transition(s, rid, "no_action")
    ref = queue.transition(s, rid[:8], "referred", platform_ref="TG-4411", note="NCA referral")
    assert ref.status == "referred" and ref.platform_ref == "TG-4411"
    ref = queue.transition(s, rid, "removed")
    assert [(e["from"], e["to"]) for e in ref.events] == [(None, "new"), ("new", "referred"), ("referred", "removed")]
    assert all(e["user"] == "ana" for e in ref.events)
    with pytest.raises(InputError, match="final"):
        queue.transition(s, rid, "referred")
    actions = s.con.execute(
        "SELECT action, object FROM audit_log WHERE object LIKE 'referral:%' AND action <> 'consultation' ORDER BY seq"
    ).fetchall()
    assert actions == [("disclosure", f"referral:{rid}"), ("alteration", f"referral:{rid}")]
    assert verify(s.con) is None


def test_a_failed_transition_leaves_the_queue_as_it_was(workspace, monkeypatch):
    s = workspace.session("ana", "referral")
    rid = queue.enqueue(s, [scored("p1")]).ids[0]

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(queue, "link_referral", broken)
    with pytest.raises(RuntimeError):
        queue.transition(s, rid, "referred")
    assert queue.get_referral(s, rid).status == "new"
    assert scalar(s.con.execute("SELECT count(*) FROM referral_events")) == 1
    assert scalar(s.con.execute("SELECT count(*) FROM statements")) == 0


def test_referring_links_the_advert_phone_to_a_seized_handset_in_the_network(workspace, tmp_path):
    s = workspace.session("ana", "referral")
    _ingest_text(workspace, tmp_path / "handset.txt",
                 "Download of seized handset H-1. Contact saved as Kaka Jet: +44 7700 900123.\n")
    advert = scored("p1", selectors=[{"type": "phone", "value": "+447700900123"},
                                     {"type": "handle", "value": "jet_boss_uk", "platform": "telegram"}])
    rid, dropped = queue.enqueue(s, [advert, scored("p2", author="other", text="Lorry to UK",
                                                  selectors=[{"type": "phone", "value": "+447700900999"}])]).ids
    # only referred posts are in the network: a triage guess is not evidence
    assert "phone:+447700900123" not in set(from_workspace(s.con).ids)
    assert queue.leads(s) == []
    queue.transition(s, dropped, "no_action", note="not an advert: a driver looking for work")
    queue.transition(s, rid, "referred")
    net = from_workspace(s.con)
    assert "phone:+447700900123" in set(net.ids)
    # a post the analyst did not refer states nothing
    assert scalar(s.con.execute("SELECT count(*) FROM statements WHERE value = '+447700900999'")) == 0
    accounts = s.con.execute(
        "SELECT value FROM statements WHERE schema = 'UserAccount' AND prop = 'username' ORDER BY value"
    ).fetchall()
    assert accounts == [("jet_boss_uk",), ("safar_uk",)]
    found = queue.leads(s)
    assert [(x["referral_id"], x["value"], x["schema"], x["grading"]) for x in found] == [
        (rid, "+447700900123", "Note", "B2")]
    # linking again (a repeated transition path) adds nothing
    assert queue.link_referral(s, rid) == 0


def test_leads_match_a_number_another_report_kept_uncleaned(workspace, tmp_path):
    s = workspace.session("ana", "referral")
    path = tmp_path / "handset.ftm"
    path.write_text(json.dumps({"id": "owner-1", "schema": "Person",
                                "properties": {"name": ["Test Owner"], "phone": ["07700 900123"]}}) + "\n")
    from crosslink.ingest.pipeline import ingest_file
    from crosslink.ingest.reports import ReportOptions

    ingest_file(s, path, options=ReportOptions(grading="B2", handling="P", title="Seized handset H-2"))
    assert scalar(s.con.execute("SELECT count(*) FROM statements WHERE prop = 'phone' AND reason IS NOT NULL")) == 1
    rid = queue.enqueue(s, [scored("p1")]).ids[0]
    queue.transition(s, rid, "referred")
    [lead] = queue.leads(s, rid)
    assert (lead["value"], lead["as_written"], lead["report_title"]) == ("+447700900123", "07700 900123",
                                                                         "Seized handset H-2")


def test_a_referral_in_a_compartment_the_user_may_not_see_is_absent(workspace):
    s = workspace.session("ana", "referral")
    rid = queue.enqueue(s, [scored("p1")], compartment="op-kestrel").ids[0]
    queue.enqueue(s, [scored("p2", platform="tiktok")])
    queue.transition(s, rid, "referred")
    other = workspace.session("bob", "referral", clearance=Clearance(compartments=frozenset({"op-other"})))
    assert [r.post_id for r in queue.list_referrals(other)] == ["p2"]
    with pytest.raises(NotFound):
        queue.get_referral(other, rid)
    with pytest.raises(NotFound):
        queue.transition(other, rid, "removed")
    stats = {r["platform"]: r for r in queue.outcome_stats(other)}
    assert set(stats) == {"tiktok", "all"} and stats["all"]["posts"] == 1
    cleared = workspace.session("cat", "referral", clearance=Clearance(compartments=frozenset({"op-kestrel"})))
    assert queue.get_referral(cleared, rid[:10]).status == "referred"


def test_outcome_statistics_per_platform(workspace):
    s = workspace.session("ana", "referral")
    ids = queue.enqueue(s, [scored(f"t{i}") for i in range(4)] + [scored("f1", platform="facebook")]).ids
    t = [i for i in ids if queue.get_referral(s, i).platform == "telegram"]
    for rid in t[:3]:
        queue.transition(s, rid, "referred")
    queue.transition(s, t[0], "removed")
    queue.transition(s, t[1], "rejected", note="platform: not violating")
    queue.transition(s, t[3], "no_action", note="duplicate of an earlier referral")
    stats = {r["platform"]: r for r in queue.outcome_stats(s)}
    tg = stats["telegram"]
    assert (tg["posts"], tg["new"], tg["referred"], tg["removed"], tg["rejected"], tg["not_referred"]) == (
        4, 0, 1, 1, 1, 1)
    assert tg["sent"] == 3 and tg["removal_rate"] == pytest.approx(0.5)
    assert tg["median_hours_to_answer"] is not None
    assert stats["facebook"]["new"] == 1 and stats["facebook"]["removal_rate"] is None
    assert stats["all"]["posts"] == 5


def test_unknown_status_and_bad_grading_are_clear_errors(workspace):
    s = workspace.session("ana", "referral")
    with pytest.raises(InputError, match="unknown status"):
        queue.list_referrals(s, status="deleted")
    with pytest.raises(InputError, match="grading"):
        queue.enqueue(s, [scored("p1")], grading="Z9")
    assert scalar(s.con.execute("SELECT count(*) FROM referrals")) == 0


def test_erasing_a_posts_report_erases_its_referral_and_it_never_comes_back(workspace):
    from crosslink.store import erase

    s = workspace.session("ana", "referral")
    rid = queue.enqueue(s, [scored("p1")]).ids[0]
    queue.transition(s, rid, "referred")
    report_id = queue.get_referral(s, rid).report_id
    erase(s, "report", [report_id], "MoPI review: no policing purpose")
    assert scalar(s.con.execute("SELECT count(*) FROM referrals")) == 0
    assert scalar(s.con.execute("SELECT count(*) FROM referral_events")) == 0
    assert scalar(s.con.execute("SELECT count(*) FROM statements")) == 0
    again = queue.enqueue(s, [scored("p1")])
    assert (again.added, again.erased) == (0, 1)
    assert scalar(s.con.execute("SELECT count(*) FROM referrals")) == 0
