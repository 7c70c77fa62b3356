"""Households and neighbours do not link: EM blocked on an address must not
teach the model that a completely different name is common among matches."""

from __future__ import annotations

import random

import pyarrow as pa
import pytest

from crosslink.resolve import priors
from crosslink.resolve.standalone import link_records

FIRST = ["James", "Mary", "Robert", "Linda", "Michael", "Susan", "David", "Karen", "Joseph",
         "Nancy", "Thomas", "Betty", "Charles", "Helen", "Daniel", "Sandra", "Matthew", "Donna",
         "Anthony", "Carol", "Mark", "Ruth", "Paul", "Sharon", "Steven", "Laura", "Andrew", "Emily"]
LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Moore",
        "Taylor", "Anderson", "Thomas", "Jackson", "White", "Harris", "Martin", "Thompson",
        "Young", "Allen", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson"]


def _voters(households: int, seed: int) -> tuple[pa.Table, pa.Table, set[tuple[str, str]]]:
    """Two voter-roll snapshots with names, addresses, postal codes and towns only:
    six residents per address (a block of flats: family names of their own),
    each listed once per snapshot; the second snapshot re-keys a name now and then."""
    rng = random.Random(seed)
    left: list[dict[str, str]] = []
    right: list[dict[str, str]] = []
    gold: set[tuple[str, str]] = set()
    for h in range(households):
        address = f"{rng.randint(1, 999)} {rng.choice(['Oak', 'Elm', 'Pine', 'Main'])} {h} St"
        postal, city = f"27{h % 60:03d}", f"Town{h % 15}"
        for k, first in enumerate(rng.sample(FIRST, 6)):
            pid = f"{h}-{k}"
            base = {"lastName": rng.choice(LAST), "address": address, "postalCode": postal, "city": city}
            left.append({"unique_id": f"L{pid}", "firstName": first, **base})
            typo = first[:-1] + "x" if rng.random() < 0.1 else first
            right.append({"unique_id": f"R{pid}", "firstName": typo, **base})
            gold.add((f"L{pid}", f"R{pid}"))
    return pa.Table.from_pylist(left), pa.Table.from_pylist(right), gold


def test_neighbours_sharing_an_address_do_not_link() -> None:
    left, right, gold = _voters(250, 5)
    pairs = link_records(left, right)
    found = set(zip(pairs.column("left_id").to_pylist(), pairs.column("right_id").to_pylist(),
                    strict=True))
    wrong = found - gold
    assert len(wrong) <= len(gold) * 0.01, sorted(wrong)[:10]
    assert len(found & gold) >= len(gold) * 0.85


def test_session_estimate_far_above_the_prior_is_refused() -> None:
    """The check itself: a session putting the name's "else" level at m = 0.5 is
    dropped, the other session's estimate of the name stands."""

    class Level:
        def __init__(self, estimates: list[float], null: bool = False) -> None:
            self.is_null_level = null
            self._trained_m_probabilities = [
                {"probability": p, "description": f"session {i}"} for i, p in enumerate(estimates)
            ]
            self._m_probability = estimates[0] if estimates else None

    class Comparison:
        output_column_name = "name"

        def __init__(self) -> None:
            self.comparison_levels = [Level([], null=True), Level([0.9, 0.45]), Level([0.08, 0.05]),
                                      Level([0.02, 0.5])]

    class Settings:
        comparisons = [Comparison()]

    class Linker:
        _settings_obj = Settings()

    class Model:
        @staticmethod
        def usable_comparisons(_available: set[str]) -> list[dict[str, object]]:
            levels = [{"missing": "a"}, {"exact": "a", "m": 0.8}, {"jaro_winkler": "a", "m": 0.18},
                      {"else": True, "m": 0.02}]
            return [{"name": "name", "levels": levels}]

    refused = priors.refuse_implausible_sessions(Linker(), Model(), {"a"})  # type: ignore[arg-type]
    assert refused == [("name", "session 1")]
    kept = [lvl._m_probability for lvl in Linker._settings_obj.comparisons[0].comparison_levels[1:]]
    assert kept == pytest.approx([0.9, 0.08, 0.02])
