"""A small workspace made at test time: reports in and out of compartments, a
protected human source, an H-coded report, calls between people, and one account
per role."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from crosslink.model import REPORT_SCHEMA, STATEMENT_SCHEMA, make_id
from crosslink.store import Workspace
from crosslink.store.users import add_user

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)
from fastapi.testclient import TestClient  # noqa: E402

from crosslink.api import create_app  # noqa: E402

PASSWORD = "correct horse battery"

# report id -> (compartment, protected source, handling code)
REPORTS = {
    "r-open": (None, False, "P"),
    "r-kes": ("OP-KESTREL", False, "P"),
    "r-dsu": ("DSU", True, "C"),
    "r-chis": (None, True, "P"),
    "r-h2": (None, False, "H2"),
}
# entity -> (name, report)
PEOPLE = {
    "e-open": ("Karwan Aziz", "r-open"),
    "e-kes": ("Soran Barzani", "r-kes"),
    "e-dsu": ("Rebin Qadir", "r-dsu"),
    "e-chis": ("Dilan Rashid", "r-chis"),
    "e-h": ("Aram Jaff", "r-h2"),
}
# call -> (caller, receiver, report)
CALLS = {
    "call-kes": ("e-open", "e-kes", "r-kes"),
    "call-h": ("e-open", "e-h", "r-open"),
    "call-dsu": ("e-open", "e-dsu", "r-dsu"),
    # an open report naming an entity known only in OP-KESTREL: the call is visible to
    # everyone, the entity at its other end only to those cleared for OP-KESTREL
    "call-open": ("e-h", "e-kes", "r-open"),
}
# user -> (role, compartments, source unit)
USERS = {
    "ana": ("analyst", [], False),
    "kes": ("analyst", ["OP-KESTREL"], False),
    "handler": ("source-unit-handler", ["DSU"], True),
    "sup": ("supervisor", ["*"], False),
    "partner": ("partner-liaison", [], False),
    "inv": ("investigator", ["OP-KESTREL"], False),
    "aud": ("auditor", [], False),
}
SECRET_TEXT = "met the source at the usual place"


def report_row(rid: str) -> dict[str, object]:
    compartment, protected, handling = REPORTS[rid]
    row: dict[str, object] = {name: None for name in REPORT_SCHEMA.names}
    row.update(id=rid, title=f"Report {rid}", compartment=compartment, protected_source=protected,
               text=SECRET_TEXT if protected else "text", originator="Kent Police",
               grading="1B", grading_scheme="uk-3x5x2", handling_code=handling,
               reported_at="2024-03-01")
    return row


def statement(entity: str, schema: str, prop: str, prop_type: str, value: str,
              report: str) -> dict[str, object]:
    row: dict[str, object] = {name: None for name in STATEMENT_SCHEMA.names}
    row.update(id=make_id(report, entity, prop, value), entity_id=entity, schema=schema,
               prop=prop, prop_type=prop_type, value=value, report_id=report)
    return row


def build(path: Path) -> None:
    rows = [statement(e, "Person", "name", "name", name, r) for e, (name, r) in PEOPLE.items()]
    rows.append(statement("e-open", "Person", "phone", "phone", "+447911123456", "r-open"))
    for call, (a, b, r) in CALLS.items():
        rows += [statement(call, "Call", "caller", "entity", a, r),
                 statement(call, "Call", "receiver", "entity", b, r)]
    with Workspace.create(path) as ws:
        session = ws.session("loader", "test setup")
        session.write_reports(pa.Table.from_pylist([report_row(r) for r in REPORTS],
                                                   schema=REPORT_SCHEMA))
        session.write_statements(pa.Table.from_pylist(rows, schema=STATEMENT_SCHEMA))
        for name, (role, compartments, su) in USERS.items():
            add_user(session, name, PASSWORD, role, compartments=compartments, source_unit=su)


def visible_people(user: str) -> set[str]:
    """What the user may see, from the rule (not from the code under test)."""
    _, compartments, _ = USERS[user]
    return {e for e, (_, r) in PEOPLE.items()
            if REPORTS[r][0] is None or "*" in compartments or REPORTS[r][0] in compartments}


@pytest.fixture(scope="module")
def workspace_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("api") / "ws.duckdb"
    build(path)
    return path


@pytest.fixture(scope="module")
def client(workspace_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(workspace_path)) as c:
        yield c


def token(client: TestClient, user: str) -> dict[str, str]:
    answer = client.post("/api/token", data={"username": user, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


@pytest.fixture(scope="module")
def headers(client: TestClient) -> dict[str, dict[str, str]]:
    return {user: token(client, user) for user in USERS}
