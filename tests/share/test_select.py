"""Selections: entities with the links among them, a network around one, a candidate group."""

from __future__ import annotations

import pytest

from crosslink.errors import InputError
from crosslink.share import select
from crosslink.store import Clearance


def test_entities_bring_the_links_between_them(workspace):
    s = workspace.session("ana", "t")
    assert select.entities(s, ["p-open", "p-cond"]) == ["call-cond", "p-cond", "p-open"]
    assert select.entities(s, ["p-op"]) == ["p-open"]  # a unique prefix
    with pytest.raises(InputError, match="start of"):
        select.entities(s, ["p-"])
    with pytest.raises(InputError, match="no visible entity"):
        select.entities(s, ["nobody"])


def test_around_follows_entity_references_hop_by_hop(workspace):
    s = workspace.session("ana", "t")
    assert select.around(s, "p-cond", 0) == ["p-cond"]
    assert select.around(s, "p-cond", 1) == ["call-cond", "p-cond"]
    assert select.around(s, "p-cond", 2) == ["call-cond", "p-cond", "p-open"]
    three = select.around(s, "p-cond", 3)
    assert "call-local" in three and "p-local" not in three  # a call reaching p-open, not its other end
    assert "p-local" in select.around(s, "p-cond", 4)


def test_a_selection_never_reaches_what_the_user_cannot_see(workspace):
    s = workspace.session("ana", "t", clearance=Clearance(compartments=frozenset()))
    around = select.around(s, "p-open", 4)
    assert "p-secret" not in around and "call-secret" not in around and "p-joint" not in around


def test_group_selects_a_candidate_group(workspace):
    s = workspace.session("ana", "t")
    members = select.group(s, 1)
    assert "p-open" in members and len(members) > 2
    with pytest.raises(InputError, match="groups; give --group 1 to"):
        select.group(s, 99)
