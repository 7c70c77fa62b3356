"""Workspace resolution: canonical ids, stability, incremental runs, name-only records."""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pytest

from crosslink.model import REPORT_SCHEMA, STATEMENT_SCHEMA, make_id
from crosslink.resolve.workspace import resolve_workspace
from crosslink.store import Workspace
from crosslink.store.session import Session

FIRST = ["Karwan", "Dilan", "Rebwar", "Hawre", "Soran", "Aram", "Bakhtiyar", "Shwan", "Zana",
         "Hemin", "Omed", "Saman", "Nawzad", "Kosrat", "Dana", "Goran", "Sirwan", "Hiwa",
         "Tekle", "Yonas", "Dawit", "Haile", "Berhane", "Arben", "Fatmir", "Gezim", "Luan",
         "Minh", "Tuan", "Quang"]
LAST = ["Aziz", "Rashid", "Salih", "Kader", "Hamad", "Karim", "Tahir", "Jalal", "Mahmud",
        "Rasul", "Qadir", "Faraj", "Gebremedhin", "Tesfay", "Haile", "Berisha", "Hoxha",
        "Krasniqi", "Nguyen", "Tran", "Pham", "Osmani", "Shala", "Gashi", "Mustafa"]


def report_row(rid: str) -> dict[str, object]:
    row: dict[str, object] = {name: None for name in REPORT_SCHEMA.names}
    row.update(id=rid, title=rid, originator="Kent Police", grading="1B",
               grading_scheme="uk-3x5x2", handling_code="P", text="")
    return row


def person(entity: str, report: str, **props: str) -> list[dict[str, object]]:
    """Statement rows for one Person entity."""
    now = datetime.now()
    rows = []
    for prop, value in props.items():
        row: dict[str, object] = {name: None for name in STATEMENT_SCHEMA.names}
        row.update(id=make_id(report, entity, prop, value), entity_id=entity, schema="Person",
                   prop=prop, prop_type="name" if "ame" in prop else "string", value=value,
                   report_id=report, origin="ingest", dataset="test",
                   first_seen=now, last_seen=now)
        rows.append(row)
    return rows


def write(session: Session, report: str, rows: list[dict[str, object]]) -> None:
    session.write_reports(pa.Table.from_pylist([report_row(report)], schema=REPORT_SCHEMA))
    session.write_statements(pa.Table.from_pylist(rows, schema=STATEMENT_SCHEMA))


def population(seed: int = 7, people: int = 160) -> list[dict[str, object]]:
    """Synthetic person records: each person 1-3 records with realistic noise."""
    rng = random.Random(seed)
    names = rng.sample([(f, ln) for f in FIRST for ln in LAST], people)
    rows: list[dict[str, object]] = []
    for p, (first, last) in enumerate(names):
        dob = f"{rng.randint(1960, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        phone = f"+44770{rng.randint(1000000, 9999999)}"
        passport = f"P{rng.randint(10000000, 99999999)}"
        for r in range(rng.choice([1, 2, 2, 3])):
            props = {"firstName": first, "lastName": last, "name": f"{first} {last}",
                     "birthDate": dob, "nationality": rng.choice(["iq", "ir", "er", "al", "vn"])}
            if rng.random() < 0.7:
                props["phone"] = phone
            if rng.random() < 0.4:
                props["passportNumber"] = passport
            if r and rng.random() < 0.3:
                props["name"] = f"{first.upper()} {last.upper()}"
            rows += person(f"p{p:03d}-{r}", "r-pop", **props)
    return rows


@pytest.fixture(scope="module")
def resolved_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace of ~300 synthetic person records, resolved once (copied per test)."""
    path = tmp_path_factory.mktemp("resolve") / "base.duckdb"
    with Workspace.create(path) as ws:
        session = ws.session("tester", "test")
        write(session, "r-pop", population())
        # namesakes: same full name, conflicting dates of birth, nothing else shared
        write(session, "r-namesakes", [
            *person("ns-1", "r-namesakes", name="Ali Hassan Omar", birthDate="1971-03-04"),
            *person("ns-2", "r-namesakes", name="Ali Hassan Omar", birthDate="1994-11-23"),
        ])
        result = resolve_workspace(session)
        assert result["mode"] == "full"
    return path


@pytest.fixture
def ws(resolved_file: Path, tmp_path: Path) -> Iterator[Workspace]:
    path = tmp_path / "ws.duckdb"
    shutil.copy(resolved_file, path)
    with Workspace.open(path) as workspace:
        yield workspace


def canonical(session: Session) -> dict[str, str]:
    return dict(session.con.sql("SELECT entity_id, canonical_id FROM canonical").fetchall())


def test_resolution_merges_records_of_one_person_and_keeps_people_apart(ws: Workspace) -> None:
    ids = canonical(ws.session())
    # every person of the population with two or more records is one cluster
    by_person: dict[str, set[str]] = {}
    for entity, cid in ids.items():
        if entity.startswith("p"):
            by_person.setdefault(entity.split("-")[0], set()).add(cid)
    split = [p for p, cids in by_person.items() if len(cids) > 1]
    assert len(split) <= 0.05 * len(by_person)
    # no cluster holds two people
    people_in: dict[str, set[str]] = {}
    for entity, cid in ids.items():
        people_in.setdefault(cid, set()).add(entity.split("-")[0])
    assert all(len(people) == 1 for people in people_in.values())
    # namesakes with conflicting dates of birth stay apart
    assert ids["ns-1"] != ids["ns-2"]


def test_result_reports_counts_and_the_run_is_audited(ws: Workspace) -> None:
    session = ws.session("tester", "test")
    result = resolve_workspace(session, full=True)
    assert result["records"] == 2 + len({r["entity_id"] for r in population()})
    assert result["records"] == result["clusters"] + result["merged_records"]
    assert result["seconds"] >= 0 and result["review"] >= 0
    actions = [r[0] for r in session.con.sql(
        "SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1").fetchall()]
    assert actions == ["combination"]


def test_canonical_ids_are_stable_across_a_full_rerun(ws: Workspace) -> None:
    session = ws.session("tester", "test")
    before = canonical(session)
    result = resolve_workspace(session, full=True)
    assert canonical(session) == before
    assert result["new_ids"] == 0 and result["kept_ids"] > 50
    # a new cluster's id is derived from its smallest member
    merged = {c for e, c in before.items() if c != e}
    cid = sorted(merged)[0]
    members = sorted(e for e, c in before.items() if c == cid)
    assert cid == make_id("canonical", members[0])


def test_adding_records_keeps_ids_and_scores_only_new_pairs(ws: Workspace) -> None:
    session = ws.session("tester", "test")
    before = canonical(session)
    first_run = session.con.sql("SELECT max(scored_at) FROM resolution_pairs").fetchall()[0][0]
    old_pairs = set(session.con.sql("SELECT a, b FROM resolution_pairs").fetchall())
    # p000's cluster: add another record of that person, plus a brand-new person
    target = before["p000-0"]
    rows = session.con.sql(
        "SELECT prop, value FROM statements WHERE entity_id = 'p000-0'").fetchall()
    props = {str(p): str(v) for p, v in rows}
    write(session, "r-later", [
        *person("late-1", "r-later", **props),
        *person("late-2", "r-later", name="Qasim Barzani", birthDate="1980-02-02"),
    ])
    result = resolve_workspace(session)
    after = canonical(session)
    assert result["mode"] == "incremental" and result["new_records"] == 2
    if target != "p000-0":  # p000 already had a cluster: it keeps its id
        assert after["p000-0"] == target
    assert after["late-1"] == after["p000-0"]
    assert after["late-2"] == "late-2"
    # every other record keeps its canonical id
    assert {e: c for e, c in before.items() if c != target} == {
        e: after[e] for e, c in before.items() if c != target}
    # old x old pairs were not rescored: their rows are those of the first run
    rescored = session.con.sql(
        "SELECT a, b FROM resolution_pairs WHERE scored_at > ?", params=[first_run]).fetchall()
    assert rescored, "the new record should have been scored"
    assert all("late-" in a or "late-" in b for a, b in rescored)
    kept = set(session.con.sql(
        "SELECT a, b FROM resolution_pairs WHERE scored_at = ?", params=[first_run]).fetchall())
    assert kept == old_pairs


def test_nothing_new_means_nothing_rescored(ws: Workspace) -> None:
    session = ws.session("tester", "test")
    before = canonical(session)
    result = resolve_workspace(session)
    assert result["mode"] == "incremental" and result["scored_pairs"] == 0
    assert canonical(session) == before


def test_name_only_mention_joins_the_one_person_of_that_name(ws: Workspace) -> None:
    session = ws.session("tester", "test")
    ids = canonical(session)
    first, last = session.con.sql(
        "SELECT max(value) FILTER (WHERE prop = 'firstName'), "
        "max(value) FILTER (WHERE prop = 'lastName') FROM statements WHERE entity_id = 'p001-0'"
    ).fetchall()[0]
    write(session, "r-text", [
        *person("mention-1", "r-text", name=f"{first} {last}"),
        # namesakes ns-1 / ns-2 disagree on date of birth: a bare name cannot choose
        *person("mention-2", "r-text", name="Ali Hassan Omar"),
    ])
    for full in (False, True):
        result = resolve_workspace(session, full=full)
        assert result["ambiguous"] == 1  # mention-2, and only it, is held back
        after = canonical(session)
        assert after["mention-1"] == after["p001-0"]
        if ids["p001-0"] != "p001-0":  # p001 had a cluster: it keeps its id
            assert after["p001-0"] == ids["p001-0"]
        assert after["mention-2"] == "mention-2"
        assert after["ns-1"] != after["ns-2"]


def test_full_name_dob_and_phone_agreement_merges_even_in_a_tiny_workspace(tmp_path: Path) -> None:
    """Too few records for EM to learn from; exact name + date of birth + phone is
    still one person. A "different" judgement on either record leaves it to the analyst."""
    from crosslink.resolve.judgements import record_judgement

    with Workspace.create(tmp_path / "ws.duckdb") as ws:
        session = ws.session("analyst", "test")
        same = {"firstName": "Karwan", "lastName": "Aziz", "name": "Karwan Aziz",
                "birthDate": "1988-06-14", "phone": "+447911123456"}
        write(session, "r1", person("a", "r1", **same))
        write(session, "r2", person("b", "r2", **same))
        write(session, "r3", person("c", "r3", firstName="Dilan", lastName="Rashid",
                                    name="Dilan Rashid", birthDate="1990-02-01"))
        resolve_workspace(session)
        ids = dict(ws.con.sql("SELECT entity_id, canonical_id FROM canonical").fetchall())
        assert ids["a"] == ids["b"] != ids["c"]
        record_judgement(session, "a", "b", "different", "passport photos differ")
        resolve_workspace(session, full=True)
        ids = dict(ws.con.sql("SELECT entity_id, canonical_id FROM canonical").fetchall())
        assert ids["a"] != ids["b"]


def test_lone_record_joins_by_profile_in_full_and_incremental_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With pairwise merging switched off (cluster threshold above 1), the only
    way a record without a selector joins "Goran Tahir" (two records linked by a
    shared phone) is the comparison with the cluster's profile."""
    import dataclasses

    from crosslink.resolve import workspace as workspace_module
    from crosslink.resolve.model import load_model

    model = dataclasses.replace(load_model("Person"), cluster_threshold=1.01)
    monkeypatch.setattr(workspace_module, "load_model", lambda _schema: model)
    with Workspace.create(tmp_path / "ws.duckdb") as ws:
        session = ws.session("analyst", "test")
        write(session, "r-pop", population(people=120))
        goran = {"firstName": "Goran", "lastName": "Tahir", "name": "Goran Tahir",
                 "birthDate": "1986-09-17", "nationality": "iq"}
        write(session, "r1", person("g1", "r1", **goran, phone="+447700900123"))
        write(session, "r2", person("g2", "r2", **goran, phone="+447700900123"))
        write(session, "r3", person("g3", "r3", **goran))
        resolve_workspace(session)
        ids = canonical(session)
        assert ids["g1"] == ids["g2"] == ids["g3"]
        write(session, "r4", person("g4", "r4", **goran))
        result = resolve_workspace(session)
        assert result["mode"] == "incremental"
        after = canonical(session)
        assert after["g4"] == after["g1"] == ids["g1"]
        # the attachment is visible as the cluster's confidence, below a certain link's
        confidence = session.con.sql(
            "SELECT DISTINCT confidence FROM canonical WHERE entity_id LIKE 'g%'").fetchall()
        assert len(confidence) == 1 and confidence[0][0] < 1.0
