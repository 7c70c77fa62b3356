"""Case files through the workbench: the same rules as `crosslink case ...`."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_an_investigator_builds_a_case_and_each_reader_sees_only_what_they_may(
        client: TestClient, headers: dict[str, dict[str, str]]) -> None:
    inv, sup = headers["inv"], headers["sup"]
    made = client.post("/api/cases", json={"name": "KES-1", "offences": ["s25"], "title": "Kestrel"},
                       headers=inv)
    assert made.status_code == 201, made.text
    added = client.post("/api/cases/KES-1/suspects", json={"ids": ["e-kes", "e-open"]}, headers=inv)
    assert added.status_code == 200, added.text
    assert sorted(added.json()["added"]) == ["e-kes", "e-open"]
    assert client.post("/api/cases/KES-1/evidence", json={"report": "r-kes"}, headers=inv).json() == {"added": True}
    # again: nothing duplicated
    assert client.post("/api/cases/KES-1/evidence", json={"report": "r-kes"}, headers=inv).json() == {"added": False}

    case = client.get("/api/cases/KES-1", headers=sup).json()
    assert {s["id"] for s in case["suspects"]} == {"e-kes", "e-open"}
    assert [i["report_id"] for i in case["items"]] == ["r-kes"]
    listed = client.get("/api/cases", headers=inv).json()["cases"]
    assert [(c["id"], c["suspects"]) for c in listed] == [("KES-1", 2)]


def test_protected_source_material_is_never_evidence_and_unknown_cases_are_404(
        client: TestClient, headers: dict[str, dict[str, str]]) -> None:
    sup = headers["sup"]
    client.post("/api/cases", json={"name": "KES-2", "offences": ["s25"]}, headers=sup)
    refused = client.post("/api/cases/KES-2/evidence", json={"report": "r-chis"}, headers=sup)
    assert refused.status_code == 400 and "may not be used as evidence" in refused.json()["detail"]
    assert client.get("/api/cases/KES-2", headers=sup).json()["items"] == []
    assert client.get("/api/cases/NOPE", headers=sup).status_code == 404
    assert client.post("/api/cases/NOPE/evidence", json={"report": "r-open"}, headers=sup).status_code == 404


def test_roles_without_the_cases_permission_are_refused(
        client: TestClient, headers: dict[str, dict[str, str]]) -> None:
    for user in ("ana", "partner", "aud"):
        assert client.get("/api/cases", headers=headers[user]).status_code == 403, user
    assert client.get("/api/cases").status_code == 401
