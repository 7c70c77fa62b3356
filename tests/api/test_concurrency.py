"""Many users at once, judging and ingesting: every judgement and every report lands,
the audit chain stays whole."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa
import pytest
from fastapi.testclient import TestClient

from crosslink.api import create_app
from crosslink.model import REPORT_SCHEMA, STATEMENT_SCHEMA
from crosslink.store import Workspace, verify
from crosslink.store.users import add_user
from tests.api.conftest import PASSWORD, report_row, statement, token

USERS = [f"analyst{i}" for i in range(6)]
INGESTERS = [f"investigator{i}" for i in range(3)]
FILES_EACH = 3
PAIRS_EACH = 8


@pytest.fixture
def busy(tmp_path):
    path = tmp_path / "ws.duckdb"
    people = [statement(f"p{i:03d}", "Person", "name", "name", f"Person {i}", "r-open")
              for i in range(2 * len(USERS) * PAIRS_EACH)]
    with Workspace.create(path) as ws:
        session = ws.session("loader", "setup")
        session.write_reports(pa.Table.from_pylist([report_row("r-open")], schema=REPORT_SCHEMA))
        session.write_statements(pa.Table.from_pylist(people, schema=STATEMENT_SCHEMA))
        for user in USERS:
            add_user(session, user, PASSWORD, "analyst")
        for user in INGESTERS:
            add_user(session, user, PASSWORD, "investigator")
    with TestClient(create_app(path)) as client:
        yield path, client


def test_concurrent_judgements_and_reads_are_all_kept(busy):
    path, client = busy
    headers = {u: token(client, u) for u in USERS}

    def work(n: int) -> list[int]:
        user = USERS[n]
        codes = []
        for k in range(PAIRS_EACH):
            i = 2 * (n * PAIRS_EACH + k)
            codes.append(client.post(
                f"/api/review/p{i:03d}~p{i + 1:03d}", headers=headers[user],
                json={"decision": ["same", "different", "unsure"][k % 3],
                      "reason": f"checked by {user}"}).status_code)
            codes.append(client.get(f"/api/search?q=Person {i}", headers=headers[user]
                                    ).status_code)
            codes.append(client.get(f"/api/entities/p{i:03d}", headers=headers[user]
                                    ).status_code)
        return codes

    def load(n: int) -> list[int]:
        user = INGESTERS[n]
        h = token(client, user)
        return [client.post("/api/ingest", headers=h,
                            files={"file": (f"note-{user}-{k}.txt",
                                            f"Report {k} by {user}: met Person {k} at Dover.")},
                            data={"grading": "2B", "handling": "P",
                                  "title": f"{user} note {k}"}).status_code
                for k in range(FILES_EACH)]

    with ThreadPoolExecutor(len(USERS) + len(INGESTERS)) as pool:
        judged = [pool.submit(work, n) for n in range(len(USERS))]
        loaded = [pool.submit(load, n) for n in range(len(INGESTERS))]
        codes = [c for f in judged + loaded for c in f.result()]
    assert set(codes) == {200}
    client.app.state.service.close()
    with Workspace.open(path) as ws:
        rows = ws.con.execute("SELECT username, count(*) FROM judgements GROUP BY 1").fetchall()
        assert dict(rows) == dict.fromkeys(USERS, PAIRS_EACH)
        assert verify(ws.con) is None  # no fork in the hash chain
        titles = {r[0] for r in ws.con.execute("SELECT title FROM reports").fetchall()}
        assert {f"{u} note {k}" for u in INGESTERS for k in range(FILES_EACH)} <= titles
        judged = ws.con.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'alteration' AND detail LIKE '%judgement%'"
        ).fetchall()[0][0]
        assert judged == len(USERS) * PAIRS_EACH


def test_a_judgement_on_an_unseen_entity_is_404(busy):
    _, client = busy
    h = token(client, USERS[0])
    answer = client.post("/api/review/p000~nobody", headers=h, json={"decision": "same"})
    assert answer.status_code == 404
    assert client.post("/api/review/p000", headers=h, json={"decision": "same"}).status_code == 400
