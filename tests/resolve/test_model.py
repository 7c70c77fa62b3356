"""The Person model is data: comparisons and rules follow the input's columns."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from crosslink.errors import InputError
from crosslink.resolve import link_records, load_model, read_records
from crosslink.resolve.engine import score_pairs
from crosslink.resolve.standalone import _connect


def test_model_keeps_only_comparisons_the_input_can_feed() -> None:
    model = load_model("Person")
    settings = model.settings({"first_name", "last_name", "full_name", "name_key", "fn_key",
                               "ln_key", "fn_prefix", "dob", "dob_y"}, "dedupe_only")
    names = [c.create_output_column_name() for c in settings.comparisons]  # type: ignore[union-attr]
    assert names == ["name", "dob"]
    with_phone = model.settings({"full_name", "name_key", "phone"}, "dedupe_only")
    assert "phone" in [c.create_output_column_name() for c in with_phone.comparisons]  # type: ignore[union-attr]


def test_unknown_schema_is_an_input_error() -> None:
    with pytest.raises(InputError):
        load_model("Spaceship")


@pytest.mark.shared
def test_febrl4_linkage_is_near_perfect(shared_data: Path) -> None:
    folder = shared_data / "entity_resolution" / "febrl"
    con = _connect()
    left, _ = read_records(con, folder / "dataset4a.csv", "rec_id")
    right, _ = read_records(con, folder / "dataset4b.csv", "rec_id")
    pairs = link_records(left, right)
    found = set(zip(pairs.column("left_id").to_pylist(), pairs.column("right_id").to_pylist(), strict=True))
    true = {(x, x.replace("-org", "-dup-0")) for x in left.column("unique_id").to_pylist()}
    tp = len(found & true)
    precision, recall = tp / len(found), tp / len(true)
    assert 2 * precision * recall / (precision + recall) >= 0.995


# ---- every matchable schema has a model the engine can train and score

SCHEMAS = ["Organization", "Vehicle", "BankAccount", "UserAccount", "Vessel"]


def _columns(schema: str) -> list[str]:
    model = load_model(schema)
    cols: set[str] = set()
    for comparison in model.comparisons:
        cols |= set(comparison.get("requires", []))
    for rule in [*model.blocking_rules, *model.em_blocking_rules]:
        cols |= set(rule)
    return sorted(cols)


def _records(columns: list[str], things: int = 40) -> pa.Table:
    """Two records per thing: equal on every column except a dropped value or two."""
    rows: dict[str, list[object]] = {"unique_id": [], "truth": []}
    for col in columns:
        rows[col] = []
    for thing in range(things):
        for copy in range(2):
            rows["unique_id"].append(f"{thing}-{copy}")
            rows["truth"].append(thing)
            for k, col in enumerate(columns):
                value: object = f"{col[:3]}{thing * 7919 % 1000:03d}x{k}"
                if col == "length_m":
                    value = 5 + thing % 40
                if copy and (thing + k) % 5 == 0:
                    value = None  # the second source did not record it
                rows[col].append(value)
    return pa.table(rows)


@pytest.mark.parametrize("schema", SCHEMAS)
def test_schema_model_separates_duplicates_from_different_things(schema: str) -> None:
    model = load_model(schema)
    assert model.schema == schema
    columns = _columns(schema)
    con = duckdb.connect()
    con.register("records", _records(columns))
    con.execute("CREATE TABLE features AS SELECT * EXCLUDE (truth) FROM records")
    scored = score_pairs(con, ["features"], model, set(columns))
    rows = con.sql(
        f"SELECT split_part(unique_id_l, '-', 1) = split_part(unique_id_r, '-', 1), "  # noqa: S608
        f"match_probability FROM {scored.pairs_table}"
    ).fetchall()
    same = [p for is_same, p in rows if is_same]
    different = [p for is_same, p in rows if not is_same]
    assert len(same) == 40, "every duplicate pair is blocked together and scored a match"
    assert min(same) >= model.cluster_threshold
    assert all(p < model.predict_threshold for p in different)


def test_every_model_names_its_schema() -> None:
    for schema in ["Person", *SCHEMAS]:
        assert load_model(schema).schema == schema


def test_nationality_u_is_estimated_among_namesakes() -> None:
    """Where every family name belongs to one nationality, agreeing on nationality
    says nothing beyond the name: u among records sharing the family name key is
    about 1, not the random-pair rate, and the trained model carries that u."""
    from crosslink.resolve.engine import conditional_u, train_linker
    from crosslink.resolve.names import load_variant_table
    from crosslink.resolve.standalone import _features

    families = {"IQ": ["Barzani", "Talabani", "Rashid"], "ER": ["Tesfay", "Haile", "Berhane"],
                "AL": ["Hoxha", "Berisha", "Krasniqi"], "VN": ["Nguyen", "Tran", "Pham"]}
    rows = []
    for nat, names in families.items():
        for family in names:
            for i in range(30):
                rows.append({"unique_id": f"{family}-{i}", "firstName": f"Given{i:02d}",
                             "lastName": family, "nationality": nat,
                             "birthDate": f"{1960 + i}-0{1 + i % 9}-1{i % 9}"})
    con = _connect()
    model = load_model("Person")
    available = _features(con, pa.Table.from_pylist(rows), "xl_features", "input", load_variant_table())
    u = conditional_u(con, "xl_features", model, available)
    assert u["nationality"] > 0.95  # random pairs agree only ~1 in 4 here
    linker = train_linker(con, ["xl_features"], model, available)
    trained = linker.misc.save_model_to_json(out_path=None)
    nationality = next(c for c in trained["comparisons"] if c["output_column_name"] == "nationality")
    agree = next(lvl for lvl in nationality["comparison_levels"] if not lvl.get("is_null_level"))
    assert agree["u_probability"] == pytest.approx(u["nationality"])


def test_a_missing_name_part_is_not_a_disagreement() -> None:
    """ "Ahmed" and "Ahmed HAMED" agree on the part both give; "Ahmed KARIM" and
    "Ahmed HAMED" disagree on the family name. The first pair lands on the
    missing-part level, the second below it."""
    from splink import DuckDBAPI, Linker

    from crosslink.resolve.names import load_variant_table
    from crosslink.resolve.scoring import explaining_settings
    from crosslink.resolve.standalone import _features

    rows = [
        {"unique_id": "a", "firstName": "Ahmed", "lastName": None, "birthDate": "1997-12-07"},
        {"unique_id": "b", "firstName": "Ahmed", "lastName": "HAMED", "birthDate": "1997-12-07"},
        {"unique_id": "c", "firstName": "Ahmed", "lastName": "KARIM", "birthDate": "1997-12-07"},
    ]
    con = _connect()
    model = load_model("Person")
    available = _features(con, pa.Table.from_pylist(rows), "xl_features", "input", load_variant_table())
    db_api = DuckDBAPI(connection=con)
    plain = Linker(db_api.register("xl_features"), model.settings(available, "dedupe_only"), log_level=None)
    settings = explaining_settings(dict(plain.misc.save_model_to_json(out_path=None)))
    linker = Linker(db_api.register("xl_features"), settings, log_level=None)
    # every pair shares given name and date of birth, so a model rule blocks them all
    table = linker.inference.predict(warning_mode="never").physical_name
    predicted = con.sql(f"SELECT * FROM {table}").to_arrow_table().to_pylist()  # noqa: S608
    gammas = {frozenset((r["unique_id_l"], r["unique_id_r"])): int(r["gamma_name"]) for r in predicted}
    name = next(c for c in model.comparisons if c["name"] == "name")
    labels = [lvl.get("label") for lvl in name["levels"] if "missing" not in lvl]

    def level(x: str, y: str) -> str:
        return str(labels[len(labels) - 1 - gammas[frozenset((x, y))]])

    assert level("a", "b") == "one name part missing, the other agrees"
    assert level("b", "c") != "one name part missing, the other agrees"
