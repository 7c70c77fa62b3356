from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from crosslink.cli import app
from crosslink.network import from_adjacency_csv, key_players, render_html

from .conftest import build_small_workspace, two_cliques_with_bridge

runner = CliRunner()


def _csv(tmp_path: Path) -> Path:
    f = tmp_path / "edges.csv"
    rows = ["a,b,w"] + [f"{x},{y},1" for x, y in two_cliques_with_bridge(5)]
    f.write_text("\n".join(rows) + "\n")
    return f


def test_analyse_edge_list(tmp_path: Path) -> None:
    out, html = tmp_path / "r.json", tmp_path / "r.html"
    res = runner.invoke(
        app,
        [
            "network",
            "analyse",
            str(_csv(tmp_path)),
            "--source",
            "a",
            "--target",
            "b",
            "--weight",
            "w",
            "--k",
            "1",
            "--out",
            str(out),
            "--html",
            str(html),
        ],
    )
    assert res.exit_code == 0, res.output
    rep = json.loads(out.read_text())
    assert rep["summary"]["nodes"] == 11 and rep["summary"]["communities"] == 2
    assert [c["id"] for c in rep["key_players"]["chosen"]] == ["bridge"]
    assert rep["centrality"]["betweenness"][0]["id"] == "bridge"
    assert "protected_roles" in rep["policy"]
    assert "<table>" in html.read_text()


def test_disrupt_writes_ordered_plan(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    res = runner.invoke(
        app,
        [
            "network",
            "disrupt",
            str(_csv(tmp_path)),
            "--source",
            "a",
            "--target",
            "b",
            "--k",
            "1",
            "--arrest",
            "a0",
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    plan = json.loads(out.read_text())
    assert plan["plan"]["chosen"][0]["id"] == "bridge"
    assert plan["plan"]["largest_component_before"] == 11
    assert plan["what_if"]["largest_after"] == 6  # a1..a4 split off


def test_bad_column_exits_1_naming_it(tmp_path: Path) -> None:
    res = runner.invoke(
        app,
        [
            "network",
            "analyse",
            str(_csv(tmp_path)),
            "--source",
            "a",
            "--target",
            "nope",
            "--out",
            str(tmp_path / "r.json"),
        ],
    )
    assert res.exit_code == 1 and "nope" in res.output


def test_analyse_workspace_with_evidence(tmp_path: Path) -> None:
    from crosslink.store import Workspace

    ws_path = tmp_path / "ws.duckdb"
    with Workspace.create(ws_path) as ws:
        build_small_workspace(ws.con, create=False)
    out = tmp_path / "r.json"
    res = runner.invoke(
        app, ["network", "analyse", str(ws_path), "--min-grading", "2B", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    rep = json.loads(out.read_text())
    assert rep["provenance"]["reports_used"] == 1
    assert {e["source"] + "-" + e["target"] for e in rep["edges"]} >= {"p1-p2"} or any(
        {e["source"], e["target"]} == {"p1", "p2"} for e in rep["edges"]
    )
    assert all(e["report_ids"] == ["R1"] for e in rep["edges"])


def test_html_escapes_data() -> None:
    rep = {
        "summary": {"nodes": 1},
        "policy": {"note": "<b>x</b>"},
        "communities": [
            {"id": 0, "size": 1, "stability": 1.0, "members": ["<script>alert(1)</script>"]}
        ],
        "centrality": {"degree": [{"id": "<img src=x>", "label": "&", "value": 1.0}]},
    }
    page = render_html(rep)
    assert "<script>" not in page and "<img" not in page and "&lt;script&gt;" in page


@pytest.mark.shared
def test_key_players_beat_degree_and_betweenness_on_real_covert_networks(shared_data: Path) -> None:
    folder = shared_data / "criminal_networks"
    files = sorted((folder / "ucinet_covert_networks").glob("*.csv"))
    files = [f for f in files if "_2M" not in f.name]
    gains = []
    for f in files:
        net = from_adjacency_csv(f)
        k = max(2, round(0.05 * net.n))
        plan = key_players(net, k)
        best_baseline = max(b["fragmentation_after"] for b in plan.baselines.values())
        assert plan.fragmentation_after >= best_baseline - 1e-12, f.name
        gains.append(plan.fragmentation_after - best_baseline)
        if f.name == "morselli_caviar.csv":
            top5 = key_players(net, 5)
            assert top5.baselines["degree"]["fragmentation_after"] == pytest.approx(
                0.827, abs=0.005
            )
            assert top5.fragmentation_after >= 0.83
    assert np.mean(gains) > 0


def _workspace_with_sightings(path: Path) -> None:
    from crosslink.store import Workspace

    from .conftest import WorkspaceBuilder

    with Workspace.create(path) as ws:
        ws.session("test", "setup")
        build_small_workspace(ws.con, create=False)
        w = WorkspaceBuilder(ws.con, create=False)
        for i, day in enumerate(("01", "02")):
            w.entity(f"cA{i}", "Call", "R1", caller="p1", x_cellSite="CELL9", date=f"2024-04-{day}T10:00:00")
            w.entity(f"cB{i}", "Call", "R1", caller="p5", x_cellSite="CELL9", date=f"2024-04-{day}T10:04:00")


def test_colocate_command_writes_the_pairs_seen_together(tmp_path: Path) -> None:
    ws = tmp_path / "ws.duckdb"
    _workspace_with_sightings(ws)
    out = tmp_path / "pairs.csv"
    result = CliRunner().invoke(app, ["network", "colocate", "-w", str(ws), "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open()))
    assert [(r["a"], r["b"], r["times"]) for r in rows] == [("p1", "p5", "2")]


def test_change_command_compares_two_windows(tmp_path: Path) -> None:
    ws = tmp_path / "ws.duckdb"
    _workspace_with_sightings(ws)
    out = tmp_path / "change.json"
    result = CliRunner().invoke(
        app, ["network", "change", "-w", str(ws), "--split", "2024-01-15", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    change = json.loads(out.read_text())
    # The first call (2024-01-05) is before the split; the second call, trip and payment after.
    assert change["edges_before"] >= 1 and change["edges_after"] >= 1
