"""Property: over random workspaces and users, nothing outside a clearance leaks."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pyarrow as pa
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosslink.api import create_app
from crosslink.model import REPORT_SCHEMA, STATEMENT_SCHEMA
from crosslink.store import Workspace
from crosslink.store.users import add_user
from tests.api.conftest import PASSWORD, statement, token

COMPARTMENTS = [None, "OP-A", "OP-B", "DSU"]
NAMES = ["Karwan Aziz", "Soran Barzani", "Rebin Qadir", "Dilan Rashid", "Aram Jaff",
         "Hemin Salih", "Shvan Omar", "Baran Kaya"]

reports = st.lists(st.tuples(st.sampled_from(COMPARTMENTS), st.booleans(),
                             st.sampled_from(["P", "C", "H2"])), min_size=1, max_size=5)


@st.composite
def worlds(draw):
    rs = draw(reports)
    n = draw(st.integers(2, len(NAMES)))
    # each person stated by one or two reports; calls between random pairs
    people = [(f"e{i}", NAMES[i], draw(st.lists(st.integers(0, len(rs) - 1), min_size=1,
                                                 max_size=2, unique=True))) for i in range(n)]
    calls = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1),
                                    st.integers(0, len(rs) - 1)), max_size=6))
    clearance = draw(st.sets(st.sampled_from(["OP-A", "OP-B", "DSU"])))
    return rs, people, calls, sorted(clearance)


def _build(path: Path, world) -> None:
    rs, people, calls, clearance = world
    rows = []
    for e, name, where in people:
        rows += [statement(e, "Person", "name", "name", name, f"r{k}") for k in where]
    for j, (a, b, k) in enumerate(calls):
        if a != b:
            rows += [statement(f"c{j}", "Call", "caller", "entity", f"e{a}", f"r{k}"),
                     statement(f"c{j}", "Call", "receiver", "entity", f"e{b}", f"r{k}")]
    report_rows = []
    for k, (compartment, protected, handling) in enumerate(rs):
        row = {name: None for name in REPORT_SCHEMA.names}
        row.update(id=f"r{k}", compartment=compartment, protected_source=protected,
                   handling_code=handling, grading="1B", grading_scheme="uk-3x5x2",
                   originator="Kent Police", text="secret text")
        report_rows.append(row)
    with Workspace.create(path) as ws:
        session = ws.session("loader", "setup")
        session.write_reports(pa.Table.from_pylist(report_rows, schema=REPORT_SCHEMA))
        session.write_statements(pa.Table.from_pylist(rows, schema=STATEMENT_SCHEMA))
        add_user(session, "u", PASSWORD, "analyst", compartments=clearance)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_no_entity_outside_the_clearance_shows_anywhere(world):
    rs, people, calls, clearance = world
    allowed = {k for k, (c, _, _) in enumerate(rs) if c is None or c in clearance}
    visible = {e for e, _, where in people if set(where) & allowed}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ws.duckdb"
        _build(path, world)
        with TestClient(create_app(path)) as client:
            h = token(client, "u")
            for e, name, _ in people:
                profile = client.get(f"/api/entities/{e}?justification=test", headers=h)
                assert (profile.status_code == 200) == (e in visible)
                if e not in visible:
                    assert profile.json() == {"detail": "not found"}
                found = client.get(f"/api/search?q={name}", headers=h).json()
                ids = {r["id"] for r in found["results"]}
                assert ids <= visible and found["total"] == len(ids)
                assert (e in ids) == (e in visible)
            for e in visible:
                graph = client.get(f"/api/entities/{e}/graph?hops=3", headers=h).json()
                assert {n["id"] for n in graph["nodes"]} <= visible
            players = client.get("/api/key-players?k=3", headers=h).json()
            assert {c["id"] for c in players.get("chosen", [])} <= visible
