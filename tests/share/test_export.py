"""Exports: what leaves is what the policy released, with its marking, and reads back."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from crosslink.errors import InputError
from crosslink.ingest.ftm import ingest_ftm
from crosslink.ingest.reports import ReportOptions
from crosslink.share.anx import read_anx
from crosslink.share.export import export, plan
from crosslink.store import Workspace
from tests.share.conftest import SOURCE_IDENTITY


def _export(ws: Workspace, fmt: str, out: Path, to: str = "uk-force") -> None:
    export(ws.session("ana", "sharing"), to, fmt, out, justification="Op Kestrel: joint arrest planning")


def _released_values(ws: Workspace, to: str = "uk-force") -> set[tuple[str, str, str, str]]:
    rel = plan(ws.session("ana", "test"), to).released.to_pylist()
    return {(r["entity_id"], r["prop"], r["value"], r["report_id"]) for r in rel}


def test_ftm_export_reingests_to_the_same_entities_and_values(workspace, tmp_path):
    out = tmp_path / "out.ftm.json"
    _export(workspace, "ftm", out)
    expected = {(e, p, v) for e, p, v, _ in _released_values(workspace) if not p.startswith("x:")}
    from crosslink.ingest.readers import is_ftm_stream

    assert is_ftm_stream(out)  # `crosslink ingest` takes it as an FtM stream by its content
    with Workspace.create(tmp_path / "partner.duckdb") as partner:
        s = partner.session("partner", "import")
        ingest_ftm(s, out, ReportOptions(grading="1B", handling="P"))
        got = {tuple(r) for r in partner.con.execute("SELECT entity_id, prop, value FROM statements").fetchall()}
    assert got == expected


def test_ftm_export_carries_each_values_report_grading_and_handling(workspace, tmp_path):
    out = tmp_path / "out.ftm.json"
    _export(workspace, "ftm", out)
    lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    marks = {(s["entity_id"], s["prop"], s["value"], json.loads(s["origin"])["report"])
             for line in lines for s in line["statements"]}
    assert marks == {m for m in _released_values(workspace) if not m[1].startswith("x:")}
    cond = [json.loads(s["origin"]) for line in lines for s in line["statements"]
            if json.loads(s["origin"])["handling"] == "C"]
    assert cond and all(c["conditions"] == "A2 S2: not to be used as evidence" and c["grading"] == "1A" for c in cond)


def test_the_ftm_tool_reads_the_export(workspace, tmp_path):
    from followthemoney.cli.cli import cli

    out = tmp_path / "out.ftm.json"
    _export(workspace, "ftm", out)
    result = CliRunner().invoke(cli, ["validate", "-i", str(out)])
    assert result.exit_code == 0, result.output
    ids = {json.loads(line)["id"] for line in result.output.splitlines() if line.strip()}
    assert ids == {json.loads(line)["id"] for line in out.read_text("utf-8").splitlines()}


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_graph_exports_read_back_in_networkx_with_typed_attributes(workspace, tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    _export(workspace, fmt, out)
    from crosslink.share.graphs import to_networkx

    expected = to_networkx(plan(workspace.session("ana", "t"), "uk-force").released)
    graph = nx.read_gexf(out) if fmt == "gexf" else nx.read_graphml(out)
    assert set(graph.nodes) == set(expected.nodes) and "p-open" in graph.nodes
    assert sorted((u, v) for u, v in graph.edges()) == sorted((u, v) for u, v in expected.edges())
    assert len(graph.edges) == 2  # the calls from 'cond' and 'chis' to 'open'; others withheld
    for node, data in expected.nodes(data=True):
        got = graph.nodes[node]
        for key in ("schema", "reports", "gradings", "handling", "phone", "x:role"):
            assert got.get(key) == data.get(key), (node, key)
        assert isinstance(got["protected_source"], bool) and isinstance(got["statements"], int)
    edge = next(d for _, _, d in graph.edges(data=True) if "C (" in d["handling"])
    assert edge["handling"] == "C (A2 S2: not to be used as evidence)" and edge["kind"] == "Call"


def test_xlsx_has_a_sheet_per_schema_and_never_a_formula(workspace, tmp_path):
    out = tmp_path / "out.xlsx"
    _export(workspace, "xlsx", out)
    book = load_workbook(out)
    assert book.sheetnames == ["Call", "Person", "Provenance"]
    person = book["Person"]
    header = [c.value for c in person[1]]
    notes = [row[header.index("notes")].value for row in person.iter_rows(min_row=2) if row[header.index("notes")].value]
    assert notes == ["'=HYPERLINK(\"http://evil\")"]
    assert all(c.data_type != "f" for sheet in book for row in sheet.iter_rows() for c in row)
    prov = book["Provenance"]
    assert prov.max_row - 1 == plan(workspace.session("ana", "t"), "uk-force").released.num_rows


def test_anx_reads_back_with_items_links_and_grades(workspace, tmp_path):
    out = tmp_path / "out.anx"
    _export(workspace, "anx", out)
    chart = read_anx(out)
    released = plan(workspace.session("ana", "t"), "uk-force").released.to_pylist()
    people = {r["entity_id"] for r in released if r["schema"] == "Person"}
    assert {e.identity for e in chart.entities} == people
    assert {(lk.end1, lk.end2) for lk in chart.links} == {("p-cond", "p-open"), ("p-chis", "p-open")}
    cond = next(e for e in chart.entities if e.identity == "p-cond")
    assert cond.grades == ("1 (uk-3x5x2)", "A (uk-3x5x2)", "C")
    assert cond.attributes["Handling conditions"] == "A2 S2: not to be used as evidence"
    open_ = next(e for e in chart.entities if e.identity == "p-open")
    assert open_.source_reference in {r["report_id"] for r in released}
    assert {c[0] for c in open_.cards} == {r["report_id"] for r in released if r["entity_id"] == "p-open"}


@pytest.mark.parametrize("fmt", ["ftm", "gexf", "graphml", "xlsx", "anx"])
def test_no_export_holds_the_protected_sources_identity(workspace, tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    from crosslink.store import Clearance

    s = workspace.session("handler", "sharing", clearance=Clearance(roles=frozenset({"source-unit"})))
    export(s, "nca", fmt, out, justification="test")
    data = out.read_bytes()
    assert b"CHIS-4471" not in data and b"Marsh" not in data
    assert SOURCE_IDENTITY not in data.decode("utf-8", "replace")


def test_an_export_is_one_audited_disclosure(workspace, tmp_path):
    out = tmp_path / "out.gexf"
    _export(workspace, "gexf", out)
    rows = workspace.con.execute("SELECT username, action, detail FROM audit_log WHERE action = 'disclosure'").fetchall()
    assert len(rows) == 1
    user, _, detail = rows[0]
    d = json.loads(detail)
    assert user == "ana" and d["recipient"] == "uk-force" and d["justification"].startswith("Op Kestrel")
    assert "p-open" in d["entity_ids"] and d["released"] > 0 and d["withheld"] > 0
    assert "handling code 4: not to leave the originating agency" in d["withheld_by_reason"]
    from crosslink.store import verify

    assert verify(workspace.con) is None  # the disclosure is on the hash chain


def test_export_needs_a_justification_and_leaves_nothing_on_error(workspace, tmp_path):
    with pytest.raises(InputError, match="justification"):
        export(workspace.session("ana", "t"), "uk-force", "ftm", tmp_path / "x.json", justification=" ")
    with pytest.raises(InputError, match="unknown format"):
        export(workspace.session("ana", "t"), "uk-force", "pdf", tmp_path / "x.pdf", justification="j")
    assert list(tmp_path.iterdir()) == [tmp_path / "ws.duckdb"] or not any(
        p.suffix in (".json", ".pdf") for p in tmp_path.iterdir())


def test_igraph_reads_the_graphml(workspace, tmp_path):
    import igraph as ig

    out = tmp_path / "out.graphml"
    _export(workspace, "graphml", out)
    g = ig.Graph.Read_GraphML(str(out))
    graph = nx.read_graphml(out)
    assert g.vcount() == graph.number_of_nodes() and g.ecount() == graph.number_of_edges()
    assert sorted(g.vs["id"]) == sorted(graph.nodes)
    assert set(g.vs["schema"]) == {"Person"}


def test_anx_links_carry_the_calls_date_for_the_timeline(workspace, tmp_path):
    out = tmp_path / "out.anx"
    _export(workspace, "anx", out)
    dates = {lk.end1: lk.date for lk in read_anx(out).links}
    released = plan(workspace.session("ana", "t"), "uk-force").released.to_pylist()
    call_date = next(r["value"] for r in released if r["entity_id"] == "call-cond" and r["prop"] == "date")
    assert dates["p-cond"] == f"{call_date}T00:00:00"
