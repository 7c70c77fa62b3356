"""``crosslink online``: triage a file, queue it, refer, record outcomes, see leads."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from crosslink.cli import app

runner = CliRunner()

POSTS = [
    {"id": "p1", "platform": "telegram", "author": "@Safar_UK",
     "text": "Boat to UK this week, 100% guaranteed, 1500 euro. WhatsApp +44 7700 900123 or @jet_boss_uk"},
    {"id": "p2", "platform": "facebook",
     "text": "Warning: smugglers promise a safe boat to the UK. Do not trust them. Call the helpline."},
]


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_triage_then_queue_refer_outcome_stats_and_leads(tmp_path, model):
    posts = tmp_path / "posts.jsonl"
    posts.write_text("".join(json.dumps(p) + "\n" for p in POSTS), encoding="utf-8")
    out = tmp_path / "scored.jsonl"
    result = run("online", "triage", str(posts), "--out", str(out))
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [x["label"] for x in lines] == ["smuggling_advert", "benign"]

    ws = str(tmp_path / "ws.duckdb")
    handset = tmp_path / "handset.txt"
    handset.write_text("Seized handset H-1: contact Kaka Jet +44 7700 900123.\n")
    assert run("ingest", str(handset), "-w", ws, "--grading", "B2", "--handling", "P").exit_code == 0
    added = run("online", "queue", "add", str(posts), "-w", ws, "--format", "json")
    assert json.loads(added.stdout)["added"] == 1
    assert json.loads(run("online", "queue", "add", str(posts), "-w", ws, "--format", "json").stdout)["added"] == 0
    [ref] = json.loads(run("online", "queue", "list", "-w", ws, "--format", "json").stdout)
    assert ref["status"] == "new" and ref["post_id"] == "p1"
    rid = ref["id"][:10]
    assert run("online", "queue", "refer", rid, "--ref", "TG-1", "-w", ws).exit_code == 0
    leads = json.loads(run("online", "queue", "leads", "-w", ws, "--format", "json").stdout)
    assert [(x["value"], x["report_title"]) for x in leads] == [("+447700900123", "handset.txt")]
    assert run("online", "queue", "outcome", rid, "removed", "-w", ws).exit_code == 0
    shown = json.loads(run("online", "queue", "show", rid, "-w", ws, "--format", "json").stdout)
    assert shown["snapshot_intact"] and [e["to"] for e in shown["events"]] == ["new", "referred", "removed"]
    stats = json.loads(run("online", "queue", "stats", "-w", ws, "--format", "json").stdout)
    assert stats[0]["platform"] == "telegram" and stats[0]["removal_rate"] == 1.0
    table = run("online", "queue", "stats", "-w", ws)
    assert "telegram" in table.stdout and "100%" in table.stdout


def test_bad_input_and_bad_transitions_exit_1_with_a_message(tmp_path):
    bad = tmp_path / "posts.jsonl"
    bad.write_text('{"id": "p1", "platform": "x"}\n')
    result = run("online", "triage", str(bad), "--out", str(tmp_path / "o.jsonl"))
    message = " ".join(result.stderr.split())  # Rich wraps long lines
    assert result.exit_code == 1 and "posts.jsonl, row 1, column 'text': missing" in message
    assert not (tmp_path / "o.jsonl").exists()
    ws = str(tmp_path / "ws.duckdb")
    assert run("init", ws).exit_code == 0
    missing = run("online", "queue", "refer", "abcdef123", "-w", ws)
    assert missing.exit_code == 1 and "no referral" in missing.stderr
    wrong = run("online", "queue", "outcome", "abcdef123", "deleted", "-w", ws)
    assert wrong.exit_code == 1 and "removed, rejected, no_action" in " ".join(wrong.stderr.split())


def test_evaluate_scores_a_labelled_set_and_names_a_bad_label(tmp_path, model):
    gold = [
        {**POSTS[0], "label": "smuggling_advert", "lang": "en",
         "selectors": [{"type": "phone", "value": "+447700900123"}, {"type": "handle", "value": "jet_boss_uk"}]},
        {**POSTS[1], "label": "benign", "lang": "en", "kind": "warning", "selectors": []},
        {"id": "p3", "platform": "instagram", "text": "", "label": "benign", "lang": "en", "kind": "other"},
    ]
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(g) + "\n" for g in gold), encoding="utf-8")
    figures = json.loads(run("online", "evaluate", str(path), "--format", "json").stdout)
    assert figures["posts"] == 3 and figures["referral"]["f1"] == 1.0
    assert figures["hard_benign_posts"] == 1 and figures["hard_benign_false_referral"] == 0.0
    assert figures["selectors"]["f1"] == 1.0
    gold[1]["label"] = "harmless"
    path.write_text("".join(json.dumps(g) + "\n" for g in gold), encoding="utf-8")
    bad = run("online", "evaluate", str(path))
    assert bad.exit_code == 1 and "row 2, column 'label'" in " ".join(bad.stderr.split())
