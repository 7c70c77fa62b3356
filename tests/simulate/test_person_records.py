"""person_records: the resolution benchmark's input must be noisy, namesake-heavy and reproducible."""

from __future__ import annotations

import duckdb
import phonenumbers
import pyarrow as pa

from crosslink.simulate import person_records

COLUMNS = [
    "record_id", "true_id", "first_name", "last_name", "birth_date", "nationality",
    "phone", "email", "passport_number", "city", "source",
]  # fmt: skip


def test_columns_and_determinism() -> None:
    a = person_records(2000, 5)
    assert a.column_names == COLUMNS
    assert a.equals(person_records(2000, 5))
    assert not a.equals(person_records(2000, 6))
    assert pa.compute.count_distinct(a.column("record_id")).as_py() == a.num_rows


def test_records_per_person_mean() -> None:
    t = person_records(5000, 1, records_per_person=3.0)
    assert 2.7 < t.num_rows / 5000 < 3.3


def test_namesakes_and_spelling_variants() -> None:
    con = duckdb.connect()
    con.register("t", person_records(20000, 2))
    rows = con.sql(
        "SELECT count(DISTINCT true_id) FROM t WHERE first_name = 'Mohammed' AND last_name = 'Ahmed'"
    ).fetchall()[0]
    assert rows[0] >= 20  # hundreds at 100k people
    spellings = con.sql(
        "SELECT count(DISTINCT first_name) FROM t WHERE first_name IN "
        "('Mohammed', 'Muhammad', 'Mohamad', 'Mohammad', 'Mohamed')"
    ).fetchall()[0]
    assert spellings[0] == 5


def test_dates_are_iso_or_partial() -> None:
    t = person_records(3000, 3)
    dates = [d for d in t.column("birth_date").to_pylist() if d is not None]
    lengths = {len(d) for d in dates}
    assert lengths == {4, 7, 10}
    assert 0.07 < 1 - len(dates) / t.num_rows < 0.13


def test_phones_are_valid_numbers() -> None:
    t = person_records(3000, 4)
    phones = [p for p in t.column("phone").to_pylist() if p]
    assert phones
    assert all(phonenumbers.is_valid_number(phonenumbers.parse(p, "GB")) for p in phones)


def test_phone_numbers_never_repeat_across_draws_sharing_a_salt() -> None:
    """A world draws facilitators and everyone else separately; with a shared salt no
    number is issued twice (British-origin and UK mobiles share the +44 78 range)."""
    import numpy as np

    from crosslink.simulate.people import generate_people

    rng = np.random.default_rng(0)
    a = generate_people(rng, 3000, id_offset=0, phone_salt=5)
    b = generate_people(rng, 30000, id_offset=3000, phone_salt=5)
    numbers = [
        f"{cc}{nsn}"
        for people in (a, b)
        for cc, nsn in zip(people.phone_cc.to_pylist(), people.phone_nsn.tolist(), strict=True)
    ]
    assert len(set(numbers)) == len(numbers)
    assert sum(n.startswith("4478") for n in numbers) > 1000


def test_noise_factor_sets_how_dirty_records_are() -> None:
    from crosslink.simulate.noise import DEFAULT_NOISE

    half = DEFAULT_NOISE.scaled(0.5)
    assert half.name_translit == DEFAULT_NOISE.name_translit / 2
    assert half.dob_missing == DEFAULT_NOISE.dob_missing / 2
    clean = person_records(3000, 5, noise=DEFAULT_NOISE.scaled(0.0))
    dirty = person_records(3000, 5)
    assert clean.column("birth_date").null_count == 0
    assert dirty.column("birth_date").null_count > 0.05 * dirty.num_rows
    # without noise, every record of a person carries the same name
    con = duckdb.connect()
    con.register("t", clean)
    spellings = con.sql(
        "SELECT max(n) FROM (SELECT count(DISTINCT (first_name, last_name)) n FROM t GROUP BY true_id)"
    ).fetchall()[0][0]
    assert spellings == 1
