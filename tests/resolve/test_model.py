"""The Person model is data: comparisons and rules follow the input's columns."""

from __future__ import annotations

from pathlib import Path

import pytest

from crosslink.errors import InputError
from crosslink.resolve import link_records, load_model, read_records
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
