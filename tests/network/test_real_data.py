"""Data nobody here wrote, end to end: ingest -> resolve -> network -> plan.

The VAST 2008 call records (400 phones, 9,834 calls) and the FtM donations stream
(payments from people and companies to German parties). Read in place from
../shared/data.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from crosslink.cli import app
from crosslink.network import disrupt, from_workspace
from crosslink.store import Workspace

pytestmark = pytest.mark.shared

VAST_PEOPLE = """
dataset: vast_cdr
report: {title: VAST 2008 call records, originator: VAST challenge, grading: 2B, handling: P}
entities:
  caller:
    schema: Person
    keys: [From]
    properties: {name: {column: From}}
  receiver:
    schema: Person
    keys: [To]
    properties: {name: {column: To}}
  call:
    schema: Call
    keys: [_row]
    properties:
      caller: {entity: caller}
      receiver: {entity: receiver}
      date: {column: Datetime, format: "%Y%m%d %H%M"}
      duration: {column: "Duration(seconds)"}
"""


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def _people(ws_path: Path) -> set[str]:
    with Workspace.open(ws_path) as ws:
        rows = ws.con.execute(
            "SELECT DISTINCT coalesce(c.canonical_id, s.entity_id) FROM statements s "
            "LEFT JOIN canonical c ON c.entity_id = s.entity_id WHERE s.schema = 'Person'"
        ).fetchall()
    return {r[0] for r in rows}


def test_vast_call_records_give_a_plan_of_people(shared_data: Path, tmp_path: Path) -> None:
    calls = shared_data / "formats" / "cdr" / "vast2008_mc3_cell_phone_calls.csv"
    mapping = tmp_path / "vast.yml"
    mapping.write_text(VAST_PEOPLE, encoding="utf-8")
    ws = tmp_path / "vast.duckdb"
    out = _run("ingest", str(calls), "-m", str(mapping), "-w", str(ws))
    assert "key(s)" not in out  # keyed by row: no collisions to warn about
    with Workspace.open(ws) as w:
        calls_kept = w.con.execute(
            "SELECT count(DISTINCT entity_id) FROM statements WHERE schema = 'Call'"
        ).fetchall()[0][0]
    assert calls_kept == 9834  # every row is a call: none merged
    _run("resolve", "-w", str(ws))
    with Workspace.open(ws) as w:
        net = from_workspace(w.session().con)
    assert net.n == 400
    plan = disrupt(net, 5, time_budget=5)
    chosen = [c["id"] for c in plan["plan"]["chosen"]]
    assert len(chosen) == 5 and set(chosen) <= _people(ws)
    _assert_readable_report(ws, tmp_path)


def _assert_readable_report(ws: Path, tmp_path: Path) -> None:
    """The same report as the demo's, for this workspace: names, never 40-character ids."""
    import json
    import re

    html = tmp_path / "report.html"
    _run("network", "analyse", "--out", str(tmp_path / "a.json"), "--html", str(html), "-w", str(ws))
    text = html.read_text(encoding="utf-8")
    payload = re.search(r'id="crosslink-data">(.*?)</script>', text, re.S)
    assert payload is not None and 'id="groups"' in text and 'id="plan"' in text
    entities = json.loads(payload.group(1))["entities"]
    assert entities and not [e["label"] for e in entities.values() if re.fullmatch(r"[0-9a-f]{40}", e["label"])]


def test_donations_stream_targets_people_not_parties(shared_data: Path, tmp_path: Path) -> None:
    stream = shared_data / "formats" / "ftm" / "donations.ijson"
    ws = tmp_path / "donations.duckdb"
    _run("ingest", str(stream), "--grading", "2B", "--handling", "P", "--originator",
         "Bundestag", "-w", str(ws))
    _run("resolve", "-w", str(ws))
    plan_file = tmp_path / "plan.json"
    out = _run("network", "disrupt", "--k", "5", "--out", str(plan_file), "-w", str(ws))
    import json

    plan = json.loads(plan_file.read_text(encoding="utf-8"))
    chosen = [c["id"] for c in plan["plan"]["chosen"]]
    assert chosen and set(chosen) <= _people(ws)
    assert "organisations" in plan["policy"]["note"] and "Targets are people only" in out
    parties = {"CDU", "CSU", "SPD", "FDP", "GRÜNE", "DIE LINKE"}
    assert not parties & {c["label"].strip() for c in plan["plan"]["chosen"]}
    _assert_readable_report(ws, tmp_path)
