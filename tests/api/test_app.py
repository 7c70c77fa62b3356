"""The API: log in, need-to-know on every endpoint, justification, audit."""

from __future__ import annotations

import itertools

import pytest

from tests.api.conftest import PASSWORD, PEOPLE, REPORTS, SECRET_TEXT, USERS, token, visible_people

MISSING = "e-does-not-exist"


def test_no_token_is_401_and_a_wrong_password_too(client):
    for path in ("/api/search?q=Karwan", "/api/entities/e-open", "/api/audit",
                 "/api/entities/e-open/graph", "/api/key-players", "/api/review"):
        answer = client.get(path)
        assert answer.status_code == 401 and answer.headers["www-authenticate"] == "Bearer"
    assert client.post("/api/token", data={"username": "ana", "password": "nope nope nope"}
                       ).status_code == 401
    assert client.post("/api/token", data={"username": "ghost", "password": PASSWORD}
                       ).json() == client.post(
        "/api/token", data={"username": "ana", "password": "wrong password"}).json()


def test_token_answer_is_oauth2_shaped_and_logout_ends_it(client):
    answer = client.post("/api/token", data={"username": "ana", "password": PASSWORD}).json()
    assert answer["token_type"] == "bearer" and len(answer["access_token"]) >= 40
    h = {"Authorization": f"Bearer {answer['access_token']}"}
    assert client.get("/api/me", headers=h).json()["username"] == "ana"
    assert client.post("/api/logout", headers=h).json() == {"logged_out": True}
    assert client.get("/api/me", headers=h).status_code == 401


def test_permissions_come_from_the_role_table(client, headers):
    assert client.get("/api/audit", headers=headers["ana"]).status_code == 403
    assert client.get("/api/search?q=Karwan", headers=headers["aud"]).status_code == 403
    assert client.get("/api/review", headers=headers["partner"]).status_code == 403
    assert client.get("/api/audit", headers=headers["aud"]).status_code == 200


# -- the leak matrix: role x endpoint x handling code x compartment ----------------

READERS = [u for u in USERS if u != "aud"]


def _get(client, headers, user, path):
    return client.get(path, headers=headers[user])


@pytest.mark.parametrize(("user", "entity"), list(itertools.product(READERS, PEOPLE)))
def test_profile_is_404_exactly_as_missing_when_not_cleared(client, headers, user, entity):
    answer = _get(client, headers, user, f"/api/entities/{entity}?justification=briefing")
    missing = _get(client, headers, user, f"/api/entities/{MISSING}?justification=briefing")
    if entity in visible_people(user):
        assert answer.status_code == 200
        body = answer.json()
        assert {v["value"] for v in body["values"]} >= {PEOPLE[entity][0]}
        for v in body["values"]:  # every value carries report, grading, handling code
            assert v["report_id"] and v["grading"] == "1B" and v["handling_code"]
    else:
        assert (answer.status_code, answer.json()) == (missing.status_code, missing.json()) \
            == (404, {"detail": "not found"})


@pytest.mark.parametrize("user", READERS)
def test_search_results_and_counts_hold_only_what_the_user_may_see(client, headers, user):
    seen = visible_people(user)
    for entity, (name, _) in PEOPLE.items():
        answer = _get(client, headers, user, f"/api/search?q={name}")
        if "search" not in _perms(user):
            assert answer.status_code == 403
            continue
        body = answer.json()
        ids = {r["id"] for r in body["results"]}
        assert (entity in ids) == (entity in seen)
        assert body["total"] == len(ids) and ids <= seen
        results = str(body["results"])  # the query itself is echoed in "q"
        for hidden in set(PEOPLE) - seen:
            assert PEOPLE[hidden][0] not in results and hidden not in results


@pytest.mark.parametrize("user", READERS)
def test_graph_expansion_never_reaches_past_the_clearance(client, headers, user):
    seen = visible_people(user)
    answer = _get(client, headers, user, "/api/entities/e-open/graph?hops=2&limit=50")
    body = answer.json()
    nodes = {n["id"] for n in body["nodes"]}
    assert nodes == seen - {"e-chis"}  # everyone called by e-open that the user may see
    assert body["hidden"] == 0
    for hidden in set(PEOPLE) - seen:
        assert hidden not in answer.text and PEOPLE[hidden][0] not in answer.text
        assert _get(client, headers, user, f"/api/entities/{hidden}/graph").json() == \
            {"detail": "not found"}
    capped = _get(client, headers, user, "/api/entities/e-open/graph?hops=2&limit=1").json()
    assert len(capped["nodes"]) == 1 and capped["hidden"] == len(nodes) - 1


@pytest.mark.parametrize("user", READERS)
def test_key_players_are_drawn_only_from_the_visible_network(client, headers, user):
    answer = _get(client, headers, user, "/api/key-players?k=2")
    body = answer.json()
    chosen = {c["id"] for c in body["chosen"]}
    assert chosen <= visible_people(user)
    for hidden in set(PEOPLE) - visible_people(user):
        assert hidden not in answer.text
    # the count of nodes is of the visible network only
    assert body["nodes"] == len(visible_people(user) - {"e-chis"})


def _perms(user):
    from crosslink.store.users import permissions

    return permissions(USERS[user][0])


# -- protected sources and H-coded material ----------------------------------------


def test_h_coded_or_protected_material_needs_a_justification_which_is_audited(client, headers):
    for entity in ("e-h", "e-chis"):
        refused = _get(client, headers, "ana", f"/api/entities/{entity}")
        assert refused.status_code == 403 and "justification" in refused.json()["detail"]
    opened = _get(client, headers, "ana", "/api/entities/e-h?justification=OP-X%20briefing")
    assert opened.status_code == 200
    log = client.get("/api/audit?user=ana&entity=e-h", headers=headers["aud"]).json()
    assert '"justification": "OP-X briefing"' in log["entries"][0]["detail"]
    assert _get(client, headers, "ana", "/api/entities/e-open").status_code == 200


def test_protected_source_is_sanitised_outside_the_source_unit(client, headers):
    outside = _get(client, headers, "ana", "/api/entities/e-chis?justification=x").json()
    assert outside["reports"][0]["originator"] == "[protected source]"
    unit = _get(client, headers, "handler", "/api/entities/e-chis?justification=x").json()
    assert unit["reports"][0]["originator"] == "Kent Police"
    for user in READERS:
        assert SECRET_TEXT not in _get(client, headers, user,
                                       "/api/entities/e-chis?justification=x").text


def test_every_consultation_is_in_the_audit_log_filterable_by_user_and_time(client, headers):
    _get(client, headers, "kes", "/api/entities/e-kes")
    log = client.get("/api/audit?user=kes&entity=e-kes", headers=headers["aud"]).json()
    assert log["total"] >= 1 and {e["user"] for e in log["entries"]} == {"kes"}
    assert log["entries"][0]["action"] == "consultation"
    future = client.get("/api/audit?since=2999-01-01T00:00:00", headers=headers["aud"]).json()
    assert future == {"total": 0, "entries": []}


def test_selectors_are_found_in_any_written_format(client, headers):
    for form in ("07911 123456", "+44 7911 123456", "+447911123456"):
        body = _get(client, headers, "ana", f"/api/search?q={form}").json()
        assert [r["id"] for r in body["results"]] == ["e-open"], form
        assert body["results"][0]["match"] == "selector"


def test_names_are_found_fuzzily(client, headers):
    body = _get(client, headers, "ana", "/api/search?q=Karwen Azis").json()
    assert body["results"][0]["id"] == "e-open"
    assert body["results"][0]["caption"] == "Karwan Aziz"


def test_reports_table_compartments_cover_the_matrix():
    # the fixture really spans compartments, protected sources and handling codes
    assert {c for c, _, _ in REPORTS.values()} >= {None, "OP-KESTREL", "DSU"}
    assert {h for _, _, h in REPORTS.values()} >= {"P", "C", "H2"}


def test_a_disabled_user_is_locked_out_at_once(client, workspace_path):
    h = token(client, "partner")
    service = client.app.state.service
    from crosslink.store.users import disable_user

    with service.write() as con:
        disable_user(service.session(con, service_user(), "test"), "partner")
    assert client.get("/api/me", headers=h).status_code == 401


def service_user():
    from crosslink.store.users import User

    return User("admin", "supervisor", ("*",), False)


def test_serve_refuses_a_public_address_without_allow_remote(tmp_path):
    from typer.testing import CliRunner

    from crosslink.cli import app
    from crosslink.cli.serve import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("10.1.2.3")  # noqa: S104
    out = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "-w", str(tmp_path / "x")])  # noqa: S104
    assert out.exit_code == 1 and "reverse proxy" in out.output


def test_openapi_lists_every_endpoint(client):
    paths = set(client.get("/openapi.json").json()["paths"])
    assert paths >= {"/api/token", "/api/logout", "/api/search", "/api/entities/{entity_id}",
                     "/api/entities/{entity_id}/graph", "/api/review", "/api/review/{pair}",
                     "/api/key-players", "/api/audit"}


def test_ingest_needs_the_permission_and_the_compartment_and_is_audited(client, headers):
    note = {"file": ("note.txt", "Shvan Omar was seen at Dover with Baran Kaya.")}
    assert client.post("/api/ingest", headers=headers["ana"], files=note).status_code == 403
    refused = client.post("/api/ingest", headers=headers["inv"], files=note,
                          data={"compartment": "DSU"})
    assert refused.status_code == 403 and "not cleared" in refused.json()["detail"]
    assert client.post("/api/ingest", headers=headers["inv"], files={"file": ("x.csv", "a,b")}
                       ).status_code == 400
    done = client.post("/api/ingest", headers=headers["inv"], files=note,
                       data={"compartment": "OP-KESTREL", "grading": "2B", "handling": "P"})
    assert done.status_code == 200 and done.json()["reports"] == 1
    log = client.get("/api/audit?user=inv", headers=headers["aud"]).json()
    assert "collection" in {e["action"] for e in log["entries"]}
