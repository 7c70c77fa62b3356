"""The main job end to end on a small simulated scenario."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from crosslink.demo import run_demo
from crosslink.store import Workspace, verify


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("demo")
    return run_demo(out, people=500, seed=11, key_players=4)


def test_demo_writes_a_report_with_every_section(demo):
    html = demo.report.read_text(encoding="utf-8")
    for anchor in ("overview", "network", "plan", "groups", "evaluation"):
        assert f'id="{anchor}"' in html
    assert "EVALUATION ONLY" in html
    assert [name for name, _ in demo.stages] == [
        "simulate", "ingest + extract", "resolve", "network analysis", "report"
    ]


def test_every_edge_and_node_fact_in_the_report_cites_a_graded_report(demo):
    html = demo.report.read_text(encoding="utf-8")
    payload = re.search(r'<script type="application/json" id="crosslink-data">(.*?)</script>', html, re.S)
    assert payload is not None
    data = json.loads(payload.group(1))
    reports = data["reports"]
    cited = [e["report"] for n in data["graph"]["nodes"] for e in n["evidence"]]
    cited += [e["report"] for edge in data["graph"]["edges"] for e in edge["evidence"]]
    assert cited, "the picture must carry evidence"
    for report_id in cited:
        assert reports[report_id]["grading"] and reports[report_id]["handling"]


def test_protected_source_material_is_only_shown_sanitised(demo):
    html = demo.report.read_text(encoding="utf-8")
    with Workspace.open(demo.workspace) as ws:
        texts = ws.con.sql(
            "SELECT text FROM reports WHERE protected_source AND text IS NOT NULL LIMIT 20"
        ).fetchall()
    assert texts, "the scenario has protected-source reports"
    for (text,) in texts:
        assert text[:60] not in html


def test_resolution_and_groups_are_evaluated_against_the_truth(demo):
    ev = demo.evaluation
    assert ev is not None
    assert ev["precision"] > 0.9 and ev["f1"] > 0.7
    assert 0.0 <= ev["group_nmi"] <= 1.0


def test_migrants_are_never_in_the_disruption_plan(demo):
    analysis = json.loads(demo.analysis.read_text(encoding="utf-8"))
    chosen = {c["id"] for c in analysis["key_players"]["chosen"]}
    with Workspace.open(demo.workspace) as ws:
        protected = {
            row[0]
            for row in ws.con.sql(
                """
                SELECT coalesce(c.canonical_id, s.entity_id) FROM statements s
                LEFT JOIN canonical c USING (entity_id)
                WHERE s.prop = 'x:role' AND s.value IN ('migrant', 'victim', 'witness')
                """
            ).fetchall()
        }
        assert verify(ws.con) is None
    assert chosen and not chosen & protected


def test_demo_output_paths_are_inside_out(demo):
    for path in (demo.report, demo.analysis, demo.workspace):
        assert Path(path).exists()
