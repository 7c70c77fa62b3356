"""A scenario directory: layout, determinism, truth, spans, mappings and documented targets."""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest
import yaml
from stdnum import iban as stdnum_iban
from stdnum import imei as stdnum_imei
from typer.testing import CliRunner

from crosslink.cli import app
from crosslink.simulate import check_targets, scenario_stats, simulate
from crosslink.simulate.world import _luhn_digit


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sc") / "scenario"
    simulate(6000, 11, out)
    return out


def _digest(directory: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(directory.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(directory)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def test_layout(scenario: Path) -> None:
    records = {p.name for p in (scenario / "records").iterdir()}
    for name in ("calls.csv", "transfers.csv", "anpr.csv", "seized_contacts.csv", "adverts.jsonl",
                 "intel_kent.csv", "nominals_bf.csv", "partner_fr.jsonl"):  # fmt: skip
        assert name in records
    mappings = {p.stem for p in (scenario / "mappings").iterdir()}
    assert mappings == {Path(r).stem for r in records}
    for name in ("records.csv", "entities.csv", "links.csv", "groups.csv", "spans.jsonl"):
        assert (scenario / "truth" / name).is_file()
    meta = json.loads((scenario / "scenario.json").read_text())
    assert meta["seed"] == 11 and meta["people"] == 6000


def test_same_seed_same_bytes(scenario: Path, tmp_path: Path) -> None:
    simulate(6000, 11, tmp_path / "again")
    assert _digest(tmp_path / "again") == _digest(scenario)


def test_migrants_are_never_suspects(scenario: Path) -> None:
    roles = {}
    with open(scenario / "truth" / "entities.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["schema"] == "Person":
                roles[row["entity_id"]] = row["role"]
    assert {"migrant", "victim", "witness", "organiser", "money_handler"} <= set(roles.values())
    for name in ("nominals_bf.csv", "nominals_kent.csv"):
        truth = {}
        with open(scenario / "truth" / "records.csv", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["field"] == "person":
                    truth[row["record_id"]] = row["entity_id"]
        with open(scenario / "records" / name, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if roles[truth[row["record_id"]]] in ("migrant", "victim", "witness"):
                    assert row["role"] != "suspect"


def test_gold_spans_match_text(scenario: Path) -> None:
    texts: dict[str, str] = {}
    for p in (scenario / "records").glob("intel_*.csv"):
        with open(p, encoding="utf-8") as fh:
            texts |= {r["report_ref"]: r["text"] for r in csv.DictReader(fh)}
    for p in list((scenario / "records").glob("partner_*.jsonl")) + [scenario / "records" / "adverts.jsonl"]:
        for line in p.read_text(encoding="utf-8").splitlines():
            obj = json.loads(line)
            texts[obj["id"]] = obj["text"]
    types = set()
    n = 0
    for line in (scenario / "truth" / "spans.jsonl").read_text(encoding="utf-8").splitlines():
        s = json.loads(line)
        written = texts[s["record_id"]][s["start"] : s["end"]]
        assert written, s
        types.add(s["type"])
        if s["type"] == "iban":
            assert stdnum_iban.is_valid(s["value"])
        if s["type"] == "plate":
            assert s["value"] == written.replace(" ", "").replace("-", "").upper()
        if s["type"] == "person":
            assert s["value"].lower() == " ".join(written.split()).lower() or s["value"].split()[0] in written
        n += 1
    assert n > 1000
    assert {"person", "dob", "phone", "location", "money", "handle", "plate"} <= types


def test_documented_targets_met(scenario: Path) -> None:
    failed = [(t.key, v) for t, v, ok in check_targets(scenario_stats(scenario)) if not ok]
    assert not failed


def test_mappings_reference_real_columns(scenario: Path) -> None:
    for mapping in (scenario / "mappings").iterdir():
        spec = yaml.safe_load(mapping.read_text(encoding="utf-8"))
        record = next((scenario / "records").glob(mapping.stem + ".*"))
        if record.suffix == ".csv":
            with open(record, encoding="utf-8") as fh:
                header = set(next(csv.reader(fh)))
        else:
            header = set(json.loads(record.read_text(encoding="utf-8").splitlines()[0]))
        used: set[str] = set()
        for value in [*spec.get("report", {}).values()]:
            if isinstance(value, dict) and "column" in value:
                used.add(value["column"])
        for entity in spec["entities"].values():
            used |= set(entity["keys"])
            for prop in entity["properties"].values():
                used |= {prop["column"]} if "column" in prop else set(prop.get("columns", []))
        assert used <= header, (mapping.name, used - header)


def test_luhn_matches_stdnum() -> None:
    import numpy as np

    body = np.array([35209900123456, 86769304000001, 35875810999999])
    for b, d in zip(body.tolist(), _luhn_digit(body, 14).tolist(), strict=True):
        assert stdnum_imei.is_valid(f"{b}{d}")


def test_cli_simulate_and_stats(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["simulate", "--people", "300", "--seed", "2", "--out", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "s" / "truth" / "records.csv").is_file()
    result = runner.invoke(app, ["simulate", "--stats", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert "namesakes.top_share" in result.output
    for key in ("text.spans_per_report", "text.iban_countries", "text.ocr_phone_share"):
        assert key in result.output
    result = runner.invoke(app, ["simulate", "--stats", str(tmp_path)])
    assert result.exit_code == 1


def test_world_selectors_are_valid() -> None:
    import numpy as np
    import phonenumbers

    from crosslink.simulate.world import build_world

    w = build_world(np.random.default_rng(3), 3000)
    assert all(stdnum_iban.is_valid(x) for x in w.assets.iban.to_pylist())
    assert all(stdnum_imei.is_valid(x) for x in w.assets.imei(np.arange(500)).to_pylist())
    e164 = [f"+{c}{n}" for c, n in zip(w.people.phone_cc.to_pylist(), w.people.phone_nsn.tolist(), strict=True)]
    assert len(set(e164)) == len(e164)
    assert all(phonenumbers.is_valid_number(phonenumbers.parse(x)) for x in e164[:2000])


def test_output_does_not_depend_on_worker_count(scenario: Path, tmp_path: Path) -> None:
    simulate(6000, 11, tmp_path / "one", workers=1)
    assert _digest(tmp_path / "one") == _digest(scenario)


def _texts(scenario: Path) -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    for p in (scenario / "records").glob("intel_*.csv"):
        with open(p, encoding="utf-8") as fh:
            rows |= {r["report_ref"]: r for r in csv.DictReader(fh)}
    for p in [*(scenario / "records").glob("partner_*.jsonl"), scenario / "records" / "adverts.jsonl"]:
        for line in p.read_text(encoding="utf-8").splitlines():
            obj = json.loads(line)
            rows[obj["id"]] = obj
    return rows


def _spans(scenario: Path, name: str) -> list[dict[str, object]]:
    path = scenario / "truth" / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.is_file() else []


def test_partner_reports_spell_places_in_their_language(scenario: Path) -> None:
    rows = _texts(scenario)
    written: dict[str, Counter[str]] = {"fr": Counter(), "nl": Counter(), "de": Counter()}
    for s in _spans(scenario, "spans.jsonl"):
        row = rows[str(s["record_id"])]
        if s["type"] == "location" and str(s["file"]).startswith("records/partner_"):
            text = row["text"][int(s["start"]) : int(s["end"])]  # type: ignore[call-overload]
            written[row["language"]][f"{s['value']}={text}"] += 1
    assert not any(k in written["fr"] for k in ("Dunkirk=Dunkirk", "Brussels=Brussels"))
    assert "Dunkirk=Dunkerque" in written["fr"] or "Calais=Calais" in written["fr"]
    assert not any(k.startswith(("Cologne=Cologne", "Dunkirk=Dunkirk")) for k in written["de"])
    assert not any(k.startswith(("Cologne=Cologne", "Dunkirk=Dunkirk")) for k in written["nl"])
    assert sum(written["de"].values()) and sum(written["nl"].values())


def test_vessels_appear_in_text_with_their_truth(scenario: Path) -> None:
    vessels = {}
    with open(scenario / "truth" / "entities.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["schema"] == "Vessel":
                vessels[row["entity_id"]] = row["value"]  # the MMSI
    mentioned: dict[str, set[str]] = {}
    with open(scenario / "truth" / "records.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["field"] in ("mention:vessel", "mention:vessel_name"):
                mentioned.setdefault(row["record_id"], set()).add(row["entity_id"])
    spans = [s for s in _spans(scenario, "spans.jsonl") if s["type"] == "vessel"]
    assert spans
    for s in spans:
        (vessel,) = mentioned[str(s["record_id"])]
        assert vessels[vessel] == s["value"]
        assert str(s["value"])[0] in "234567" and len(str(s["value"])) == 9


def test_ibans_come_from_several_countries_with_valid_checks() -> None:
    import numpy as np

    from crosslink.simulate.world import IBAN_COUNTRIES, _ibans

    values = _ibans(np.random.default_rng(5), 4000).to_pylist()
    assert {v[:2] for v in values} == set(IBAN_COUNTRIES)
    assert all(stdnum_iban.is_valid(v) for v in values)  # includes the Belgian national check
    odd = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21]
    for v in values:
        bban = v[4:]
        if v[:2] == "FR":  # RIB key
            bank, branch, account, key = int(bban[:5]), int(bban[5:10]), int(bban[10:21]), int(bban[21:])
            assert (89 * bank + 15 * branch + 3 * account + key) % 97 == 0
        if v[:2] == "IT":  # CIN letter
            total = sum(odd[int(c)] if k % 2 == 0 else int(c) for k, c in enumerate(bban[1:]))
            assert bban[0] == chr(65 + total % 26)


def test_ocr_noise_and_gold(scenario: Path) -> None:
    """Recoverable OCR confusions (O/l in a phone) stay gold with the true value;
    damaged IBANs and MMSIs fail validation, are not gold and are listed apart."""
    rows = _texts(scenario)
    ocr_phones = 0
    for s in _spans(scenario, "spans.jsonl"):
        text = rows[str(s["record_id"])]["text"][int(s["start"]) : int(s["end"])]  # type: ignore[call-overload]
        if s["type"] == "phone" and any(c in text for c in "Ol"):
            ocr_phones += 1
            assert sum(c in "Ol" for c in text) <= 2
            repaired = text.replace("O", "0").replace("l", "1").replace(" ", "")
            assert repaired.lstrip("+0").endswith(str(s["value"])[4:])
    assert ocr_phones > 0
    gold = {(s["record_id"], s["start"]) for s in _spans(scenario, "spans.jsonl")}
    for d in _spans(scenario, "damaged.jsonl"):
        text = rows[str(d["record_id"])]["text"][int(d["start"]) : int(d["end"])]  # type: ignore[call-overload]
        assert text == d["written"] != d["value"]
        assert (d["record_id"], d["start"]) not in gold
        if d["type"] == "iban":
            assert stdnum_iban.is_valid(str(d["value"])) and not stdnum_iban.is_valid(text)
        if d["type"] == "vessel":
            assert not text.isdigit()


def test_ocr_damage_only_touches_masked_digits() -> None:
    import numpy as np
    import pyarrow as pa

    from crosslink.simulate.reports import ocr_damage

    values = pa.array(["+447911100100", "+447922222222", None, "+447911100100"])
    mask = np.array([True, True, True, False])
    out, changed = ocr_damage(np.random.default_rng(1), values, mask, hits=2, skip=3)
    got = out.to_pylist()
    assert changed.tolist() == [True, False, False, False]  # no 0/1 digit to confuse in row 2
    assert got[1:] == values.to_pylist()[1:]
    assert got[0] != values[0].as_py() and got[0][:3] == "+44"
    assert got[0].replace("O", "0").replace("l", "1") == values[0].as_py()
    assert 1 <= sum(c in "Ol" for c in got[0]) <= 2
