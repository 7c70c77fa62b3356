"""Turn non-Person workspace records into the features of their schema's model.

One mapping per schema (data, not code): which FtM properties are read from the
workspace, and one SQL expression per feature column of the model YAML
(``models/<schema>.yaml`` documents the columns). Input is a table with
``unique_id`` and one VARCHAR column per read property (the pivot of
:func:`crosslink.resolve.records.entity_records`); output is a table with
``unique_id``, ``source_dataset`` and every feature column of the schema.

How each schema's features are derived (FtM 4.11 property names):

* Vehicle: ``registrationNumber`` -> ``registration`` (upper case, letters and
  digits only: "AB12 CDE", "ab12cde" and "AB12-CDE" are one plate); a
  registration number shaped like a VIN (17 characters, no I/O/Q) is the ``vin``
  instead; ``country``; ``model`` -> ``make`` (first word) and ``model`` (the
  whole, folded); ``type`` -> ``vehicle_type``. FtM has no colour: ``colour``
  stays empty (its comparison and the make/model/colour block are dropped).
* BankAccount: ``iban`` (or an IBAN written in ``accountNumber``) -> ``iban``
  when its ISO 13616 mod-97 checksum holds (spaces and case ignored); an
  invalid one is kept as an ``account_number``; ``accountNumber`` -> digits;
  a British IBAN also yields ``sort_code`` and ``account_number`` (so an
  account stated by IBAN in one report and by sort code and number in another
  meet); ``bic``; ``bankName`` folded; ``name`` (the account name) ->
  ``holder_key``; ``country``, else the IBAN's country.
* UserAccount: ``service`` lower case, letters and digits only ("Tik Tok" ->
  tiktok); ``username`` lower case without a leading @; ``email`` lower case;
  ``phone`` -> last nine digits; ``name`` -> ``display_key``. FtM has no
  platform user id: ``user_id`` stays empty.
* Vessel: ``imoNumber`` -> the 7 digits; ``mmsi`` -> the 9 digits;
  ``callSign``; ``name`` folded, without an MV/MS/MT/FV prefix; ``flag`` (else
  ``country``); ``type``. FtM has no length: ``length_m`` stays empty.
* Organization (and Company): ``name`` folded; ``name_key`` = its words without
  legal forms (Ltd, GmbH, SARL ...), sorted; ``registrationNumber`` (else
  ``idNumber``) and ``taxNumber`` (else ``vatCode``) upper case, letters and
  digits only; ``jurisdiction`` (else ``country``, ``mainCountry``); ``address``
  folded; ``email``; ``phone`` (last nine digits); ``website`` -> host name.

"Folded" is lower case, accents stripped, every run of other characters one
space. Name keys here are token-sorted folded names, not the transliteration-
aware Person keys.

Everything is one vectorised SQL statement over the table plus one count per
column: O(n), no Python per record.
"""

from __future__ import annotations

import duckdb

__all__ = [
    "CERTAIN_RULES",
    "certain_pairs_sql",
    "SCHEMA_FAMILY",
    "THING_FEATURES",
    "THING_PROPERTIES",
    "THING_SCHEMAS",
    "prepare_thing_features",
]


def _raw(prop: str) -> str:
    return f'NULLIF(TRIM(s."{prop}"), \'\')'


def _ident(sql: str) -> str:
    """Upper case, letters and digits only."""
    return f"NULLIF(regexp_replace(upper({sql}), '[^0-9A-Z]', '', 'g'), '')"


def _digits(sql: str) -> str:
    return f"NULLIF(regexp_replace({sql}, '[^0-9]', '', 'g'), '')"


def _fold(sql: str) -> str:
    """Lower case, no accents, runs of anything else one space."""
    return (
        f"NULLIF(TRIM(regexp_replace(lower(strip_accents({sql})), '[^0-9a-z]+', ' ', 'g')), '')"
    )


def _key(sql: str, drop: tuple[str, ...] = ()) -> str:
    """The folded words of ``sql``, without ``drop``, sorted and space-joined."""
    words = f"string_split({_fold(sql)}, ' ')"
    if drop:
        listed = ", ".join(f"'{w}'" for w in drop)
        words = f"list_filter({words}, lambda w: w NOT IN ({listed}))"
    return f"NULLIF(array_to_string(list_sort({words}), ' '), '')"


def _phone(sql: str) -> str:
    return f"NULLIF(right({_digits(sql)}, 9), '')"


def _iban_valid(sql: str) -> str:
    """True when ``sql`` (upper case, no spaces) is shaped like an IBAN and its
    ISO 13616 mod-97 checksum holds: letters count 10..35, the first four
    characters move to the end, and the number is 1 modulo 97 (folded digit by
    digit, so no big integers)."""
    digits = (
        f"list_transform(string_split(substr({sql}, 5) || substr({sql}, 1, 4), ''), "
        "lambda c: CASE WHEN c BETWEEN '0' AND '9' THEN ascii(c) - 48 ELSE ascii(c) - 55 END)"
    )
    return (
        f"(regexp_matches({sql}, '^[A-Z]{{2}}[0-9]{{2}}[A-Z0-9]{{10,30}}$') AND "
        f"list_reduce({digits}, lambda acc, x: "
        "(acc * CASE WHEN x >= 10 THEN 100 ELSE 10 END + x) % 97) = 1)"
    )


_LEGAL_FORMS = (
    "ltd", "limited", "plc", "llp", "llc", "inc", "corp", "co", "company", "gmbh", "ag", "kg",
    "sarl", "sa", "sas", "srl", "spa", "bv", "nv", "oy", "ab", "as", "aps", "doo", "sro",
    "kft", "sp", "zoo", "ltda", "ooo", "eood", "ood", "shpk", "sh", "the",
)

#: The FtM schemas read for each model (Company is an Organization).
SCHEMA_FAMILY: dict[str, tuple[str, ...]] = {
    "Organization": ("Organization", "Company"),
    "Vehicle": ("Vehicle",),
    "BankAccount": ("BankAccount",),
    "UserAccount": ("UserAccount",),
    "Vessel": ("Vessel",),
}

#: Properties read from the workspace, per model schema.
THING_PROPERTIES: dict[str, tuple[str, ...]] = {
    "Vehicle": ("registrationNumber", "country", "model", "type"),
    "BankAccount": ("iban", "accountNumber", "bic", "bankName", "name", "country"),
    "UserAccount": ("service", "username", "email", "phone", "name"),
    "Vessel": ("imoNumber", "mmsi", "callSign", "name", "flag", "country", "type"),
    "Organization": (
        "name", "registrationNumber", "idNumber", "taxNumber", "vatCode", "jurisdiction",
        "country", "mainCountry", "address", "email", "phone", "website",
    ),
}

_PLATE = _ident(_raw("registrationNumber"))
_VIN = f"CASE WHEN regexp_matches({_PLATE}, '^[A-HJ-NPR-Z0-9]{{17}}$') THEN {_PLATE} END"
# an IBAN given as iban, else one written in the account number field
_IBAN_RAW = f"coalesce({_ident(_raw('iban'))}, CASE WHEN {_iban_valid(_ident(_raw('accountNumber')))} THEN {_ident(_raw('accountNumber'))} END)"  # noqa: E501
_IBAN = f"CASE WHEN {_iban_valid(_IBAN_RAW)} THEN {_IBAN_RAW} END"
_GB_IBAN = f"CASE WHEN starts_with({_IBAN}, 'GB') THEN {_IBAN} END"
_VESSEL_NAME = f"NULLIF(regexp_replace({_fold(_raw('name'))}, '^(m ?v|m ?s|m ?t|f ?v|m y) ', ''), '')"

#: Feature column -> SQL over the record ``s`` (VARCHAR), per model schema. The
#: columns are those the schema's model YAML names.
THING_FEATURES: dict[str, dict[str, str]] = {
    "Vehicle": {
        "registration": f"CASE WHEN {_VIN} IS NULL THEN {_PLATE} END",
        "vin": _VIN,
        "country": f"lower({_raw('country')})",
        "make": f"split_part({_fold(_raw('model'))}, ' ', 1)",
        "model": _fold(_raw("model")),
        "colour": "CAST(NULL AS VARCHAR)",
        "vehicle_type": _fold(_raw("type")),
    },
    "BankAccount": {
        "iban": _IBAN,
        # digits of the stated account number; an invalid IBAN is kept here
        "account_number": (
            f"coalesce(CASE WHEN {_IBAN} IS NULL AND {_IBAN_RAW} IS NOT NULL THEN {_IBAN_RAW} END, "
            f"CASE WHEN NOT coalesce({_iban_valid(_ident(_raw('accountNumber')))}, FALSE) "
            f"THEN {_digits(_raw('accountNumber'))} END, substr({_GB_IBAN}, 15, 8))"
        ),
        "sort_code": f"substr({_GB_IBAN}, 9, 6)",
        "bic": _ident(_raw("bic")),
        "bank_name": _fold(_raw("bankName")),
        "holder_key": _key(_raw("name")),
        "country": f"coalesce(lower({_raw('country')}), lower(left({_IBAN}, 2)))",
    },
    "UserAccount": {
        "service": f"NULLIF(regexp_replace(lower({_raw('service')}), '[^0-9a-z]', '', 'g'), '')",
        "username": f"NULLIF(regexp_replace(lower({_raw('username')}), '^@+', ''), '')",
        "user_id": "CAST(NULL AS VARCHAR)",
        "email": f"lower({_raw('email')})",
        "phone": _phone(_raw("phone")),
        "display_key": _key(_raw("name")),
    },
    "Vessel": {
        "imo": f"CASE WHEN length({_digits(_raw('imoNumber'))}) = 7 THEN {_digits(_raw('imoNumber'))} END",
        "mmsi": f"CASE WHEN length({_digits(_raw('mmsi'))}) = 9 THEN {_digits(_raw('mmsi'))} END",
        "call_sign": _ident(_raw("callSign")),
        "name": _VESSEL_NAME,
        "flag": f"lower(coalesce({_raw('flag')}, {_raw('country')}))",
        "vessel_type": _fold(_raw("type")),
        "length_m": "CAST(NULL AS INTEGER)",
    },
    "Organization": {
        "name": _fold(_raw("name")),
        "name_key": _key(_raw("name"), _LEGAL_FORMS),
        "registration_number": _ident(f"coalesce({_raw('registrationNumber')}, {_raw('idNumber')})"),
        "tax_number": _ident(f"coalesce({_raw('taxNumber')}, {_raw('vatCode')})"),
        "country": f"lower(coalesce({_raw('jurisdiction')}, {_raw('country')}, {_raw('mainCountry')}))",
        "address": _fold(_raw("address")),
        "email": f"lower({_raw('email')})",
        "phone": _phone(_raw("phone")),
        "website": (
            "NULLIF(regexp_extract(lower(" + _raw("website") + "), "
            "'^(?:[a-z]+://)?(?:www\\.)?([^/:?#\\s]+)', 1), '')"
        ),
    },
}

#: Exact agreement that makes two records one thing whatever the trained model
#: says (on a small workspace, u and m are guesses): ``(keys, unless)`` — equal,
#: non-empty ``keys`` and no column of ``unless`` known on both sides and different.
CERTAIN_RULES: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "Vehicle": [(("vin",), ()), (("registration",), ("country", "vin"))],
    "BankAccount": [(("iban",), ()), (("account_number", "sort_code"), ("iban",))],
    "UserAccount": [(("service", "username"), ("user_id",)), (("service", "user_id"), ())],
    "Vessel": [(("imo",), ()), (("mmsi",), ("imo",))],
    "Organization": [
        (("registration_number",), ("country",)), (("tax_number",), ("country",)),
    ],
}

#: The schemas besides Person that workspace resolution covers.
THING_SCHEMAS: tuple[str, ...] = tuple(THING_FEATURES)


def prepare_thing_features(
    con: duckdb.DuckDBPyConnection, schema: str, source: str, target: str
) -> list[str]:
    """Create table ``target`` of ``schema``'s model features from ``source``.

    ``source`` has ``unique_id`` and may have ``source_dataset`` and any of
    :data:`THING_PROPERTIES` ``[schema]`` (VARCHAR; absent ones read as NULL).
    Returns the feature columns holding at least one value. One SQL pass and one
    count per column: O(n).
    """
    features = THING_FEATURES[schema]
    cols = {r[0] for r in con.sql(f"DESCRIBE {source}").fetchall()}  # noqa: S608
    missing = [p for p in THING_PROPERTIES[schema] if p not in cols]
    dataset = "s.source_dataset" if "source_dataset" in cols else "'input'"
    padded = ", ".join(["s.*", *[f'CAST(NULL AS VARCHAR) AS "{p}"' for p in missing]])
    select = ",\n            ".join(f'{sql} AS "{name}"' for name, sql in features.items())
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {target} AS
        SELECT CAST(s.unique_id AS VARCHAR) AS unique_id, {dataset} AS source_dataset,
            {select}
        FROM (SELECT {padded} FROM {source} s) s
        """  # noqa: S608 - identifiers and SQL of ours only
    )
    counts = con.sql(
        "SELECT " + ", ".join(f'count("{c}")' for c in features) + f" FROM {target}"  # noqa: S608
    ).fetchall()[0]
    return [c for c, n in zip(features, counts, strict=True) if n]


def certain_pairs_sql(
    schema: str, table: str, available: set[str], other: str | None = None
) -> str:
    """SQL for ``(a, b)`` pairs (``a < b``) of ``table`` that :data:`CERTAIN_RULES`
    make one thing: a hash join per rule, so O(records + agreeing pairs).

    With ``other``, only the pairs of a ``table`` record and an ``other`` record
    (an incremental run's new records against all: O(new + records + agreeing
    pairs), no all x all join)."""
    right = other or table
    if other is None:
        ends, distinct = "l.unique_id AS a, r.unique_id AS b", "l.unique_id < r.unique_id"
    else:
        ends = (
            "least(l.unique_id, r.unique_id) AS a, greatest(l.unique_id, r.unique_id) AS b"
        )
        distinct = "l.unique_id <> r.unique_id"
    parts = []
    for keys, unless in CERTAIN_RULES.get(schema, []):
        if not set(keys) <= available:
            continue
        on = " AND ".join(f'l."{k}" = r."{k}"' for k in keys)
        apart = "".join(
            f' AND (l."{u}" IS NULL OR r."{u}" IS NULL OR l."{u}" = r."{u}")'
            for u in unless if u in available
        )
        parts.append(
            f"SELECT {ends} FROM {table} l JOIN {right} r "  # noqa: S608
            f"ON {on} AND {distinct} WHERE TRUE{apart}"
        )
    if not parts:
        return "SELECT NULL::VARCHAR AS a, NULL::VARCHAR AS b WHERE FALSE"
    return " UNION ".join(parts)
