"""Workspace resolution of things: vehicles, bank accounts, user accounts, vessels."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest
from typer.testing import CliRunner

from crosslink.cli import app
from crosslink.model import REPORT_SCHEMA, STATEMENT_SCHEMA, make_id
from crosslink.resolve.judgements import apply_judgement
from crosslink.resolve.prepare_things import prepare_thing_features
from crosslink.resolve.workspace import resolvable_schemas, resolve_all, resolve_workspace
from crosslink.store import Workspace
from crosslink.store.session import Clearance, Session


def report_row(rid: str, compartment: str | None = None) -> dict[str, object]:
    row: dict[str, object] = {name: None for name in REPORT_SCHEMA.names}
    row.update(id=rid, title=rid, originator="Kent Police", grading="1B",
               grading_scheme="uk-3x5x2", handling_code="P", text="", compartment=compartment)
    return row


def thing(schema: str, entity: str, report: str, **props: str) -> list[dict[str, object]]:
    now = datetime.now()
    rows = []
    for prop, value in props.items():
        row: dict[str, object] = {name: None for name in STATEMENT_SCHEMA.names}
        row.update(id=make_id(report, entity, prop, value), entity_id=entity, schema=schema,
                   prop=prop, prop_type="string", value=value, report_id=report,
                   origin="ingest", dataset="test", first_seen=now, last_seen=now)
        rows.append(row)
    return rows


def write(
    session: Session, report: str, rows: list[dict[str, object]], compartment: str | None = None
) -> None:
    session.write_reports(pa.Table.from_pylist([report_row(report, compartment)], schema=REPORT_SCHEMA))
    session.write_statements(pa.Table.from_pylist(rows, schema=STATEMENT_SCHEMA))


def canonical(session: Session, schema: str) -> dict[str, str]:
    return dict(session.con.execute(
        "SELECT entity_id, canonical_id FROM canonical WHERE schema = ?", [schema]
    ).fetchall())


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    """Three reports writing one van's plate three ways, a different van, a van
    in a compartment, two accounts (one IBAN written twice), user accounts and a
    vessel."""
    with Workspace.create(tmp_path / "ws.duckdb") as workspace:
        session = workspace.session("tester", "test")
        write(session, "r-1", [
            *thing("Vehicle", "v-1", "r-1", registrationNumber="AB12 CDE", model="Ford Transit"),
            *thing("Vehicle", "v-other", "r-1", registrationNumber="KX19 ZZT", model="Fiat Ducato"),
            *thing("BankAccount", "b-1", "r-1", iban="GB82 WEST 1234 5698 7654 32"),
            *thing("BankAccount", "b-other", "r-1", iban="DE89370400440532013000"),
            *thing("UserAccount", "u-1", "r-1", service="Telegram", username="@Kaka_Rebwar"),
            *thing("UserAccount", "u-tiktok", "r-1", service="TikTok", username="kaka_rebwar"),
            *thing("Vessel", "s-1", "r-1", name="MV Ocean Star", imoNumber="IMO 9074729"),
        ])
        write(session, "r-2", [
            *thing("Vehicle", "v-2", "r-2", registrationNumber="ab12cde"),
            *thing("BankAccount", "b-2", "r-2", iban="gb82west12345698765432", bankName="NatWest"),
            *thing("UserAccount", "u-2", "r-2", service="telegram", username="kaka_rebwar"),
            *thing("Vessel", "s-2", "r-2", name="Ocean Star", imoNumber="9074729", flag="pa"),
        ])
        write(session, "r-3", [
            *thing("Vehicle", "v-3", "r-3", registrationNumber="AB12-CDE", type="van"),
            *thing("Vessel", "s-other", "r-3", name="Sea Breeze", mmsi="235009802"),
        ])
        write(session, "r-secret", [
            *thing("Vehicle", "v-secret", "r-secret", registrationNumber="AB12CDE"),
        ], compartment="OP-KESTREL")
        yield workspace


def uncleared(ws: Workspace) -> Session:
    return ws.session("tester", "test", clearance=Clearance(frozenset()))


def test_vehicle_features_normalise_the_plate() -> None:
    con = duckdb.connect()
    con.register("src", pa.table({
        "unique_id": ["a", "b", "c", "d"],
        "registrationNumber": ["AB12 CDE", "ab12cde", "AB12-CDE", "1HGCM82633A004352"],
    }))
    available = prepare_thing_features(con, "Vehicle", "src", "f")
    assert available == ["registration", "vin"]
    rows = con.sql("SELECT registration, vin FROM f ORDER BY unique_id").fetchall()
    assert rows == [("AB12CDE", None)] * 3 + [(None, "1HGCM82633A004352")]


def test_bank_account_features_validate_the_iban() -> None:
    con = duckdb.connect()
    con.register("src", pa.table({
        "unique_id": ["a", "b", "c"],
        "iban": ["GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765433", None],
        "accountNumber": [None, None, "98765432"],
    }))
    prepare_thing_features(con, "BankAccount", "src", "f")
    rows = con.sql("SELECT iban, account_number, sort_code FROM f ORDER BY unique_id").fetchall()
    assert rows == [
        ("GB82WEST12345698765432", "98765432", "123456"),  # a British IBAN: sort code, account
        (None, "GB82WEST12345698765433", None),  # checksum fails: not an IBAN
        (None, "98765432", None),
    ]


def test_one_van_written_three_ways_is_one_vehicle(ws: Workspace) -> None:
    session = uncleared(ws)
    result = resolve_workspace(session, schema="Vehicle")
    assert result["records"] == 4  # the compartmented van is not read
    ids = canonical(session, "Vehicle")
    assert len({ids["v-1"], ids["v-2"], ids["v-3"]}) == 1
    assert ids["v-1"] not in ("v-1", "v-2", "v-3")  # a canonical id, not a member's
    assert ids["v-other"] == "v-other"
    assert "v-secret" not in ids
    assert result["clusters"] == 2 and result["merged_records"] == 2  # things after resolution
    # the run is audited as a combination of Vehicles
    last = session.con.sql(
        "SELECT action, object FROM audit_log ORDER BY seq DESC LIMIT 1").fetchall()
    assert last == [("combination", "Vehicle")]
    # pairs are kept per schema
    schemas = {r[0] for r in session.con.sql("SELECT DISTINCT schema FROM resolution_pairs").fetchall()}
    assert schemas <= {"Vehicle"}


def test_vehicle_ids_are_stable_across_reruns(ws: Workspace) -> None:
    session = uncleared(ws)
    resolve_workspace(session, schema="Vehicle")
    before = canonical(session, "Vehicle")
    again = resolve_workspace(session, schema="Vehicle", full=True)
    assert canonical(session, "Vehicle") == before
    assert again["kept_ids"] == 1 and again["new_ids"] == 0
    # with nothing new, an incremental run scores and rewrites nothing
    idle = resolve_workspace(session, schema="Vehicle")
    assert idle["mode"] == "incremental" and idle["scored_pairs"] == 0
    assert canonical(session, "Vehicle") == before
    # a fourth report of the van joins the same cluster under the same id
    write(session, "r-4", thing("Vehicle", "v-4", "r-4", registrationNumber="AB 12 CDE"))
    resolve_workspace(session, schema="Vehicle")
    after = canonical(session, "Vehicle")
    assert after["v-4"] == after["v-1"] == before["v-1"]


def test_a_cleared_session_reads_the_compartmented_van(ws: Workspace) -> None:
    session = ws.session("tester", "test")  # every compartment
    result = resolve_workspace(session, schema="Vehicle")
    assert result["records"] == 5
    ids = canonical(session, "Vehicle")
    assert ids["v-secret"] == ids["v-1"]


def test_a_negative_judgement_keeps_two_vehicles_apart(ws: Workspace) -> None:
    session = uncleared(ws)
    resolve_workspace(session, schema="Vehicle")
    out = apply_judgement(session, "v-1", "v-3", "different", "cloned plate")
    ids = out["canonical"]
    assert ids["v-1"] != ids["v-3"]  # split at once
    resolve_workspace(session, schema="Vehicle")
    after = canonical(session, "Vehicle")
    assert after["v-1"] != after["v-3"]  # and on every re-run
    assert after["v-2"] in (after["v-1"], after["v-3"])
    # and across an incremental run that brings a fourth report of the plate
    write(session, "r-4", thing("Vehicle", "v-4", "r-4", registrationNumber="AB 12 CDE"))
    result = resolve_workspace(session, schema="Vehicle")
    assert result["mode"] == "incremental" and result["new_records"] == 1
    later = canonical(session, "Vehicle")
    assert later["v-1"] != later["v-3"]
    assert later["v-4"] in (later["v-1"], later["v-3"])


MODELS = ["Ford Transit", "Fiat Ducato", "Renault Master", "Mercedes Sprinter",
          "Vauxhall Vivaro", "Peugeot Boxer", "Iveco Daily", "Citroen Relay"]


def fleet(seed: int = 3, vehicles: int = 80) -> list[dict[str, object]]:
    """Synthetic vehicle records: each vehicle 1-3 reports, its plate spelt
    several ways, make and type sometimes stated: enough for EM to score pairs."""
    rng = random.Random(seed)
    letters, tail = "ABCDEFGHKLMNPRSTVWY", "ABCDEFGHJKLMNPRSTUVWXYZ"
    rows: list[dict[str, object]] = []
    for i in range(vehicles):
        plate = (f"{rng.choice(letters)}{rng.choice(letters)}{rng.randint(10, 29)} "
                 + "".join(rng.choice(tail) for _ in range(3)))
        model, kind = rng.choice(MODELS), rng.choice(["van", "lorry", "car"])
        for r in range(rng.choice([1, 2, 2, 3])):
            spelt = [plate, plate.replace(" ", ""), plate.lower(), plate.replace(" ", "-")]
            props = {"registrationNumber": spelt[rng.randrange(4)], "country": "gb"}
            if rng.random() < 0.7:
                props["model"] = model
            if rng.random() < 0.6:
                props["type"] = kind
            rows += thing("Vehicle", f"veh{i:03d}-{r}", "r-fleet", **props)
    return rows


def test_new_vehicles_resolve_incrementally_against_known_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new spelling of a known plate and a new van: only they are scored, and
    only they and the known van's cluster are re-clustered; every other canonical
    row and stored pair is left as it was."""
    import crosslink.resolve.workspace as workspace_module

    with Workspace.create(tmp_path / "fleet.duckdb") as workspace:
        session = workspace.session("tester", "test")
        write(session, "r-fleet", fleet())
        assert resolve_workspace(session, schema="Vehicle")["mode"] == "full"
        before = canonical(session, "Vehicle")
        query = ("SELECT entity_id, canonical_id, confidence, updated_at FROM canonical "
                 "WHERE schema = 'Vehicle'")
        rows_before = {r[0]: r for r in session.con.sql(query).fetchall()}
        first_run = session.con.sql("SELECT max(scored_at) FROM resolution_pairs").fetchall()[0][0]
        old_pairs = set(session.con.sql("SELECT a, b FROM resolution_pairs").fetchall())
        assert old_pairs, "the fleet is large enough for the model to score pairs"
        # a known van reported twice or more, and its plate
        van = min(c for e, c in before.items() if c != e)
        members = sorted(e for e, c in before.items() if c == van)
        plate = session.con.sql(
            "SELECT value FROM statements WHERE entity_id = ? AND prop = 'registrationNumber'",
            params=[members[0]]).fetchall()[0][0]
        written: list[set[str]] = []
        real_write = workspace_module.write_canonical

        def spy(con: duckdb.DuckDBPyConnection, assignment: pa.Table, **kw: Any) -> Any:
            written.append({str(x) for x in assignment.column("unique_id").to_pylist()})
            return real_write(con, assignment, **kw)

        monkeypatch.setattr(workspace_module, "write_canonical", spy)
        write(session, "r-later", [
            *thing("Vehicle", "late-1", "r-later", registrationNumber=f" {plate.lower()} ",
                   country="gb"),
            *thing("Vehicle", "late-2", "r-later", registrationNumber="ZZ99 QQQ",
                   model="Renault Master", type="van", country="gb"),
        ])
        result = resolve_workspace(session, schema="Vehicle")
        after = canonical(session, "Vehicle")
        assert result["mode"] == "incremental" and result["new_records"] == 2
        # the known van keeps its canonical id and the new spelling joins it
        assert after["late-1"] == van and all(after[m] == van for m in members)
        assert after["late-2"] == "late-2"
        # only the van's cluster and the new records were re-clustered and written
        assert written == [{*members, "late-1", "late-2"}]
        rows_after = {r[0]: r for r in session.con.sql(query).fetchall()}
        assert {e: r for e, r in rows_after.items() if e in rows_before and e not in members} \
            == {e: r for e, r in rows_before.items() if e not in members}
        # old x old pairs were not rescored: their rows are those of the first run
        rescored = session.con.sql(
            "SELECT a, b FROM resolution_pairs WHERE scored_at > ?", params=[first_run]
        ).fetchall()
        assert rescored, "the new spelling should have been scored against its van"
        assert all("late-" in a or "late-" in b for a, b in rescored)
        kept = set(session.con.sql(
            "SELECT a, b FROM resolution_pairs WHERE scored_at = ?", params=[first_run]
        ).fetchall())
        assert kept == old_pairs
        # a forced full run agrees
        resolve_workspace(session, schema="Vehicle", full=True)
        assert canonical(session, "Vehicle") == after


def test_a_positive_judgement_merges_two_vehicles(ws: Workspace) -> None:
    session = uncleared(ws)
    resolve_workspace(session, schema="Vehicle")
    apply_judgement(session, "v-1", "v-other", "same", "re-plated")
    ids = canonical(session, "Vehicle")
    assert ids["v-other"] == ids["v-1"]


def test_one_iban_written_with_spaces_is_one_account(ws: Workspace) -> None:
    session = uncleared(ws)
    result = resolve_workspace(session, schema="BankAccount")
    ids = canonical(session, "BankAccount")
    assert result["records"] == 3
    assert ids["b-1"] == ids["b-2"] != ids["b-other"]
    assert ids["b-other"] == "b-other"


def test_handles_merge_on_one_service_only(ws: Workspace) -> None:
    session = uncleared(ws)
    resolve_workspace(session, schema="UserAccount")
    ids = canonical(session, "UserAccount")
    assert ids["u-1"] == ids["u-2"]  # "@Kaka_Rebwar" and "kaka_rebwar" on Telegram
    assert ids["u-tiktok"] != ids["u-1"]  # the same handle on TikTok may be someone else


def test_vessels_merge_on_the_imo_number(ws: Workspace) -> None:
    session = uncleared(ws)
    resolve_workspace(session, schema="Vessel")
    ids = canonical(session, "Vessel")
    assert ids["s-1"] == ids["s-2"] != ids["s-other"]


def test_resolve_all_covers_every_schema_present_person_first(ws: Workspace) -> None:
    session = uncleared(ws)
    assert resolvable_schemas(session) == ["Vehicle", "BankAccount", "UserAccount", "Vessel"]
    results = resolve_all(session)
    assert list(results) == ["Vehicle", "BankAccount", "UserAccount", "Vessel"]
    assert results["Vehicle"]["clusters"] == 2 and results["BankAccount"]["clusters"] == 2
    schemas = dict(session.con.sql(
        "SELECT schema, count(*) FROM canonical GROUP BY schema").fetchall())
    assert schemas == {"Vehicle": 4, "BankAccount": 3, "UserAccount": 3, "Vessel": 3}
    # a Person run (there are no people) leaves the things' rows alone
    before = canonical(session, "Vehicle")
    assert resolve_workspace(session)["records"] == 0
    assert canonical(session, "Vehicle") == before


def test_cli_resolve_reports_each_schema(ws: Workspace) -> None:
    path = str(ws.path)
    ws.close()
    runner = CliRunner()
    run = runner.invoke(app, ["resolve", "-w", path, "--format", "json"])
    assert run.exit_code == 0, run.output
    out = json.loads(run.output)
    assert list(out["schemas"]) == ["Vehicle", "BankAccount", "UserAccount", "Vessel"]
    assert out["schemas"]["Vehicle"]["records"] == 5  # the CLI user sees every compartment
    run = runner.invoke(app, ["resolve", "-w", path, "--schema", "Vehicle"])
    assert run.exit_code == 0, run.output
    assert "Vehicle" in run.output and "BankAccount" not in run.output
    run = runner.invoke(app, ["resolve", "-w", path, "--schema", "Spaceship"])
    assert run.exit_code != 0
    with Workspace.open(Path(path)) as workspace:
        van = canonical(workspace.session(), "Vehicle")["v-1"]
    run = runner.invoke(app, ["show", van, "-w", path, "--format", "json"])
    assert run.exit_code == 0, run.output
    assert {"v-1", "v-2", "v-3", "v-secret"} <= {r["entity_id"] for r in json.loads(run.output)}
    run = runner.invoke(app, ["entities", "--schema", "Vehicle", "-w", path])
    assert run.exit_code == 0, run.output
    run = runner.invoke(app, ["review", "--schema", "vehicle", "-w", path, "--format", "json"])
    assert run.exit_code == 0, run.output
    run = runner.invoke(app, ["judge", "v-1", "v-3", "--different", "-w", path])
    assert run.exit_code == 0 and "in separate clusters" in run.output, run.output
    run = runner.invoke(app, ["explain", "v-1", "v-2", "-w", path])
    assert run.exit_code == 0 and "registration" in run.output, run.output


def test_a_workspace_of_two_plates_only_resolves(tmp_path: Path) -> None:
    """Plates are the only evidence: the EM session blocked on the plate would
    train nothing and is skipped (it used to leave Splink without comparisons)."""
    with Workspace.create(tmp_path / "tiny.duckdb") as workspace:
        session = workspace.session("tester", "test")
        write(session, "r-1", [
            *thing("Vehicle", "v-1", "r-1", registrationNumber="AB12 CDE"),
            *thing("Vehicle", "v-2", "r-1", registrationNumber="ab12-cde"),
            *thing("Vessel", "s-1", "r-1", name="Sea Breeze"),
        ])
        results = resolve_all(session)
        assert results["Vehicle"]["clusters"] == 1
        assert results["Vessel"]["mode"] == "skipped"  # a name alone: no blocking rule applies
