"""Ids a person can type: unique prefixes, as in git; hidden entities stay hidden."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from crosslink.cli import app
from crosslink.errors import InputError
from crosslink.store.ids import find_id, resolve_id, short_id
from crosslink.store.session import Clearance, Session
from tests.network.conftest import WorkspaceBuilder

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _workspace(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(tmp_path / "ws.duckdb"))
    w = WorkspaceBuilder(con)
    w.report("R1", "1B", "uk-3x5x2")
    w.report("R2", "1B", "uk-3x5x2", compartment="SOURCE-UNIT")
    w.entity("abcd1111", "Person", "R1", name="Karwan Aziz")
    w.entity("abcd2222", "Person", "R1", name="Dilan Rashid")
    w.entity("abce3333", "Person", "R2", name="Hidden Person")
    return con


def test_a_unique_prefix_names_one_entity(tmp_path: Path) -> None:
    con = _workspace(tmp_path)
    session = Session(con, user="a", purpose=None, clearance=Clearance(compartments=frozenset()))
    assert resolve_id(session, "abcd1") == "abcd1111"
    assert resolve_id(session, "abcd2222") == "abcd2222"
    with pytest.raises(InputError, match=r"several ids: abcd1111 \(Karwan Aziz\), abcd2222 \(Dilan Rashid\)"):
        resolve_id(session, "abcd")
    # A prefix finds no more than the full id would: the hidden person stays hidden.
    with pytest.raises(InputError, match="none you may see"):
        resolve_id(session, "abce")
    assert find_id(session, "abce") is None
    with pytest.raises(InputError, match="at least 4 characters"):
        resolve_id(session, "ab")


def test_short_ids_only_shorten_hex_ids() -> None:
    assert short_id("791619703b8367ff5f5ebc0f5f653b7ee86cd61f") == "791619703b83"
    assert short_id("os-person-1") == "os-person-1"


def test_cli_show_takes_a_prefix_and_fits_a_terminal(tmp_path: Path) -> None:
    ws = str(tmp_path / "ws.duckdb")
    runner = CliRunner()
    mapping = EXAMPLES / "mappings" / "intel_log.yml"
    assert runner.invoke(app, ["ingest", str(EXAMPLES / "intel_log.csv"), "-m", str(mapping), "-w", ws]).exit_code == 0
    listing = runner.invoke(app, ["entities", "--schema", "Person", "--format", "json", "-w", ws])
    import json

    first = json.loads(listing.stdout)[0]
    shown = runner.invoke(app, ["show", first["entity_id"][:8], "-w", ws], env={"COLUMNS": "80"})
    assert shown.exit_code == 0, shown.output
    assert first["names"].split("; ")[0] in shown.stdout
    assert max(len(line) for line in shown.stdout.splitlines()) <= 80
