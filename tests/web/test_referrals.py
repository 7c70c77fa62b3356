"""The referral queue page: what the caller may see, escaped, and as JSON too."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from crosslink.api import create_app
from crosslink.online import queue
from crosslink.store import Workspace
from tests.api.conftest import PASSWORD, build
from tests.online.conftest import scored

XSS = '<img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    path = tmp_path_factory.mktemp("web-referrals") / "ws.duckdb"
    build(path)
    with Workspace.open(path) as ws:
        s = ws.session("loader", "triage")
        queue.enqueue(s, [scored("open-1", selectors=[{"type": "url", "value": XSS}])])
        queue.enqueue(s, [scored("kes-1", platform="tiktok")], compartment="OP-KESTREL")
    with TestClient(create_app(path)) as c:
        yield c


def _login(client: TestClient, user: str) -> None:
    client.cookies.clear()
    answer = client.post("/login", data={"username": user, "password": PASSWORD}, follow_redirects=False)
    assert answer.status_code == 303


def test_each_reader_sees_the_referrals_whose_reports_they_may_see(client: TestClient) -> None:
    _login(client, "ana")
    mine = client.get("/referrals.json").json()["referrals"]
    assert [r["post_id"] for r in mine] == ["open-1"]
    _login(client, "kes")
    theirs = client.get("/referrals.json").json()["referrals"]
    assert sorted(r["post_id"] for r in theirs) == ["kes-1", "open-1"]
    only = client.get("/referrals.json?platform=tiktok").json()["referrals"]
    assert [r["post_id"] for r in only] == ["kes-1"]


def test_the_page_escapes_what_adverts_contain(client: TestClient) -> None:
    _login(client, "ana")
    page = client.get("/referrals")
    assert page.status_code == 200 and "Online referrals" in page.text
    assert XSS not in page.text and re.search(r"&lt;img src=x onerror=alert\(1\)&gt;", page.text)
