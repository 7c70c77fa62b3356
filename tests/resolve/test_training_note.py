"""`crosslink review` says when the model learnt from too few matches to be the
data's own (issue 20 point 9): the weights then lean on the shipped priors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from crosslink.cli import app
from crosslink.resolve.scoring import meta_key
from crosslink.resolve.workspace import resolve_workspace
from crosslink.store import Workspace
from tests.resolve.test_workspace import person, population, write

NOTE = "its weights lean on the shipped priors"


def _review(path: Path) -> str:
    result = CliRunner().invoke(app, ["review", "--workspace", str(path), "--user", "analyst"])
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def test_review_says_a_tiny_workspace_model_leans_on_the_priors(tmp_path: Path) -> None:
    path = tmp_path / "ws.duckdb"
    with Workspace.create(path) as ws:
        session = ws.session("analyst", "test")
        same = {"firstName": "Karwan", "lastName": "Aziz", "name": "Karwan Aziz",
                "birthDate": "1988-06-14"}
        write(session, "r1", person("a", "r1", **same))
        write(session, "r2", person("b", "r2", **same))
        write(session, "r3", person("c", "r3", firstName="Dilan", lastName="Rashid",
                                    name="Dilan Rashid", birthDate="1990-02-01"))
        resolve_workspace(session)
        row = ws.con.execute("SELECT value FROM meta WHERE key = ?",
                             [meta_key("training")]).fetchone()
    assert row is not None
    saved = json.loads(row[0])
    assert saved["undertrained"] is True and saved["matching_pairs"] < 10
    shown = _review(path)
    assert f"the model learnt from about {saved['matching_pairs']:.0f} matching pair" in shown
    assert NOTE in shown


def test_review_is_silent_when_the_data_outweighs_the_priors(tmp_path: Path) -> None:
    path = tmp_path / "ws.duckdb"
    with Workspace.create(path) as ws:
        session = ws.session("analyst", "test")
        write(session, "r-pop", population())
        resolve_workspace(session)
        row = ws.con.execute("SELECT value FROM meta WHERE key = ?",
                             [meta_key("training")]).fetchone()
    assert row is not None and json.loads(row[0])["undertrained"] is False
    assert NOTE not in _review(path)
