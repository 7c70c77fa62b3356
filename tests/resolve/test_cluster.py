"""Clustering does not chain namesakes, respects judgements, and reports confidence."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from crosslink.resolve.cluster import ClusterOptions, cluster_pairs, dob_compatible


@pytest.mark.parametrize(
    ("a", "b", "ok"),
    [
        ((1990, 3, 4), (1990, 3, 4), True),
        ((1990, 3, 4), (1990, 4, 3), True),  # day-month swap
        ((1990, 3, 4), (1991, 3, 4), True),  # year typo
        ((1990, None, None), (1990, 7, 1), True),  # partial
        ((1990, 3, None), (1990, 3, 28), True),
        ((1990, 3, 4), (1975, 11, 23), False),
        ((1990, None, None), (1984, None, None), False),
        ((None, None, None), (1984, 2, 2), True),
    ],
)
def test_dob_compatibility(a: tuple, b: tuple, ok: bool) -> None:
    assert dob_compatible(a, b) is ok


def _run(
    records: list[dict[str, object]],
    pairs: list[tuple[str, str, float]],
    **kwargs: object,
) -> dict[str, tuple[str, float]]:
    con = duckdb.connect()
    base = {"unique_id": [], "dob_y": [], "dob_m": [], "dob_d": [], "passport_number": []}
    for r in records:
        for k in base:
            base[k].append(r.get(k))
    con.register("f_arrow", pa.table(base))
    con.execute("CREATE TABLE f AS SELECT * FROM f_arrow")
    con.register(
        "p_arrow",
        pa.table({
            "unique_id_l": [p[0] for p in pairs],
            "unique_id_r": [p[1] for p in pairs],
            "match_probability": [p[2] for p in pairs],
        }),
    )
    con.execute("CREATE TABLE p AS SELECT * FROM p_arrow")
    out = cluster_pairs(con, "f", "p", ClusterOptions(threshold=0.9), **kwargs)  # type: ignore[arg-type]
    return {
        u: (c, conf)
        for u, c, conf in zip(
            out.column("unique_id").to_pylist(),
            out.column("cluster_id").to_pylist(),
            out.column("confidence").to_pylist(),
            strict=True,
        )
    }


def test_namesakes_do_not_chain_through_a_record_without_dob() -> None:
    # a and c are different people (dates of birth conflict); b has no date and
    # links to both by name alone. Connected components would merge all three.
    records = [
        {"unique_id": "a", "dob_y": 1990, "dob_m": 1, "dob_d": 5},
        {"unique_id": "b"},
        {"unique_id": "c", "dob_y": 1971, "dob_m": 9, "dob_d": 30},
    ]
    out = _run(records, [("a", "b", 0.97), ("b", "c", 0.96)])
    assert out["a"][0] == out["b"][0]
    assert out["c"][0] != out["a"][0]


def test_true_cluster_with_dob_typo_still_merges() -> None:
    records = [
        {"unique_id": "a", "dob_y": 1990, "dob_m": 1, "dob_d": 5},
        {"unique_id": "b", "dob_y": 1990, "dob_m": 5, "dob_d": 1},
        {"unique_id": "c"},
    ]
    out = _run(records, [("a", "b", 0.99), ("b", "c", 0.96), ("a", "c", 0.95)])
    assert len({c for c, _ in out.values()}) == 1


def test_negative_judgement_blocks_transitively_and_positive_forces() -> None:
    records = [{"unique_id": x} for x in "abcd"]
    pairs = [("a", "b", 0.99), ("b", "c", 0.99), ("c", "d", 0.2)]
    out = _run(records, pairs, cannot_link=[("a", "c")], must_link=[("c", "d")])
    assert out["a"][0] == out["b"][0]
    assert out["c"][0] != out["a"][0]  # blocked although b-c scored 0.99
    assert out["c"][0] == out["d"][0]  # forced although the model said 0.2


def test_support_stops_two_groups_joining_through_one_link() -> None:
    records = [{"unique_id": x} for x in "abcdef"]
    pairs = [
        ("a", "b", 0.99), ("a", "c", 0.99), ("b", "c", 0.99),
        ("d", "e", 0.99), ("d", "f", 0.99), ("e", "f", 0.99),
        ("c", "d", 0.95),  # the one weak bridge
    ]
    out = _run(records, pairs)
    assert out["a"][0] == out["c"][0]
    assert out["d"][0] == out["f"][0]
    assert out["a"][0] != out["d"][0]
    # confidence reflects the rejected bridge: 1 - 0.95
    assert out["a"][1] == pytest.approx(0.05)


def test_every_record_gets_a_cluster_and_singletons_are_confident() -> None:
    records = [{"unique_id": x} for x in "xyz"]
    out = _run(records, [("x", "y", 0.98)])
    assert set(out) == {"x", "y", "z"}
    assert out["x"][0] == out["y"][0] == "x"
    assert out["z"] == ("z", 1.0)
