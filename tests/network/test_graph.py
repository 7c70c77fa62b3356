from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from crosslink.errors import InputError
from crosslink.network import NetworkFilter, from_edge_csv, from_workspace, parse_grading
from crosslink.network.filters import grading_passes


def _edge(net, a: str, b: str) -> dict:
    ids = list(net.ids)
    ia, ib = ids.index(a), ids.index(b)
    lo, hi = min(ia, ib), max(ia, ib)
    for row in net.edges.to_pylist():
        if row["u"] == lo and row["v"] == hi:
            return row
    raise AssertionError(f"no edge {a}-{b}")


def _has_edge(net, a: str, b: str) -> bool:
    try:
        _edge(net, a, b)
    except (AssertionError, ValueError):
        return False
    return True


def test_edge_csv_sums_parallel_rows_and_drops_self_loops(tmp_path: Path) -> None:
    f = tmp_path / "edges.csv"
    f.write_text("from,to,w\nA,B,2\nB,A,3\nA,A,9\nB,C,1\n,C,1\n")
    net = from_edge_csv(f, "from", "to", "w")
    assert net.n == 3 and net.m == 2
    assert _edge(net, "A", "B")["weight"] == 5.0
    assert _edge(net, "A", "B")["count"] == 2
    assert net.provenance["skipped_rows_without_endpoint"] == 1
    # Direction is kept for brokerage: A->B and B->A are both arcs.
    assert len(net.arcs) == 3


def test_edge_csv_missing_column_names_it(tmp_path: Path) -> None:
    f = tmp_path / "edges.csv"
    f.write_text("from,to\nA,B\n")
    with pytest.raises(InputError) as err:
        from_edge_csv(f, "from", "dest")
    assert err.value.column == "dest" and "edges.csv" in str(err.value)


def test_workspace_edges_aggregate_links_with_evidence(
    small_workspace: duckdb.DuckDBPyConnection,
) -> None:
    net = from_workspace(small_workspace)
    e = _edge(net, "p1", "p2")
    assert e["count"] == 3  # two calls and a trip
    assert e["kinds"] == ["Call", "Trip"]
    assert e["duration"] == 90.0
    assert e["report_ids"] == ["R1"] and e["gradings"] == ["uk-3x5x2:1A"]
    assert len(e["statement_ids"]) > 0
    # p4 and p4b are one canonical person c4: the payment lands on c4.
    pay = _edge(net, "c4", "p1")
    assert pay["kinds"] == ["Payment"] and pay["amount"] == 1000.0
    # The shared phone is a selector node between c4 and p5.
    assert _has_edge(net, "c4", "phone:+447700900001")
    assert _has_edge(net, "p5", "phone:+447700900001")
    # Trip co-travel connects the people and the vehicle.
    assert _has_edge(net, "p1", "v1") and _has_edge(net, "p2", "v1")
    nodes = {r["id"]: r for r in net.nodes.to_pylist()}
    assert nodes["p3"]["targetable"] is False  # migrant
    assert nodes["phone:+447700900001"]["targetable"] is False
    assert nodes["p1"]["targetable"] is True and nodes["p1"]["label"] == "Alice"


def test_workspace_filters(small_workspace: duckdb.DuckDBPyConnection) -> None:
    # Minimum grading 2B (UK 3x5x2): R2 (3E) fails, R3 (Europol) has no minimum -> out.
    net = from_workspace(small_workspace, NetworkFilter(min_gradings=(parse_grading("2B"),)))
    assert _has_edge(net, "p1", "p2")
    assert not _has_edge(net, "c4", "p1") and not _has_edge(net, "p2", "p3")
    assert net.provenance["reports_used"] == 1
    # Per-scheme minimums: add Europol B2 and the association comes back.
    both = (parse_grading("2B"), parse_grading("B2", "europol-4x4"))
    assert _has_edge(from_workspace(small_workspace, NetworkFilter(min_gradings=both)), "p2", "p3")
    # No compartment clearance: the SECRET payment report is left out.
    net = from_workspace(small_workspace, NetworkFilter(compartments=()))
    assert not _has_edge(net, "c4", "p1") and _has_edge(net, "p2", "p3")
    assert _has_edge(
        from_workspace(small_workspace, NetworkFilter(compartments=("SECRET",))), "c4", "p1"
    )
    # Handling code C only.
    net = from_workspace(small_workspace, NetworkFilter(handling_codes=("C",)))
    assert net.m == 1 and _has_edge(net, "c4", "p1")
    # Time window: call1 (2024-01-05) is before it.
    net = from_workspace(small_workspace, NetworkFilter(since="2024-01-15", until="2024-02-15"))
    assert _edge(net, "p1", "p2")["count"] == 2
    assert not _has_edge(net, "c4", "p1")
    # Link types.
    net = from_workspace(small_workspace, NetworkFilter(link_types=("Call",)))
    assert net.m == 1 and _edge(net, "p1", "p2")["kinds"] == ["Call"]


def test_unknown_link_type_is_an_input_error() -> None:
    with pytest.raises(InputError):
        NetworkFilter(link_types=("Teleport",))


@pytest.mark.parametrize(
    ("scheme", "written", "minimum", "ok"),
    [
        ("uk-3x5x2", "1A", "2B", True),
        ("uk-3x5x2", "2C", "2B", False),
        ("uk-3x5x2", "3A", "2B", False),
        ("europol-4x4", "A1", "B2", True),
        ("europol-4x4", "X1", "C2", False),
        ("europol-4x4", "B2", "2B", False),  # other shape / scheme: no automatic conversion
        ("uk-3x5x2", None, "2B", False),
    ],
)
def test_grading_passes(scheme: str, written: str | None, minimum: str, ok: bool) -> None:
    assert grading_passes(scheme, written, (parse_grading(minimum),)) is ok


def test_workspace_network_respects_the_session_clearance(small_workspace) -> None:
    """The graph is built through the session's views: a user not cleared for SECRET
    never sees the payment that only a SECRET report states (store-level enforcement)."""
    from crosslink.store.session import Clearance, Session

    cleared = from_workspace(small_workspace)
    assert any("Payment" in (k or []) for k in cleared.edges.column("kinds").to_pylist())
    Session(small_workspace, user="analyst", purpose="test", clearance=Clearance(frozenset()))
    uncleared = from_workspace(small_workspace)
    assert not any("Payment" in (k or []) for k in uncleared.edges.column("kinds").to_pylist())
