"""Map spreadsheet headers to FollowTheMoney Person properties.

Analysts bring spreadsheets whose headers were chosen by whoever built them:
``forename``, ``given_name``, ``FIRST NAME``, ``dob``, ``date_of_birth``. Matching
needs to know which column holds which fact, so headers are normalised (case,
spaces, punctuation) and looked up in a table of common spellings. Users override
with ``--map HEADER=property`` and drop columns with ``--ignore HEADER``.

Several headers may map to one property (``street_number`` and ``address_1`` both
feed ``address``); their values are joined with a space in header order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from crosslink.errors import InputError

__all__ = [
    "PERSON_PROPERTIES",
    "ColumnMapping",
    "detect_columns",
    "parse_map_options",
]

#: The Person properties resolution understands, in display order.
PERSON_PROPERTIES: tuple[str, ...] = (
    "firstName",
    "middleName",
    "lastName",
    "name",
    "birthDate",
    "birthPlace",
    "gender",
    "nationality",
    "address",
    "postalCode",
    "city",
    "phone",
    "email",
    "idNumber",
    "passportNumber",
)

# Normalised header -> property. Normalisation: lower case, every run of
# non-alphanumerics becomes "_", trimmed.
_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "firstName": (
        "first_name", "firstname", "forename", "forenames", "given_name", "givenname",
        "given_names", "first", "fname", "christian_name", "prenom",
    ),
    "middleName": ("middle_name", "middlename", "middle_names", "middle", "middle_initial"),
    "lastName": (
        "last_name", "lastname", "surname", "family_name", "familyname", "last", "lname",
        "nom",
    ),
    "name": ("name", "full_name", "fullname", "person_name", "nominal", "nominal_name", "alias"),
    "birthDate": (
        "birth_date", "birthdate", "date_of_birth", "dateofbirth", "dob", "d_o_b", "born",
        "birthday",
    ),
    "birthPlace": ("birth_place", "birthplace", "place_of_birth", "pob"),
    "gender": ("gender", "sex", "gender_code"),
    "nationality": ("nationality", "citizenship", "country_of_citizenship", "nat"),
    "address": (
        "address", "street", "street_address", "address_1", "address1", "address_2",
        "address2", "address_line_1", "address_line_2", "street_number", "house_number",
        "res_street_address", "home_address",
    ),
    "postalCode": ("postal_code", "postalcode", "postcode", "post_code", "zip", "zip_code", "zipcode"),
    "city": ("city", "town", "suburb", "locality", "res_city_desc", "city_desc"),
    "phone": (
        "phone", "phone_number", "telephone", "tel", "mobile", "mobile_number", "msisdn",
        "cell", "phone_no",
    ),
    "email": ("email", "e_mail", "email_address", "mail"),
    "idNumber": (
        "id_number", "idnumber", "national_id", "soc_sec_id", "ssn", "nino",
        "national_insurance_number", "pnc_id", "cro_number",
    ),
    "passportNumber": ("passport", "passport_number", "passportnumber", "passport_no"),
}

_ALIAS_INDEX: dict[str, str] = {
    alias: prop for prop, aliases in _HEADER_ALIASES.items() for alias in aliases
}
_PROP_INDEX: dict[str, str] = {p.lower(): p for p in PERSON_PROPERTIES}


def _norm_header(header: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", header.strip().lower()).strip("_")


@dataclass(frozen=True)
class ColumnMapping:
    """Which input header feeds which Person property.

    ``columns`` maps property -> headers (in input order); ``unused`` lists headers
    that were neither mapped nor the id column, so the CLI can say what it skipped.
    """

    id_column: str
    columns: dict[str, list[str]] = field(default_factory=dict)
    unused: list[str] = field(default_factory=list)

    @property
    def properties(self) -> list[str]:
        return [p for p in PERSON_PROPERTIES if p in self.columns]


def parse_map_options(options: Iterable[str]) -> dict[str, str]:
    """Parse ``HEADER=property`` strings (property case-insensitive) into a dict."""
    result: dict[str, str] = {}
    for option in options:
        header, sep, prop = option.partition("=")
        if not sep or not header.strip() or not prop.strip():
            raise InputError(f"--map expects HEADER=property, got {option!r}")
        canonical = _PROP_INDEX.get(prop.strip().lower())
        if canonical is None:
            raise InputError(
                f"--map {option!r}: unknown property {prop.strip()!r}; "
                f"use one of {', '.join(PERSON_PROPERTIES)}"
            )
        result[header.strip()] = canonical
    return result


def detect_columns(
    headers: Sequence[str],
    id_column: str,
    overrides: Mapping[str, str] | None = None,
    ignore: Iterable[str] = (),
    *,
    file: str | None = None,
) -> ColumnMapping:
    """Decide which header feeds which Person property.

    Overrides (``HEADER -> property``) win over detection; ignored headers are
    dropped. Raises :class:`InputError` when the id column or an overridden or
    ignored header is missing, or when no name column is found at all (matching
    people without a name is not something we will guess at).
    """
    overrides = dict(overrides or {})
    ignored = set(ignore)
    present = set(headers)
    if id_column not in present:
        raise InputError(
            f"id column {id_column!r} not found; headers are: {', '.join(headers)}",
            file=file,
            column=id_column,
        )
    for header in [*overrides, *ignored]:
        if header not in present:
            raise InputError(f"header {header!r} not found", file=file, column=header)
    columns: dict[str, list[str]] = {}
    unused: list[str] = []
    for header in headers:
        if header == id_column or header in ignored:
            continue
        prop = overrides.get(header) or _ALIAS_INDEX.get(_norm_header(header))
        if prop is None:
            prop = _PROP_INDEX.get(_norm_header(header).replace("_", ""))
        if prop is None:
            unused.append(header)
            continue
        columns.setdefault(prop, []).append(header)
    if not any(p in columns for p in ("firstName", "lastName", "name")):
        raise InputError(
            "no name column found (looked for headers such as first_name, surname, name); "
            "use --map HEADER=firstName|lastName|name",
            file=file,
        )
    return ColumnMapping(id_column=id_column, columns=columns, unused=unused)
