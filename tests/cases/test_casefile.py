"""A whole simulated group as a case file: every sentence cited, nothing sensitive as evidence."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from crosslink.cases import add_group, export_case, new_case
from crosslink.cases.facts import case_facts
from crosslink.store import Workspace, verify

from .conftest import biggest_group_with_suspects

CITATION = re.compile(r"\[([^\[\]]+)\]$")


@pytest.fixture(scope="module")
def built(scenario: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The biggest group as case OP-1, with three of its reports made intelligence-only
    (a protected source, Europol H1, an "intelligence only" condition), exported."""
    base = tmp_path_factory.mktemp("casefile")
    path = base / "ws.duckdb"
    shutil.copy(scenario["workspace"], path)
    with Workspace.open(path) as ws:
        session = ws.session("oic", "case file test")
        new_case(session, "OP-1", ["s25", "poca_s328"], title="Operation HERON")
        number, members = biggest_group_with_suspects(scenario["data"], ws)
        add_group(session, "OP-1", members, label=f"group {number}")
        facts = case_facts(session, "OP-1").to_pylist()
        # Text reports about different suspects, so each restriction has its own victim.
        texts: dict[str, str] = {}
        for f in facts:
            if f["kind"] == "mention" and f["not_evidence"] is None and f["suspect"] not in texts.values():
                texts.setdefault(f["report_id"], f["suspect"])
        chosen = sorted(texts)[:3]
        assert len(chosen) == 3, "the group has text reports about three suspects"
        restricted = {
            chosen[0]: "UPDATE reports SET protected_source = TRUE WHERE id = ?",
            chosen[1]: "UPDATE reports SET handling_code = 'H1', grading_scheme = 'europol-4x4' WHERE id = ?",
            chosen[2]: "UPDATE reports SET handling_code = 'C', handling_conditions = "
                       "'Intelligence only: not for evidential use' WHERE id = ?",
        }
        originals = {rid: ws.con.execute("SELECT text FROM reports WHERE id = ?", [rid]).fetchall()[0][0]
                     for rid in restricted}
        for rid, sql in restricted.items():
            ws.con.execute(sql, [rid])
        session = ws.session("oic", "case file test")
        result = export_case(session, "OP-1", base / "out")
        visible = {r[0]: r for r in ws.con.sql(
            "SELECT id, originator, grading, handling_code, protected_source FROM reports").fetchall()}
        assert verify(ws.con) is None
        disclosed = ws.con.sql("SELECT detail FROM audit_log WHERE action = 'disclosure' "
                               "AND object = 'case:OP-1'").fetchall()
        assert len(disclosed) == 1 and "OP-1-MG5.docx" in disclosed[0][0]
    return {"result": result, "restricted": originals, "reports": visible, "path": path,
            "out": base / "out"}


def _docx_sentences(path: Path) -> tuple[list[str], list[str]]:
    from docx import Document

    doc = Document(str(path))
    body = [p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Body Text"]
    everything = [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return body, everything


def test_every_sentence_of_the_docx_cites_a_report_that_resolves(built):
    body, _ = _docx_sentences(Path(built["result"]["files"]["mg5_docx"]))
    assert len(body) >= 30, "a whole group makes a substantial summary"
    reports = built["reports"]
    with Workspace.open(built["path"]) as ws:
        items = {r[0] for r in ws.con.sql(
            "SELECT 'D' || number FROM case_schedule WHERE case_id = 'OP-1' AND schedule = 'MG6D'").fetchall()}
    resolved = 0
    for sentence in body:
        found = CITATION.search(sentence)
        assert found, f"sentence without a citation: {sentence!r}"
        for cite in found.group(1).split(" | "):
            if cite.startswith("sensitive schedule item "):
                assert cite.removeprefix("sensitive schedule item ") in items
                continue
            prefix, originator, grading, handling = cite.split(" · ")
            matches = [r for rid, r in reports.items() if rid.startswith(prefix)]
            assert len(matches) == 1, f"citation {cite!r} does not resolve to one report"
            rid, orig, grade, code, protected = matches[0]
            assert (originator, grading, handling.split(" (")[0]) == (orig, grade, code)
            assert rid not in built["restricted"]
            resolved += 1
    assert resolved >= len(body) - len(items)


def test_no_intelligence_only_material_in_any_output(built):
    import pypdfium2 as pdfium
    from openpyxl import load_workbook

    files = built["result"]["files"]
    outputs: dict[str, str] = {}
    _, everything = _docx_sentences(Path(files["mg5_docx"]))
    outputs["docx"] = "\n".join(everything)
    pdf = pdfium.PdfDocument(files["mg5_pdf"])
    outputs["pdf"] = "\n".join(page.get_textpage().get_text_range() for page in pdf)
    pdf.close()
    outputs["json"] = Path(files["mg5_json"]).read_text(encoding="utf-8")
    for key in ("mg6c_csv", "mg6d_csv", "facts_csv"):
        outputs[key] = Path(files[key]).read_text(encoding="utf-8")
    for key in ("mg6c_xlsx", "mg6d_xlsx"):
        book = load_workbook(files[key])
        outputs[key] = "\n".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row)
    for rid, text in built["restricted"].items():
        snippet = " ".join(text.split())[:40]
        for name, content in outputs.items():
            assert rid[:12] not in content, f"{name} names restricted report {rid[:12]}"
            assert snippet not in " ".join(content.split()), f"{name} quotes restricted report {rid[:12]}"
    # ...but they are pointed to, sanitised, and scheduled as sensitive
    assert "sensitive schedule as item" in outputs["docx"]
    rows = list(csv.DictReader(Path(files["mg6d_csv"]).open(encoding="utf-8")))
    assert len(rows) >= 3
    reasons = {r["sensitivity"] for r in rows}
    assert {"source protection", "handling code H1", "handling conditions: intelligence only"} <= reasons
    for r in rows:
        assert r["description"].startswith("Sensitive material held by the disclosure officer")


def test_summary_cites_only_evidential_reports(built):
    data = json.loads(Path(built["result"]["files"]["mg5_json"]).read_text(encoding="utf-8"))
    cited = [c for sec in data["sections"] for c in _citations(sec)]
    assert cited
    for c in cited:
        if c["schedule_item"]:
            assert c["report_id"] is None and c["originator"] is None
        else:
            rid, orig, grade, code, protected = built["reports"][c["report_id"]]
            assert not protected and code not in ("H1", "H2") and rid not in built["restricted"]


def test_the_network_extract_cites_each_hop(built):
    data = json.loads(Path(built["result"]["files"]["mg5_json"]).read_text(encoding="utf-8"))
    network = [s for s in data["sections"] if s["key"] == "network"]
    assert network and network[0]["subsections"], "the group's suspects are linked by evidenced paths"
    for path in network[0]["subsections"]:
        assert path["sentences"]
        for hop in path["sentences"]:
            assert hop["citations"] and all(c["report_id"] in built["reports"] for c in hop["citations"])


def _citations(section: dict[str, Any]) -> list[dict[str, Any]]:
    out = [c for s in section["sentences"] for c in s["citations"]]
    for sub in section["subsections"]:
        out += _citations(sub)
    return out


def test_pdf_renders_non_blank_pages_of_the_expected_count(built):
    import pypdfium2 as pdfium
    from docx import Document

    path = built["result"]["files"]["mg5_pdf"]
    pdf = pdfium.PdfDocument(path)
    try:
        pages = len(pdf)
        assert pages == built["result"]["pdf_pages"], "the file has the pages the renderer laid out"
        # As many pages as the text needs: between 60 and 8 paragraphs a page.
        paragraphs = sum(1 for p in Document(built["result"]["files"]["mg5_docx"]).paragraphs if p.text)
        assert paragraphs / 60 <= pages <= paragraphs / 8
        for index in range(pages):
            image = pdf[index].render(scale=0.5).to_pil().convert("L")
            lo, hi = image.getextrema()
            dark = sum(image.histogram()[:128])
            assert hi - lo > 100 and dark > 50, f"page {index + 1} is blank"
            if index < pages - 1:
                assert dark > 300, f"page {index + 1} is nearly empty"
    finally:
        pdf.close()


def test_the_facts_export_holds_every_evidential_fact_with_its_citation(built):
    rows = list(csv.DictReader(Path(built["result"]["files"]["facts_csv"]).open(encoding="utf-8")))
    assert len(rows) > built["result"]["sentences"] / 4
    for r in rows:
        rid, orig, grade, code, protected = built["reports"][r["report_id"]]
        assert rid not in built["restricted"] and not protected
        assert (r["originator"], r["grading"], r["handling_code"]) == (orig, grade, code)


def test_a_user_without_the_compartment_gets_a_case_file_without_it(scenario, tmp_path):
    from crosslink.store import Clearance

    path = tmp_path / "ws.duckdb"
    shutil.copy(scenario["workspace"], path)
    with Workspace.open(path) as ws:
        session = ws.session("oic", "case file test")
        new_case(session, "OP-1", ["s25"])
        number, members = biggest_group_with_suspects(scenario["data"], ws)
        add_group(session, "OP-1", members, label=f"group {number}")
        facts = case_facts(session, "OP-1").to_pylist()
        secret = sorted({f["report_id"] for f in facts if f["kind"] == "mention"})[:4]
        assert secret
        ws.con.execute("UPDATE reports SET compartment = 'op-secret' WHERE id IN (SELECT unnest(?::VARCHAR[]))",
                       [secret])
        outsider = ws.session("analyst", "case file test", clearance=Clearance(compartments=frozenset({"other"})))
        result = export_case(outsider, "OP-1", tmp_path / "out", with_network=False)
        texts = [Path(p).read_text(encoding="utf-8") for k, p in result["files"].items() if k.endswith(("json", "csv"))]
        for rid in secret:
            assert all(rid[:12] not in t for t in texts)
        # the schedules it made hold no item the outsider could not see
        rows = ws.con.sql("SELECT report_id FROM case_schedule WHERE case_id = 'OP-1'").fetchall()
        assert not {r[0] for r in rows} & set(secret)
