"""A simulated scenario, ingested and resolved once, copied for each test that writes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from crosslink.store import Workspace


@pytest.fixture(scope="session")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo pipeline on 400 simulated people: workspace + network analysis."""
    from crosslink.demo import run_demo

    out = tmp_path_factory.mktemp("cases-scenario")
    result = run_demo(out, people=400, seed=11, key_players=4)
    analysis = json.loads(result.analysis.read_text(encoding="utf-8"))
    return {"workspace": result.workspace, "analysis": result.analysis, "data": analysis,
            "demo": result}


@pytest.fixture
def ws(scenario: dict[str, Any], tmp_path: Path):  # type: ignore[no-untyped-def]
    """A private copy of the scenario workspace (tests write to it)."""
    path = tmp_path / "ws.duckdb"
    shutil.copy(scenario["workspace"], path)
    with Workspace.open(path) as workspace:
        yield workspace


def biggest_group_with_suspects(data: dict[str, Any], ws: Workspace) -> tuple[int, list[str]]:
    """The group with the most people recorded as suspects (the case a team would build)."""
    suspects = {r[0] for r in ws.con.sql(
        "SELECT coalesce(c.canonical_id, s.entity_id) FROM statements s LEFT JOIN canonical c "
        "USING (entity_id) WHERE s.prop = 'x:role' AND s.value = 'suspect'"
    ).fetchall()}
    best = max(data["communities"], key=lambda g: len(suspects & set(g["members"])))
    return int(best["id"]), list(best["members"])
