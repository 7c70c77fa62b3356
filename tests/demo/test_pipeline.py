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
    drawn = [n["id"] for n in data["graph"]["nodes"]]
    assert all(node in data["entities"] for node in drawn)
    cited = [r for n in drawn for e in data["entities"][n]["evidence"] for r in e["reports"]]
    cited += [r for edge in data["graph"]["edges"] for e in edge["evidence"] for r in e["reports"]]
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


def test_every_listed_name_opens_its_evidence_drawn_or_not(demo, tmp_path):
    """Groups, plan and key players list people the picture may not draw: each link opens
    that person's evidence (in Chromium, clicking every one)."""
    import shutil

    chromedriver, chromium = shutil.which("chromedriver"), shutil.which("chromium")
    if not chromedriver or not chromium:
        pytest.skip("needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1400,1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    try:
        driver.get(demo.report.as_uri())
        result = driver.execute_script(
            """
            var errors = [];
            window.addEventListener('error', function (e) { errors.push(String(e.message)); });
            var panel = document.getElementById('panel');
            var links = Array.from(document.querySelectorAll('#groups [data-node], #plan [data-node]'));
            var bad = [], undrawn = 0;
            links.forEach(function (link) {
              var id = link.getAttribute('data-node');
              try { link.click(); } catch (e) { errors.push(String(e)); }
              var text = panel.textContent;
              if (panel.getAttribute('data-selected') !== id || !/Evidence \\((\\d+)\\)/.test(text)
                  || /Evidence \\(0\\)/.test(text)) bad.push(id);
              if (text.indexOf('Not drawn in the picture') >= 0) undrawn += 1;
            });
            return {links: links.length, bad: bad, undrawn: undrawn, errors: errors};
            """
        )
    finally:
        driver.quit()
    assert result["links"] > 50 and result["errors"] == []
    assert result["bad"] == [], f"{len(result['bad'])} names open no evidence"
    assert result["undrawn"] > 0  # names the picture does not draw were clicked too
