"""The search index answers exactly as the scan of every visible statement did, and
never proposes what the caller may not see."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosslink.api import create_app, queries, search_index
from crosslink.api.service import Service
from crosslink.model import REPORT_SCHEMA, STATEMENT_SCHEMA
from crosslink.store import Workspace
from crosslink.store.users import add_user, get_user
from tests.api.conftest import PASSWORD, PEOPLE, build, statement, token, visible_people

COMPARTMENTS = [None, "OP-A", "OP-B"]
NAMES = ["Karwan Aziz", "KARWAN AZIZ", "Karwen Azis", "Soran Barzani", "Rebin Qadir",
         "Dilan Rashid", "Aram Jaff", "Hemin Salih", "Shvan Omar", "Baran Kaya"]
PHONES = ["+447911123456", "+447700900123"]
QUERIES = ["Karwan Aziz", "karwan", "Karwen Azis", "aziz", "Soran Barzni", "Rebin",
           "an", "Q", "07911 123456", "+44 7700 900123", "Nobody Atall", "Kaya"]


@contextmanager
def served(path: Path) -> Iterator[Service]:
    svc = Service.open(path)
    try:
        yield svc
    finally:
        svc.close()


def both(svc: Service, user: str, q: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(index answer, scan answer) for ``q`` as ``user``."""
    found = get_user(svc.workspace.con, user)
    assert found is not None
    snap = svc.search_index.current(svc.version)
    assert snap is not None, "the index is built at service start"
    with svc.borrow(found.clearance) as con:
        session = svc.session(con, found, "test", views_ready=True)
        return (queries.search(session, q, index=snap, limit=50),
                queries.search(session, q, index=None, limit=50))


def _same(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert a["total"] == b["total"]
    assert [(r["id"], r["caption"], r["match"]) for r in a["results"]] == \
        [(r["id"], r["caption"], r["match"]) for r in b["results"]]
    for x, y in zip(a["results"], b["results"], strict=True):
        assert x["score"] == pytest.approx(y["score"], abs=0.0015)


@st.composite
def worlds(draw: Any) -> tuple[Any, ...]:
    rs = draw(st.lists(st.sampled_from(COMPARTMENTS), min_size=1, max_size=4))
    n = draw(st.integers(1, 12))
    people = [(f"e{i}", draw(st.sampled_from(NAMES)),
               draw(st.lists(st.integers(0, len(rs) - 1), min_size=1, max_size=2,
                             unique=True)),
               draw(st.none() | st.sampled_from(PHONES))) for i in range(n)]
    clearance = draw(st.sets(st.sampled_from(["OP-A", "OP-B"])))
    # resolved clusters: entity index -> cluster number (as judgements leave them)
    clusters = draw(st.dictionaries(st.integers(0, n - 1), st.integers(0, 2), max_size=n))
    return rs, people, sorted(clearance), clusters


def _build(path: Path, world: tuple[Any, ...]) -> None:
    rs, people, clearance, clusters = world
    rows = []
    for e, name, where, phone in people:
        for k in where:
            rows.append(statement(e, "Person", "name", "name", name, f"r{k}"))
            if phone:
                rows.append(statement(e, "Person", "phone", "phone", phone, f"r{k}"))
    report_rows = []
    for k, compartment in enumerate(rs):
        row: dict[str, object] = {name: None for name in REPORT_SCHEMA.names}
        row.update(id=f"r{k}", compartment=compartment, grading="1B", handling_code="P",
                   grading_scheme="uk-3x5x2", originator="Kent Police", text="text")
        report_rows.append(row)
    with Workspace.create(path) as ws:
        session = ws.session("loader", "setup")
        session.write_reports(pa.Table.from_pylist(report_rows, schema=REPORT_SCHEMA))
        session.write_statements(pa.Table.from_pylist(rows, schema=STATEMENT_SCHEMA))
        add_user(session, "u", PASSWORD, "analyst", compartments=clearance)
        for i, k in clusters.items():
            ws.con.execute("INSERT INTO canonical (entity_id, canonical_id, schema) "
                           "VALUES (?, ?, 'Person')", [f"e{i}", f"NK-{k}"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world=worlds())
def test_the_index_answers_as_the_scan_over_random_workspaces(world: tuple[Any, ...]) -> None:
    rs, people, clearance, clusters = world
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ws.duckdb"
        _build(path, world)
        with served(path) as svc:
            for q in QUERIES:
                indexed, scanned = both(svc, "u", q)
                _same(indexed, scanned)
                # and from the rule: nobody outside the clearance, in results or total
                seen = {e for e, _, where, _ in people
                        if any(rs[k] is None or rs[k] in clearance for k in where)}
                keys = {f"NK-{clusters[int(e[1:])]}" if int(e[1:]) in clusters else e
                        for e in seen}
                assert {r["id"] for r in indexed["results"]} <= keys


def test_an_entity_outside_the_clearance_is_neither_shown_nor_counted(
        workspace_path: Path) -> None:
    with served(workspace_path) as svc:
        for user in ("ana", "kes", "sup"):
            for q in ("e-open", "e-kes", "+447911123456"):  # calls: "Call in Report r-open"
                _same(*both(svc, user, q))
            for e, (name, _) in PEOPLE.items():
                indexed, scanned = both(svc, user, name)
                _same(indexed, scanned)
                ids = {r["id"] for r in indexed["results"]}
                assert (e in ids) == (e in visible_people(user))
                assert indexed["total"] == len(ids)
                assert ids <= visible_people(user)


def test_a_query_matching_too_much_is_scanned_with_the_same_answer(
        workspace_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with served(workspace_path) as svc:
        snap = svc.search_index.current(svc.version)
        assert snap is not None
        monkeypatch.setattr(search_index, "MAX_CANDIDATE_ROWS", 1)
        assert snap.name_candidates("a", queries.FUZZY) is None
        indexed, scanned = both(svc, "sup", "a")
        _same(indexed, scanned)
        assert indexed["total"] >= 4


def test_a_report_ingested_through_the_service_is_found_once_the_index_is_rebuilt(
        tmp_path: Path) -> None:
    path = tmp_path / "ws.duckdb"
    build(path)
    with TestClient(create_app(path)) as client:
        h = token(client, "sup")  # supervisors may ingest
        assert client.get("/api/search?q=Zana Hawrami", headers=h).json()["total"] == 0
        text = b"Zana Hawrami met Karwan Aziz in Dover on 3 March 2024."
        answer = client.post("/api/ingest", headers=h, files={"file": ("note.txt", text)},
                             data={"grading": "1B", "handling": "P"})
        assert answer.status_code == 200, answer.text
        # straight after the write the index is stale: the search scans, so finds it
        first = client.get("/api/search?q=Zana Hawrami", headers=h).json()
        svc: Service = client.app.state.service  # type: ignore[attr-defined]
        svc.search_index.close()  # wait for the background rebuild
        assert svc.search_index.current(svc.version) is not None
        again = client.get("/api/search?q=Zana Hawrami", headers=h).json()
        assert first["total"] >= 1
        assert again == first
