"""Every analysis on a small graph whose answer is known by construction."""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb
import igraph as ig
import numpy as np
import pyarrow as pa
import pytest

from crosslink.network import (
    ROLES,
    betweenness,
    brokerage,
    colocations,
    communities,
    compare,
    components,
    degree,
    ego_network,
    evidenced_path,
    fragmentation,
    from_edge_arrays,
    from_workspace,
    key_players,
    leiden,
    nmi,
    observations_from_workspace,
    pagerank,
    what_if,
)
from crosslink.network.keyplayer import removal_scores

from .conftest import build_small_workspace, two_cliques_with_bridge


def _net(edges: list[tuple[str, str]], protected: set[str] | None = None):
    src = pa.array([a for a, _ in edges])
    dst = pa.array([b for _, b in edges])
    return from_edge_arrays(src, dst, protected=protected)


def _planted(groups: int, size: int, p_in: float, p_out: float, seed: int = 0):
    rng = np.random.default_rng(seed)
    n = groups * size
    truth = np.repeat(np.arange(groups), size)
    a, b = np.triu_indices(n, 1)
    p = np.where(truth[a] == truth[b], p_in, p_out)
    keep = rng.random(a.size) < p
    edges = [(f"n{x}", f"n{y}") for x, y in zip(a[keep], b[keep], strict=True)]
    return _net(edges), truth


def test_components_largest_first() -> None:
    net = _net([("a", "b"), ("b", "c"), ("x", "y")])
    comp = components(net)
    ids = list(net.ids)
    assert comp[ids.index("a")] == comp[ids.index("c")] == 0
    assert comp[ids.index("x")] == 1


@pytest.mark.parametrize("engine", ["leidenalg", "networkit"])
def test_leiden_recovers_planted_groups(engine: str) -> None:
    net, truth = _planted(6, 25, 0.5, 0.01)
    order = np.array([int(i[1:]) for i in net.ids])
    found = leiden(net, engine=engine, seed=1)
    assert nmi(found, truth[order]) >= 0.9


def test_communities_report_stability() -> None:
    net, truth = _planted(4, 20, 0.6, 0.005)
    c = communities(net, seeds=4)
    assert c.count == 4 and c.seeds == 4
    assert c.stability_nmi > 0.95
    assert all(len(m) == 20 for m in c.members())
    assert np.all(c.community_stability > 0.9)


def test_centralities_on_a_star() -> None:
    leaves = [f"l{i}" for i in range(8)]
    net = _net([("hub", leaf) for leaf in leaves])
    hub = list(net.ids).index("hub")
    assert degree(net)[hub] == 8
    assert np.argmax(pagerank(net)) == hub
    exact = betweenness(net, pivots=None)
    assert exact[hub] == pytest.approx(8 * 7 / 2)  # every pair of leaves passes the hub
    # Pivot estimate over two worker processes equals the single-process one.
    est2 = betweenness(net, pivots=4, seed=3, workers=2)
    est1 = betweenness(net, pivots=4, seed=3, workers=1)
    assert np.allclose(est1, est2) and np.argmax(est2) == hub


@pytest.mark.parametrize(
    ("groups", "role"),
    [
        ([0, 0, 0], "coordinator"),
        ([0, 1, 0], "itinerant"),
        ([0, 0, 1], "representative"),
        ([0, 1, 1], "gatekeeper"),
        ([0, 1, 2], "liaison"),
    ],
)
def test_gould_fernandez_roles(groups: list[int], role: str) -> None:
    net = _net([("a", "b"), ("b", "c")])
    order = [list(net.ids).index(x) for x in "abc"]
    g = np.zeros(3, dtype=np.int64)
    g[order] = groups
    res = brokerage(net, g)
    b = order[1]
    expected = np.zeros(len(ROLES), dtype=np.int64)
    expected[ROLES.index(role)] = 1
    assert res.counts[b].tolist() == expected.tolist()
    assert res.counts[order[0]].sum() == res.counts[order[2]].sum() == 0


def test_brokerage_ignores_closed_triads() -> None:
    net = _net([("a", "b"), ("b", "c"), ("a", "c")])
    assert brokerage(net, np.zeros(3, dtype=np.int64)).counts.sum() == 0


def test_removal_scores_match_brute_force() -> None:
    rng = np.random.default_rng(7)
    for _ in range(40):
        n = int(rng.integers(3, 25))
        g = ig.Graph.Erdos_Renyi(n=n, p=float(rng.uniform(0.05, 0.3)), directed=False)
        removed = [int(x) for x in rng.choice(n, size=int(rng.integers(0, 3)), replace=False)]
        _, scores = removal_scores(g, removed)
        for v in range(n):
            if v not in removed:
                assert scores[v] == pytest.approx(fragmentation(g, [*removed, v])[0])


def test_key_player_is_the_bridge() -> None:
    net = _net(two_cliques_with_bridge(5))
    plan = key_players(net, 1)
    assert [net.ids[i] for i in plan.chosen] == ["bridge"]
    # Two cliques of 5 left, 10 people: F = 1 - 2 * 5 * 4 / (10 * 9).
    assert plan.fragmentation_after == pytest.approx(1 - 40 / 90)
    assert plan.largest_after == 5 and plan.components_after == 2
    assert plan.fragmentation_after >= plan.baselines["degree"]["fragmentation_after"]


def test_migrants_are_never_chosen_by_default() -> None:
    net = _net(two_cliques_with_bridge(5), protected={"bridge"})
    plan = key_players(net, 1)
    assert "bridge" not in [net.ids[i] for i in plan.chosen]
    assert plan.excluded_protected == 1
    forced = key_players(net, 1, include_protected=True)
    assert [net.ids[i] for i in forced.chosen] == ["bridge"]


def test_what_if_arrest_list() -> None:
    net = _net(two_cliques_with_bridge(4))
    res = what_if(net, [list(net.ids).index("bridge")])
    assert res["largest_before"] == 9 and res["largest_after"] == 4
    assert res["components_after"] == 2 and res["fragmentation_before"] == 0.0


def test_evidenced_path_cites_every_hop(small_workspace: duckdb.DuckDBPyConnection) -> None:
    net = from_workspace(small_workspace)
    path = evidenced_path(net, "p3", "c4")
    assert path is not None and path.nodes == ["p3", "p2", "p1", "c4"]
    reports = [h.evidence["report_ids"] for h in path.hops]
    assert reports == [["R3"], ["R1"], ["R2"]]
    assert path.hops[0].evidence["gradings"] == ["europol-4x4:B2"]
    assert all(h.evidence["statement_ids"] for h in path.hops)
    assert evidenced_path(net, "p1", "p1") is not None
    # networkit's bidirectional BFS gives a path of the same length.
    nk_path = evidenced_path(net, "p3", "c4", engine="networkit")
    assert nk_path is not None and nk_path.length == 3


def test_unconnected_pair_has_no_path() -> None:
    net = _net([("a", "b"), ("x", "y")])
    assert evidenced_path(net, "a", "y") is None
    assert evidenced_path(net, "a", "y", engine="networkit") is None


def test_ego_network(small_workspace: duckdb.DuckDBPyConnection) -> None:
    net = from_workspace(small_workspace)
    ego = ego_network(net, "p1", radius=1)
    assert {n["id"] for n in ego["nodes"]} == {"p1", "p2", "c4", "v1"}
    pairs = {frozenset((e["source"], e["target"])) for e in ego["edges"]}
    assert frozenset(("p2", "v1")) in pairs  # edges among neighbours are kept
    assert all(e["report_ids"] for e in ego["edges"])


def test_colocation_pairs_repeatedly_together() -> None:
    t0 = datetime(2024, 5, 1, 10, 0)
    rows = [
        ("A", "cell-X", t0),
        ("B", "cell-X", t0 + timedelta(minutes=5)),
        ("A", "cell-Y", t0 + timedelta(days=1)),
        ("B", "cell-Y", t0 + timedelta(days=1, minutes=9)),
        ("A", "cell-Z", t0 + timedelta(days=2)),
        ("C", "cell-Z", t0 + timedelta(days=2, minutes=3)),
        ("C", "cell-X", t0 + timedelta(hours=3)),  # same place, hours later: not together
    ]
    obs = pa.table(
        {
            "entity": [r[0] for r in rows],
            "place": [r[1] for r in rows],
            "at": pa.array([r[2] for r in rows], pa.timestamp("us")),
        }
    )
    res = colocations(obs, window=timedelta(minutes=10), min_times=2).to_pylist()
    assert [(r["a"], r["b"], r["times"]) for r in res] == [("A", "B", 2)]
    assert res[0]["places"] == ["cell-X", "cell-Y"]
    once = colocations(obs, window=timedelta(minutes=10), min_times=1).to_pylist()
    assert {(r["a"], r["b"]) for r in once} == {("A", "B"), ("A", "C")}


def test_colocation_from_workspace_calls_and_anpr(tmp_path) -> None:
    con = duckdb.connect()
    w = build_small_workspace(con)
    for i, day in enumerate(("01", "02")):
        w.entity(
            f"cA{i}", "Call", "R1", caller="p1", x_cellSite="CELL9", date=f"2024-04-{day}T10:00:00"
        )
        w.entity(
            f"cB{i}", "Call", "R1", caller="p5", x_cellSite="CELL9", date=f"2024-04-{day}T10:04:00"
        )
        w.entity(
            f"anpr{i}",
            "Event",
            "R1",
            involved="v1",
            location="CAM1",
            date=f"2024-04-{day}T11:00:00",
        )
        w.entity(
            f"anprb{i}",
            "Event",
            "R1",
            involved="p4",
            location="CAM1",
            date=f"2024-04-{day}T11:01:00",
        )
    obs = observations_from_workspace(con)
    assert obs.num_rows == 8
    res = colocations(obs, window=timedelta(minutes=10)).to_pylist()
    pairs = {(r["a"], r["b"]): r for r in res}
    assert ("p1", "p5") in pairs and pairs[("p1", "p5")]["times"] == 2
    assert ("c4", "v1") in pairs  # p4 resolves to c4
    assert pairs[("p1", "p5")]["statement_ids"]


def test_change_between_windows(small_workspace: duckdb.DuckDBPyConnection) -> None:
    from crosslink.network import NetworkFilter

    before = from_workspace(
        small_workspace,
        NetworkFilter(until="2024-01-15", link_types=("Call", "Payment", "Associate")),
    )
    after = from_workspace(
        small_workspace,
        NetworkFilter(since="2024-01-15", link_types=("Call", "Payment", "Associate")),
    )
    diff = compare(before, after)
    assert diff["nodes_before"] == 2
    assert {n["id"] for n in diff["nodes_added"]} == {"c4", "p3"}
    added = {(e["a"], e["b"]) for e in diff["edges_added"]}
    assert ("c4", "p1") in added and ("p2", "p3") in added
    # Captions beside ids: a person reads names, not ids.
    labels = {e["a"]: e["a_label"] for e in diff["edges_added"]} | {e["b"]: e["b_label"] for e in diff["edges_added"]}
    assert labels["p1"] == "Alice" and labels["p3"] == "Carol"
    assert diff["edges_removed"] == []
