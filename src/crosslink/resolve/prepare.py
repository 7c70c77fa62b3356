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

import duckdb
import pyarrow as pa

from crosslink.resolve.columns import PERSON_PROPERTIES
from crosslink.resolve.names import VariantTable, clean_name, name_key

__all__ = ["FEATURE_COLUMNS", "prepare_person_features"]

#: Columns of the prepared feature table (besides ``unique_id`` / ``source_dataset``).
FEATURE_COLUMNS: tuple[str, ...] = (
    "first_name", "middle_name", "last_name", "full_name", "fn_prefix", "ln_prefix",
    "fn_key", "ln_key",
    "name_key", "dob", "dob_y", "dob_m", "dob_d", "birth_place", "gender",
    "nationality", "address", "postal_code", "city", "phone", "email", "id_number",
    "passport_number",
)

_NAME_PROPS = ("firstName", "middleName", "lastName", "name")


def _col(props: set[str], prop: str) -> str:
    """SQL for a raw property column, or NULL when the input lacks it."""
    return f'NULLIF(TRIM("{prop}"), \'\')' if prop in props else "CAST(NULL AS VARCHAR)"


def _name_lookup(
    con: duckdb.DuckDBPyConnection, source: str, props: set[str], variants: VariantTable
) -> None:
    """Create temp table ``_xl_names(raw, clean, key)`` over distinct raw names."""
    present = [p for p in _NAME_PROPS if p in props]
    union = " UNION ".join(f'SELECT "{p}" AS raw FROM {source}' for p in present)
    distinct = con.sql(f"SELECT DISTINCT raw FROM ({union}) WHERE raw IS NOT NULL").fetchall()  # noqa: S608
    raws = [r[0] for r in distinct]
    cleans = [clean_name(r) for r in raws]
    keys = [name_key(c, variants) for c in cleans]
    lookup = pa.table(
        {
            "raw": pa.array(raws, pa.string()),
            "clean": pa.array(cleans, pa.string()),
            "key": pa.array(keys, pa.string()),
        }
    )
    con.register("_xl_names_arrow", lookup)
    con.execute("CREATE OR REPLACE TEMP TABLE _xl_names AS SELECT * FROM _xl_names_arrow")
    con.unregister("_xl_names_arrow")


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
    if props & set(_NAME_PROPS):
        _name_lookup(con, source, props, variants)
    else:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _xl_names (raw VARCHAR, clean VARCHAR, key VARCHAR)"
        )

    def name_join(prop: str, alias: str) -> str:
        if prop not in props:
            return ""
        return f'LEFT JOIN _xl_names {alias} ON {alias}.raw = s."{prop}"'

    def name_val(prop: str, alias: str, field: str) -> str:
        return f"{alias}.{field}" if prop in props else "CAST(NULL AS VARCHAR)"

    dataset = "s.source_dataset" if "source_dataset" in cols else "'input'"
    dob_raw = _col(props, "birthDate")
    sql = f"""
    CREATE OR REPLACE TABLE {target} AS
    WITH named AS (
        SELECT
            CAST(s.unique_id AS VARCHAR) AS unique_id,
            {dataset} AS source_dataset,
            -- a whole "name" fills first/last when those are missing
            COALESCE({name_val("firstName", "f", "clean")},
                     NULLIF(regexp_extract({name_val("name", "n", "clean")}, '^(\\S+) ', 1), '')
            ) AS first_name,
            {name_val("middleName", "m", "clean")} AS middle_name,
            COALESCE({name_val("lastName", "l", "clean")},
                     NULLIF(regexp_extract({name_val("name", "n", "clean")}, ' (\\S+)$', 1), ''),
                     CASE WHEN {name_val("firstName", "f", "clean")} IS NULL
                          THEN {name_val("name", "n", "clean")} END
            ) AS last_name,
            COALESCE({name_val("firstName", "f", "key")},
                     CASE WHEN {name_val("lastName", "l", "clean")} IS NULL
                          THEN NULLIF(regexp_extract({name_val("name", "n", "clean")}, '^(\\S+) ', 1), '') END
            ) AS fn_raw_key,
            {name_val("lastName", "l", "key")} AS ln_raw_key,
            {name_val("name", "n", "key")} AS whole_key,
            {dob_raw} AS dob_raw,
            lower({_col(props, "birthPlace")}) AS birth_place,
            lower(left({_col(props, "gender")}, 1)) AS gender,
            lower({_col(props, "nationality")}) AS nationality,
            NULLIF(TRIM(regexp_replace(lower({_col(props, "address")}), '[^0-9a-z]+', ' ', 'g')), '') AS address,
            NULLIF(regexp_replace(upper({_col(props, "postalCode")}), '[^0-9A-Z]', '', 'g'), '') AS postal_code,
            NULLIF(TRIM(regexp_replace(lower({_col(props, "city")}), '[^0-9a-z]+', ' ', 'g')), '') AS city,
            NULLIF(right(regexp_replace({_col(props, "phone")}, '[^0-9]', '', 'g'), 9), '') AS phone,
            lower({_col(props, "email")}) AS email,
            NULLIF(regexp_replace(upper({_col(props, "idNumber")}), '[^0-9A-Z]', '', 'g'), '') AS id_number,
            NULLIF(regexp_replace(upper({_col(props, "passportNumber")}), '[^0-9A-Z]', '', 'g'), '') AS passport_number
        FROM {source} s
        {name_join("firstName", "f")}
        {name_join("middleName", "m")}
        {name_join("lastName", "l")}
        {name_join("name", "n")}
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
        FROM named
    )
    SELECT
        unique_id, source_dataset,
        first_name, middle_name, last_name,
        NULLIF(concat_ws(' ', first_name, last_name), '') AS full_name,
        substr(first_name, 1, 2) AS fn_prefix,
        substr(last_name, 1, 2) AS ln_prefix,
        fn_raw_key AS fn_key,
        ln_raw_key AS ln_key,
        COALESCE(
            NULLIF(array_to_string(list_sort(string_split(concat_ws(' ', fn_raw_key, ln_raw_key), ' ')), ' '), ''),
            whole_key) AS name_key,
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
    """
    con.execute(sql)
    counts = con.sql(
        "SELECT " + ", ".join(f"count({c})" for c in FEATURE_COLUMNS) + f" FROM {target}"  # noqa: S608
    ).fetchall()[0]
    assert counts is not None
    return [c for c, n in zip(FEATURE_COLUMNS, counts, strict=True) if n]
