"""PPRL: keyed encodings match the same people across two workspaces and reveal only hits."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from crosslink.cli import app
from crosslink.errors import InputError
from crosslink.share.pprl import Encoder, match
from crosslink.share.pprl.encode import field_tokens, load_key
from tests.share.conftest import build, report_row, statement_row

KEY = b"a shared secret of thirty-two b."
PEOPLE_A = [("Karwan", "Ahmadi", "1990-04-02"), ("Dilan", "Rostami", "1985-11-30"), ("Mehmet", "Yilmaz", "1979-01-15"),
            ("Ana", "Lee", "2001-06-07")]
PEOPLE_B = [("Karwan", "Ahmady", "1990-04-02"), ("Mehmet", "Yilmaz", "1979-01-15"), ("Rebin", "Kareem", "1992-03-03")]


def _records(people):
    return [{"first_name": f, "last_name": s, "birth": d} for f, s, d in people]


def test_the_same_people_score_high_and_others_low():
    enc = Encoder(KEY)
    a = enc.encode([str(i) for i in range(4)], _records(PEOPLE_A), pseudonymise=False)
    b = enc.encode([str(i) for i in range(3)], _records(PEOPLE_B), pseudonymise=False)
    hits = match(a, b, threshold=0.9)
    assert sorted(zip(hits.ours.tolist(), hits.theirs.tolist(), strict=True)) == [(0, 0), (2, 1)]
    assert hits.score[hits.ours.tolist().index(2)] == pytest.approx(1.0)
    # balanced: every encoding has exactly half its bits set, whatever the name
    assert set(a.popcount.tolist()) == {a.bits // 2}


def test_a_different_key_gives_unrelated_encodings():
    a = Encoder(KEY).encode(["x"], _records(PEOPLE_A[:1]), pseudonymise=False)
    b = Encoder(b"another secret of thirty-two b..").encode(["x"], _records(PEOPLE_A[:1]), pseudonymise=False)
    assert len(match(a, b, threshold=0.8).score) == 0
    assert a.ids == ["x"] and Encoder(KEY).encode(["x"], _records(PEOPLE_A[:1])).ids != ["x"]


def test_tokens_fold_case_and_accents():
    assert field_tokens("first_name", "Çelik") == field_tokens("first_name", "celik")
    assert field_tokens("birth", "1990-04-02") == ["y1990", "m04", "d02"]


def test_short_keys_are_refused(tmp_path: Path):
    path = tmp_path / "k"
    path.write_text("short", "utf-8")
    with pytest.raises(InputError, match="at least 16"):
        load_key(path)


def _workspace(path: Path, people: list[tuple[str, str, str]], code: str = "P"):
    reports = [report_row("open", ("B", "uk-3x5x2", code, None, None, False))]
    rows = []
    for i, (first, last, dob) in enumerate(people):
        rows += [statement_row(f"{path.stem}-{i}", "Person", "firstName", first, "open", "name"),
                 statement_row(f"{path.stem}-{i}", "Person", "lastName", last, "open", "name"),
                 statement_row(f"{path.stem}-{i}", "Person", "birthDate", dob, "open", "date")]
    build(path, reports, rows).close()


def test_an_exchange_between_two_workspaces_reveals_only_hits(tmp_path: Path):
    _workspace(tmp_path / "kent.duckdb", PEOPLE_A)
    _workspace(tmp_path / "nca.duckdb", PEOPLE_B)
    runner = CliRunner()
    key = tmp_path / "shared.key"
    assert runner.invoke(app, ["pprl", "keygen", str(key)]).exit_code == 0
    enc = tmp_path / "kent.enc.json"
    r = runner.invoke(app, ["pprl", "encode", "--key-file", str(key), "--out", str(enc), "--to", "nca",
                            "-w", str(tmp_path / "kent.duckdb"), "--party", "Kent"])
    assert r.exit_code == 0, r.output
    text = enc.read_text("utf-8")
    assert "Karwan" not in text and "1990" not in text and "kent-0" not in text
    assert len(json.loads(text)["records"]) == 4
    hits = tmp_path / "hits.csv"
    r = runner.invoke(app, ["pprl", "match", str(enc), "--key-file", str(key), "--out", str(hits),
                            "-w", str(tmp_path / "nca.duckdb"), "--with-entity-ids"])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(hits.open(encoding="utf-8")))
    assert sorted(r["our_entity_id"] for r in rows) == ["nca-0", "nca-1"]
    assert all(float(r["score"]) >= 0.9 for r in rows)


def test_people_the_policy_withholds_are_not_encoded(tmp_path: Path):
    _workspace(tmp_path / "kent.duckdb", PEOPLE_A, code="4")
    key = tmp_path / "k"
    key.write_text("0" * 64, "utf-8")
    r = CliRunner().invoke(app, ["pprl", "encode", "--key-file", str(key), "--out", str(tmp_path / "e.json"),
                                 "--to", "nca", "-w", str(tmp_path / "kent.duckdb")])
    assert r.exit_code == 1 and "no person may go to nca" in r.output
    assert not (tmp_path / "e.json").exists()


def test_xor_folding_halves_the_filter():
    enc = Encoder(KEY, hardening="xor-fold")
    a = enc.encode(["0"], _records(PEOPLE_A[:1]))
    assert a.bits == 512 and a.words.shape == (1, 8) and a.words.dtype == np.uint64
