"""Lone records compared with whole clusters (crosslink.resolve.profiles)."""

from __future__ import annotations

import dataclasses
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from crosslink.resolve import dedupe_records
from crosslink.resolve.engine import train_linker
from crosslink.resolve.model import load_model
from crosslink.resolve.names import load_variant_table
from crosslink.resolve.profiles import attach_to_profiles
from crosslink.resolve.standalone import _connect, _features
from crosslink.simulate import person_records

MAPPING = {"firstName": "first_name", "lastName": "last_name", "birthDate": "birth_date",
           "nationality": "nationality", "phone": "phone", "email": "email",
           "passportNumber": "passport_number", "city": "city"}


def _simulated(people: int, seed: int) -> tuple[pa.Table, dict[str, str]]:
    raw = person_records(people, seed=seed)
    table = pa.table({"unique_id": raw.column("record_id"),
                      **{prop: raw.column(col) for prop, col in MAPPING.items()}})
    truth = dict(zip(raw.column("record_id").to_pylist(), raw.column("true_id").to_pylist(), strict=True))
    return table, truth


@pytest.fixture(scope="module")
def settings() -> dict[str, Any]:
    """A Person model trained on simulated records, as the workspace saves it."""
    table, _ = _simulated(3000, 11)
    con = _connect()
    available = _features(con, table, "xl_features", "input", load_variant_table())
    linker = train_linker(con, ["xl_features"], load_model("Person"), available)
    return dict(linker.misc.save_model_to_json(out_path=None))


def _record(uid: str, dob: str | None = "1990-05-04", phone: str | None = None,
            city: str | None = "Dover") -> dict[str, str | None]:
    return {"unique_id": uid, "firstName": "Karwan", "lastName": "Aziz", "birthDate": dob,
            "nationality": "IQ", "phone": phone, "email": None, "passportNumber": None, "city": city}


def _attach(settings: dict[str, Any], records: list[dict[str, str | None]],
            clusters: dict[str, str], **kwargs: Any) -> tuple[dict[str, str], dict[str, float], int,
                                                             duckdb.DuckDBPyConnection]:
    # others in the workspace, so "Karwan Aziz" is as rare as a real name is
    # (term frequencies come from the records themselves)
    given = ["Dilan", "Rebaz", "Shwan", "Hemin", "Soran", "Aram", "Bestun", "Zana"]
    family = ["Qadir", "Rasul", "Salih", "Hamad", "Faraj", "Kakai", "Jalal", "Omer"]
    towns = ["Leeds", "Hull", "Derby", "Luton", "Bolton", "Slough", "Crawley", "Preston"]
    filler = [{**_record(f"f{i}", dob=f"{1960 + i % 40}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                         city=towns[(i + 3) % 8]),
               "firstName": given[i % 8], "lastName": family[i // 8 % 8]} for i in range(64)]
    records = records + filler
    clusters = {**clusters, **{r["unique_id"]: r["unique_id"] for r in filler}}
    con = _connect()
    _features(con, pa.Table.from_pylist(records), "xl_features", "input", load_variant_table())
    sizes = {c: list(clusters.values()).count(c) for c in clusters.values()}
    assignment = pa.table({
        "unique_id": list(clusters), "cluster_id": list(clusters.values()),
        "confidence": [0.99] * len(clusters), "cluster_size": [sizes[c] for c in clusters.values()],
    })
    out, attached = attach_to_profiles(con, settings, "xl_features", assignment, threshold=0.6, **kwargs)
    ids = out.column("unique_id").to_pylist()
    return (dict(zip(ids, out.column("cluster_id").to_pylist(), strict=True)),
            dict(zip(ids, out.column("confidence").to_pylist(), strict=True)), attached, con)


def test_profile_carries_what_each_member_gave(settings: dict[str, Any]) -> None:
    # one report gave the city, the other the phone: the profile has both
    records = [_record("c1", city="Dover"), _record("c2", phone="+447700900123", city=None),
               _record("lone", dob=None)]
    _, _, _, con = _attach(settings, records, {"c1": "c1", "c2": "c1", "lone": "lone"})
    row = con.sql("SELECT city, phone, dob FROM _xl_profiles").fetchall()
    assert len(row) == 1
    assert row[0][0] and row[0][1] and row[0][2] == "1990-05-04"


def test_lone_record_joins_the_cluster_it_matches(settings: dict[str, Any]) -> None:
    records = [_record("c1"), _record("c2", phone="+447700900123", city=None), _record("lone")]
    cluster_of, confidence, attached, _ = _attach(settings, records, {"c1": "c1", "c2": "c1", "lone": "lone"})
    assert attached == 1
    assert [cluster_of[r] for r in ("c1", "c2", "lone")] == ["c1", "c1", "c1"]
    assert all(cluster_of[f"f{i}"] == f"f{i}" for i in range(64))
    # the whole cluster's confidence is no higher than its weakest merge
    assert len({confidence[r] for r in ("c1", "c2", "lone")}) == 1
    assert 0.6 <= confidence["lone"] <= 0.99


def test_conflicting_date_of_birth_keeps_it_alone(settings: dict[str, Any]) -> None:
    records = [_record("c1"), _record("c2", phone="+447700900123"), _record("lone", dob="1971-11-23")]
    cluster_of, _, attached, _ = _attach(settings, records, {"c1": "c1", "c2": "c1", "lone": "lone"})
    assert attached == 0
    assert cluster_of["lone"] == "lone"


def test_two_candidate_people_is_a_guess_not_a_merge(settings: dict[str, Any]) -> None:
    # two namesake clusters match the lone record equally well
    records = [_record("a1", phone="+447700900111"), _record("a2", phone="+447700900111"),
               _record("b1", phone="+447700900222"), _record("b2", phone="+447700900222"),
               _record("lone")]
    clusters = {"a1": "a1", "a2": "a1", "b1": "b1", "b2": "b1", "lone": "lone"}
    cluster_of, _, attached, _ = _attach(settings, records, clusters)
    assert attached == 0
    assert cluster_of["lone"] == "lone"


def test_a_different_judgement_blocks_the_attachment(settings: dict[str, Any]) -> None:
    records = [_record("c1"), _record("c2", phone="+447700900123"), _record("lone")]
    clusters = {"c1": "c1", "c2": "c1", "lone": "lone"}
    cluster_of, _, attached, _ = _attach(settings, records, clusters, different=[("c2", "lone")])
    assert attached == 0
    assert cluster_of["lone"] == "lone"


def _pairwise(pred: dict[str, str], truth: dict[str, str]) -> tuple[float, float]:
    con = duckdb.connect()
    con.register("t", pa.table({"p": [pred[i] for i in truth], "t": list(truth.values())}))
    tp, predicted, actual = con.sql(
        """SELECT (SELECT sum(n*(n-1)/2) FROM (SELECT count(*) n FROM t GROUP BY p, t)),
                  (SELECT sum(n*(n-1)/2) FROM (SELECT count(*) n FROM t GROUP BY p)),
                  (SELECT sum(n*(n-1)/2) FROM (SELECT count(*) n FROM t GROUP BY t))"""
    ).fetchall()[0]
    return tp / predicted, tp / actual


def test_profiles_find_more_of_each_person_without_wrong_merges() -> None:
    table, truth = _simulated(4000, 5)
    model = load_model("Person")
    assert model.attach_threshold is not None
    results = {}
    for name, m in (("pairs only", dataclasses.replace(model, attach_threshold=None)),
                    ("with profiles", model)):
        out = dedupe_records(table, model=m)
        pred = dict(zip(out.column("unique_id").to_pylist(), out.column("cluster_id").to_pylist(), strict=True))
        results[name] = _pairwise(pred, truth)
    (p0, r0), (p1, r1) = results["pairs only"], results["with profiles"]
    assert r1 > r0 + 0.005
    assert p1 > 0.97
    assert p0 - p1 < 0.01


def test_a_selector_no_member_shares_needs_a_strong_match(settings: dict[str, Any]) -> None:
    # the members all give one phone; the lone record gives another
    records = [_record("c1", phone="+447700900123"), _record("c2", phone="+447700900123"),
               _record("lone", phone="+447700900999")]
    clusters = {"c1": "c1", "c2": "c1", "lone": "lone"}
    cluster_of, _, attached, _ = _attach(settings, records, clusters, strong=1.01)
    assert attached == 0 and cluster_of["lone"] == "lone"
    # strong enough (name, date of birth and city agree): it joins despite the phone
    cluster_of, _, attached, _ = _attach(settings, records, clusters, strong=0.9)
    assert attached == 1 and cluster_of["lone"] == "c1"
    # no phone on the lone record: nothing contradicts it
    records[2] = _record("lone")
    cluster_of, _, attached, _ = _attach(settings, records, clusters, strong=1.01)
    assert attached == 1 and cluster_of["lone"] == "c1"


def test_a_profile_takes_the_commonest_value_and_the_smallest_of_a_tie(settings: dict[str, Any]) -> None:
    records = [_record("c1", city="Dover"), _record("c2", city="Calais"), _record("c3", city="Calais"),
               _record("d1", city="Hull"), _record("d2", city="Derby"), _record("lone", dob=None)]
    clusters = {"c1": "c1", "c2": "c1", "c3": "c1", "d1": "d1", "d2": "d1", "lone": "lone"}
    _, _, _, con = _attach(settings, records, clusters)
    cities = dict(con.sql(
        "SELECT unique_id, city FROM _xl_profiles WHERE unique_id LIKE '%c1' OR unique_id LIKE '%d1'"
    ).fetchall())
    assert sorted(cities.values()) == ["calais", "derby"]
