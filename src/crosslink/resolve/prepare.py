"""Turn Person records into the comparison features the models use.

Input: an Arrow table (or DuckDB relation) with a ``unique_id`` column and any of
the Person properties (``firstName``, ``birthDate``, ``phone`` ...) as VARCHAR.
Output: a DuckDB table with one row per record and the derived columns every
model YAML may refer to (``first_name``, ``name_key``, ``dob_y`` ...).

Everything is SQL over the whole table except the name keys, which run in Python
over *distinct* name strings and are joined back: O(n) SQL plus O(distinct names)
Python.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import duckdb
import pyarrow as pa

from crosslink.extract.places import canonical_place
from crosslink.resolve.columns import PERSON_PROPERTIES
from crosslink.resolve.names import VariantTable, clean_name, name_key

__all__ = ["FEATURE_COLUMNS", "prepare_person_features"]

#: Columns of the prepared feature table (besides ``unique_id`` / ``source_dataset``).
FEATURE_COLUMNS: tuple[str, ...] = (
    "first_name", "middle_name", "last_name", "full_name", "fn_prefix", "ln_prefix",
    "fn_key", "ln_key",
    "name_key", "name_key_rare", "dob", "dob_y", "dob_m", "dob_d", "birth_place", "gender",
    "nationality", "address", "postal_code", "city", "phone", "email", "id_number",
    "passport_number",
)

_NAME_PROPS = ("firstName", "middleName", "lastName", "name")

#: A name key held by more records than this is "common": blocking on it alone
#: would compare every pair of its holders (quadratic in its frequency, and at a
#: million records "Mohammed Ahmed" has thousands), so common keys are blocked
#: only together with a date, place or selector. Rare keys are blocked alone, so
#: a record with nothing but an uncommon name still finds its other records.
RARE_NAME_KEY_MAX = 60


def _col(props: set[str], prop: str) -> str:
    """SQL for a raw property column, or NULL when the input lacks it."""
    return f'NULLIF(TRIM("{prop}"), \'\')' if prop in props else "CAST(NULL AS VARCHAR)"


def place_key(value: str) -> str | None:
    """One key per place however it is written: the gazetteer's canonical English
    name where it knows the place (Athènes, Athina -> athens; Köln -> cologne),
    else the name lower-cased without accents or punctuation."""
    canon = canonical_place(value)
    text = canon or value
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", folded.lower()).split()) or None


def _lookup(
    con: duckdb.DuckDBPyConnection, name: str, values_sql: str, fn: Callable[[str], str | None]
) -> None:
    """Create temp table ``name(raw, val)`` applying ``fn`` to distinct values."""
    distinct = con.sql(f"SELECT DISTINCT raw FROM ({values_sql}) WHERE raw IS NOT NULL").fetchall()  # noqa: S608
    raws = [r[0] for r in distinct]
    lookup = pa.table(
        {"raw": pa.array(raws, pa.string()), "val": pa.array([fn(r) for r in raws], pa.string())}
    )
    con.register("_xl_lookup_arrow", lookup)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _xl_lookup_arrow")  # noqa: S608 - internal table name
    con.unregister("_xl_lookup_arrow")


def _lookup_props(
    con: duckdb.DuckDBPyConnection, source: str, name: str, props: list[str],
    fn: Callable[[str], str | None],
) -> None:
    """:func:`_lookup` over the distinct values of ``props`` in ``source`` (none: skip)."""
    if props:
        _lookup(con, name, " UNION ".join(f'SELECT "{p}" AS raw FROM {source}' for p in props), fn)  # noqa: S608


def prepare_person_features(
    con: duckdb.DuckDBPyConnection,
    source: str,
    target: str,
    variants: VariantTable,
) -> list[str]:
    """Create table ``target`` of Person features from relation/table ``source``.

    ``source`` must have ``unique_id`` and may have ``source_dataset`` and any
    Person property columns (VARCHAR). Returns the feature columns that hold at
    least one value, so callers can drop comparisons and blocking rules that
    would only ever see NULLs. O(n) plus O(distinct names) Python.
    """
    cols = {r[0] for r in con.sql(f"DESCRIBE {source}").fetchall()}  # noqa: S608
    props = cols & set(PERSON_PROPERTIES)
    present = [p for p in _NAME_PROPS if p in props] or ["unique_id"]
    _lookup_props(con, source, "_xl_clean", present, clean_name)
    _lookup_props(con, source, "_xl_places", [p for p in ("city", "birthPlace") if p in props], place_key)

    def looked_up(table: str, prop: str) -> str:
        """SQL for ``prop``'s value as mapped by lookup ``table`` (NULL if absent)."""
        if prop not in props:
            return "CAST(NULL AS VARCHAR)"
        return f'(SELECT val FROM {table} c WHERE c.raw = s."{prop}")'  # noqa: S608 - known names

    def clean(prop: str) -> str:
        return looked_up("_xl_clean", prop)

    def place(prop: str) -> str:
        return looked_up("_xl_places", prop)

    dataset = "s.source_dataset" if "source_dataset" in cols else "'input'"
    dob_raw = _col(props, "birthDate")
    whole = clean("name")
    sql = f"""
    CREATE OR REPLACE TEMP TABLE _xl_named AS
    SELECT *,
        -- a whole "name" fills first/middle/last when those are missing
        COALESCE(first_clean, CASE WHEN last_clean IS NULL
                 THEN NULLIF(regexp_extract(whole_clean, '^(\\S+) ', 1), '') END) AS first_name,
        COALESCE(middle_clean, CASE WHEN first_clean IS NULL AND last_clean IS NULL
                 THEN NULLIF(regexp_extract(whole_clean, '^\\S+ (.+) \\S+$', 1), '') END) AS middle_name,
        COALESCE(last_clean, CASE WHEN first_clean IS NULL
                 THEN COALESCE(NULLIF(regexp_extract(whole_clean, ' (\\S+)$', 1), ''), whole_clean) END)
          AS last_name
    FROM (
        SELECT
            CAST(s.unique_id AS VARCHAR) AS unique_id,
            {dataset} AS source_dataset,
            {clean("firstName")} AS first_clean,
            {clean("middleName")} AS middle_clean,
            {clean("lastName")} AS last_clean,
            {whole} AS whole_clean,
            {dob_raw} AS dob_raw,
            {place("birthPlace")} AS birth_place,
            lower(left({_col(props, "gender")}, 1)) AS gender,
            lower({_col(props, "nationality")}) AS nationality,
            NULLIF(TRIM(regexp_replace(lower({_col(props, "address")}), '[^0-9a-z]+', ' ', 'g')), '') AS address,
            NULLIF(regexp_replace(upper({_col(props, "postalCode")}), '[^0-9A-Z]', '', 'g'), '') AS postal_code,
            {place("city")} AS city,
            NULLIF(right(regexp_replace({_col(props, "phone")}, '[^0-9]', '', 'g'), 9), '') AS phone,
            lower({_col(props, "email")}) AS email,
            NULLIF(regexp_replace(upper({_col(props, "idNumber")}), '[^0-9A-Z]', '', 'g'), '') AS id_number,
            NULLIF(regexp_replace(upper({_col(props, "passportNumber")}), '[^0-9A-Z]', '', 'g'), '') AS passport_number
        FROM {source} s
    )
    """  # noqa: S608 - identifiers only (known property and table names)
    con.execute(sql)
    _lookup(
        con, "_xl_keys",
        "SELECT first_name AS raw FROM _xl_named UNION SELECT last_name FROM _xl_named",
        lambda value: name_key(value, variants),
    )
    sql = f"""
    CREATE OR REPLACE TABLE {target} AS
    WITH keyed AS (
        SELECT n.*, fk.val AS fn_raw_key, lk.val AS ln_raw_key
        FROM _xl_named n
        LEFT JOIN _xl_keys fk ON fk.raw = n.first_name
        LEFT JOIN _xl_keys lk ON lk.raw = n.last_name
    ), dated AS (
        SELECT *,
            -- y, m, d as parsed from ISO (possibly partial), YYYYMMDD or D/M/Y
            CASE
              WHEN regexp_matches(dob_raw, '^\\d{{4}}(-\\d{{1,2}}){{0,2}}([T ].*)?$')
                THEN [TRY_CAST(regexp_extract(dob_raw, '^(\\d{{4}})', 1) AS INTEGER),
                      TRY_CAST(NULLIF(regexp_extract(dob_raw, '^\\d{{4}}-(\\d{{1,2}})', 1), '') AS INTEGER),
                      TRY_CAST(NULLIF(regexp_extract(dob_raw, '^\\d{{4}}-\\d{{1,2}}-(\\d{{1,2}})', 1), '') AS INTEGER)]
              WHEN regexp_matches(dob_raw, '^\\d{{8}}$')
                THEN [TRY_CAST(substr(dob_raw, 1, 4) AS INTEGER),
                      TRY_CAST(substr(dob_raw, 5, 2) AS INTEGER),
                      TRY_CAST(substr(dob_raw, 7, 2) AS INTEGER)]
              WHEN regexp_matches(dob_raw, '^\\d{{1,2}}[/.-]\\d{{1,2}}[/.-]\\d{{4}}$')
                THEN [TRY_CAST(regexp_extract(dob_raw, '(\\d{{4}})$', 1) AS INTEGER),
                      TRY_CAST(regexp_extract(dob_raw, '^\\d{{1,2}}[/.-](\\d{{1,2}})', 1) AS INTEGER),
                      TRY_CAST(regexp_extract(dob_raw, '^(\\d{{1,2}})', 1) AS INTEGER)]
            END AS ymd
        FROM keyed
    )
    SELECT * EXCLUDE (name_key_rare),
        CASE WHEN name_key IS NOT NULL
             AND count(*) OVER (PARTITION BY name_key) <= {RARE_NAME_KEY_MAX}
             THEN name_key END AS name_key_rare
    FROM (
    SELECT
        unique_id, source_dataset,
        first_name, middle_name, last_name,
        CAST(NULL AS VARCHAR) AS name_key_rare,
        NULLIF(concat_ws(' ', first_name, last_name), '') AS full_name,
        substr(first_name, 1, 2) AS fn_prefix,
        substr(last_name, 1, 2) AS ln_prefix,
        fn_raw_key AS fn_key,
        ln_raw_key AS ln_key,
        NULLIF(array_to_string(list_sort(list_filter([fn_raw_key, ln_raw_key], lambda x: x IS NOT NULL)), ' '), '') AS name_key,
        CASE WHEN ymd[1] BETWEEN 1800 AND 2200 THEN
            concat_ws('-', lpad(CAST(ymd[1] AS VARCHAR), 4, '0'),
                      CASE WHEN ymd[2] BETWEEN 1 AND 12 THEN lpad(CAST(ymd[2] AS VARCHAR), 2, '0') END,
                      CASE WHEN ymd[2] BETWEEN 1 AND 12 AND ymd[3] BETWEEN 1 AND 31
                           THEN lpad(CAST(ymd[3] AS VARCHAR), 2, '0') END)
        END AS dob,
        CASE WHEN ymd[1] BETWEEN 1800 AND 2200 THEN ymd[1] END AS dob_y,
        CASE WHEN ymd[1] BETWEEN 1800 AND 2200 AND ymd[2] BETWEEN 1 AND 31 THEN ymd[2] END AS dob_m,
        CASE WHEN ymd[1] BETWEEN 1800 AND 2200 AND ymd[2] BETWEEN 1 AND 31
             AND ymd[3] BETWEEN 1 AND 31 THEN ymd[3] END AS dob_d,
        birth_place, gender, nationality, address, postal_code, city, phone, email,
        id_number, passport_number
    FROM dated
    )
    """  # noqa: S608 - identifiers only
    con.execute(sql)
    counts = con.sql(
        "SELECT " + ", ".join(f"count({c})" for c in FEATURE_COLUMNS) + f" FROM {target}"  # noqa: S608
    ).fetchall()[0]
    assert counts is not None
    return [c for c, n in zip(FEATURE_COLUMNS, counts, strict=True) if n]
