"""Header detection: analysts' spreadsheets map to Person properties without setup."""

from __future__ import annotations

import pytest

from crosslink.errors import InputError
from crosslink.resolve.columns import detect_columns, parse_map_options


def test_common_headers_are_detected() -> None:
    mapping = detect_columns(
        ["ref", "Forename", "SURNAME", "D.O.B", "Mobile", "E-mail", "Passport No", "notes"],
        "ref",
    )
    assert mapping.columns == {
        "firstName": ["Forename"],
        "lastName": ["SURNAME"],
        "birthDate": ["D.O.B"],
        "phone": ["Mobile"],
        "email": ["E-mail"],
        "passportNumber": ["Passport No"],
    }
    assert mapping.unused == ["notes"]


def test_map_overrides_and_ignore_drops() -> None:
    overrides = parse_map_options(["known_as=FIRSTNAME"])
    mapping = detect_columns(["id", "known_as", "surname", "dob"], "id", overrides, ["dob"])
    assert mapping.columns == {"firstName": ["known_as"], "lastName": ["surname"]}


def test_several_headers_feed_one_property() -> None:
    mapping = detect_columns(["id", "name", "street_number", "address_1"], "id")
    assert mapping.columns["address"] == ["street_number", "address_1"]


@pytest.mark.parametrize(
    ("headers", "id_column", "overrides", "ignore"),
    [
        (["id", "surname"], "ref", {}, []),  # missing id column
        (["id", "surname"], "id", {"nope": "firstName"}, []),  # override of a missing header
        (["id", "surname"], "id", {}, ["nope"]),  # ignore of a missing header
        (["id", "dob"], "id", {}, []),  # no name at all
    ],
)
def test_bad_columns_are_input_errors(
    headers: list[str], id_column: str, overrides: dict[str, str], ignore: list[str]
) -> None:
    with pytest.raises(InputError):
        detect_columns(headers, id_column, overrides, ignore, file="people.csv")


def test_map_option_rejects_unknown_property() -> None:
    with pytest.raises(InputError, match="unknown property"):
        parse_map_options(["col=shoeSize"])
    with pytest.raises(InputError, match="HEADER=property"):
        parse_map_options(["col"])
