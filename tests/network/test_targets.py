"""Plans name people: never notes, documents or selectors; organisations on request."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from crosslink.errors import InputError
from crosslink.network import analyse, disrupt, from_workspace
from crosslink.network.targets import kind_of, parse_targets
from tests.network.conftest import WorkspaceBuilder


def _hub_workspace(con: duckdb.DuckDBPyConnection) -> None:
    """Four people whose only tie is one intelligence note naming all their phones (the
    note is the hub), and three members of one organisation, one of whom knows p1."""
    w = WorkspaceBuilder(con)
    w.report("R1", "1B", "uk-3x5x2")
    w.entity("note1", "Note", "R1", phoneMentioned=[f"+4477009000{i}" for i in range(1, 5)])
    for i in range(1, 5):
        w.entity(f"p{i}", "Person", "R1", name=f"Person {i}", phone=f"+4477009000{i}")
    w.entity("org", "Organization", "R1", name="Channel Marine Supplies Ltd")
    for i in range(5, 11):
        w.entity(f"p{i}", "Person", "R1", name=f"Member {i}")
        w.entity(f"m{i}", "Membership", "R1", member=f"p{i}", organization="org")
    w.entity("a1", "Associate", "R1", person="p5", associate="p1")


def test_a_note_at_the_centre_is_never_a_target(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "ws.duckdb"))
    _hub_workspace(con)
    net = from_workspace(con)
    plan = disrupt(net, 3)
    chosen = {c["id"] for c in plan["plan"]["chosen"]}
    assert chosen and "note1" not in chosen and "org" not in chosen
    assert not any(c.startswith("phone:") for c in chosen)
    assert all(c.startswith("p") for c in chosen)
    report = analyse(net, k=2)
    for ranking in ("degree", "pagerank", "betweenness"):
        assert {r["id"] for r in report["centrality"][ranking]} <= {f"p{i}" for i in range(1, 11)}
    policy = report["policy"]
    assert policy["nodes_by_kind"]["document"] == 1 and "never proposed" in policy["note"]
    # Organisations only when the analyst asks; documents never.
    with_orgs = disrupt(net, 1, targets=parse_targets("person,organisation"))
    assert {c["id"] for c in with_orgs["plan"]["chosen"]} == {"org"}
    with pytest.raises(InputError, match="never targets"):
        parse_targets("person,document")


def test_kinds_come_from_the_ftm_schema() -> None:
    assert kind_of("Person") == "person" and kind_of("Company") == "organisation"
    assert kind_of("Note") == "document" and kind_of("Selector:phone") == "selector"
    assert kind_of("Vehicle") == "thing" and kind_of(None) == "unknown"


def test_an_empty_network_is_a_message_not_a_crash(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "ws.duckdb"))
    w = WorkspaceBuilder(con)
    w.report("R1", "1B", "uk-3x5x2")
    w.entity("p1", "Person", "R1", name="Alone")
    net = from_workspace(con)
    assert net.n == 0
    with pytest.raises(InputError, match="the network is empty.*1 Person"):
        analyse(net)
    with pytest.raises(InputError, match="the network is empty"):
        disrupt(net, 3)


def test_uncleaned_numbers_are_still_the_ends_of_calls(tmp_path: Path) -> None:
    """Subscriber ids mapped as phone numbers do not clean; the calls still join them."""
    con = duckdb.connect(str(tmp_path / "ws.duckdb"))
    w = WorkspaceBuilder(con)
    w.report("R1", "2B", "uk-3x5x2")
    for n, (a, b) in enumerate([("349", "23"), ("23", "7"), ("7", "349"), ("349", "12")]):
        w.entity(f"c{n}", "Call", "R1", callerNumber=a, receiverNumber=b)
    con.execute("UPDATE statements SET reason = 'not a valid phone number' WHERE prop LIKE '%Number'")
    net = from_workspace(con)
    # (a number seen with only one other is a leaf the builder prunes, as for shared selectors)
    assert sorted(net.nodes.column("label").to_pylist()) == ["23", "349", "7"]
    plan = disrupt(net, 2)
    assert plan["plan"]["chosen"] == []  # phones are not people: nothing to target...
    assert "map each party to an entity" in plan["policy"]["note"]  # ...and how to fix it
