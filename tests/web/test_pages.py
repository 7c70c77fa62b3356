"""The pages: log in with a cookie, CSRF on every form, everything escaped, JSON too."""

from __future__ import annotations

import re

import pyarrow as pa
import pytest
from fastapi.testclient import TestClient

from crosslink.api import create_app
from crosslink.model import STATEMENT_SCHEMA
from crosslink.store import Workspace
from tests.api.conftest import PASSWORD, build, statement

XSS = '<script>alert("x")</script> Karwan'


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    path = tmp_path_factory.mktemp("web") / "ws.duckdb"
    build(path)
    with Workspace.open(path) as ws:
        ws.session("loader", "setup").write_statements(pa.Table.from_pylist(
            [statement("e-xss", "Person", "name", "name", XSS, "r-open"),
             statement("call-x", "Call", "caller", "entity", "e-xss", "r-open"),
             statement("call-x", "Call", "receiver", "entity", "e-open", "r-open")],
            schema=STATEMENT_SCHEMA))
    with TestClient(create_app(path)) as c:
        yield c


def _login(client, user="ana"):
    client.cookies.clear()
    answer = client.post("/login", data={"username": user, "password": PASSWORD},
                         follow_redirects=False)
    assert answer.status_code == 303 and "httponly" in answer.headers["set-cookie"].lower()
    assert "samesite=strict" in answer.headers["set-cookie"].lower()
    page = client.get(answer.headers["location"])
    return re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text).group(1)


def test_pages_need_a_log_in_and_a_wrong_password_is_refused(client):
    client.cookies.clear()
    answer = client.get("/entities/e-open", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
    wrong = client.post("/login", data={"username": "ana", "password": "not it at all"})
    assert wrong.status_code == 401 and "Wrong user name or password" in wrong.text


def test_search_and_profile_escape_every_value(client):
    _login(client)
    page = client.get("/search", params={"q": "Karwan"})
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "&lt;script&gt;alert" in page.text
    profile = client.get("/entities/e-xss")
    assert "<script>alert" not in profile.text and "r-open" in profile.text
    assert "default-src 'self'" in profile.headers["content-security-policy"]


def test_each_page_answers_json_too(client):
    _login(client)
    body = client.get("/search.json", params={"q": "Karwan Aziz"}).json()
    assert body["found"]["results"][0]["id"] == "e-open"
    assert client.get("/entities/e-open.json").json()["entity"]["caption"] == "Karwan Aziz"
    assert client.get("/entities/e-kes.json").status_code == 404  # ana is not cleared


def test_profile_of_h_coded_material_asks_for_a_justification_first(client):
    _login(client)
    asked = client.get("/entities/e-h")
    assert asked.status_code == 403 and 'name="justification"' in asked.text
    opened = client.get("/entities/e-h", params={"justification": "OP-X tasking"})
    assert opened.status_code == 200 and "Aram Jaff" in opened.text


def test_network_explorer_inlines_vis_and_keeps_data_inside_its_script(client):
    _login(client)
    page = client.get("/entities/e-open/network", params={"limit": 2})
    assert page.status_code == 200 and "vis.Network" in page.text
    assert "more hidden by the cap" in page.text
    data = re.search(r'id="graph-data">(.*?)</script>', page.text, re.S).group(1)
    assert "<" not in data  # a name holding </script> cannot end the element
    assert "Soran Barzani" not in page.text  # OP-KESTREL, not cleared


def test_forms_without_the_csrf_token_are_refused(client):
    token = _login(client)
    refused = client.post("/review/e-open~e-h", data={"decision": "same"})
    assert refused.status_code == 403 and "CSRF" in refused.text
    accepted = client.post("/review/e-open~e-h", follow_redirects=False,
                           data={"decision": "different", "reason": "ages differ",
                                 "csrf_token": token})
    assert accepted.status_code == 303 and "Recorded" in accepted.headers["location"]
    # the API, authenticated by the cookie, needs the header instead
    assert client.post("/api/review/e-open~e-h", json={"decision": "unsure"}
                       ).status_code == 403
    assert client.post("/api/review/e-open~e-h", json={"decision": "unsure"},
                       headers={"X-CSRF-Token": token}).status_code == 200


def test_audit_page_is_for_auditors_and_filters(client):
    _login(client)
    assert client.get("/audit").status_code == 403
    _login(client, "aud")
    page = client.get("/audit", params={"user": "ana"})
    assert page.status_code == 200 and "consultation" in page.text
    assert client.get("/audit", params={"since": "yesterday"}).status_code == 400


def test_login_never_redirects_off_site(client):
    client.cookies.clear()
    answer = client.post("/login?next=//evil.example/", follow_redirects=False,
                         data={"username": "ana", "password": PASSWORD})
    assert answer.headers["location"] == "/search"
