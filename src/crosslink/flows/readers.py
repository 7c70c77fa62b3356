"""Readers for the published layouts of migration-flow statistics.

Each reader turns one file, as published, into flow *series*: a name, the source,
the frequency (D, W, M), the unit, and its points (period start date, value). The
layout is recognised from the header, so ``crosslink flows ingest FILE`` needs no
options. Layouts:

- ``uk-small-boats``: the Home Office / Border Force "migrants detected crossing the
  English Channel in small boats" figures in the long daily, weekly and monthly CSV
  layouts (as processed by The National). An empty cell means no recorded crossings.
  Weeks are the publisher's: week *n* of a year starts on day ``7(n-1)+1`` and week 52
  runs to 31 December (8 or 9 days), so every year has exactly 52 weeks.
- ``frontex``: Frontex monthly detections of irregular border crossings by route,
  type and nationality (one row per month x route x type x nationality; a month
  missing for a route means no detections were recorded there).
- ``iom-mmp``: IOM Missing Migrants Project incidents (one row per incident), summed
  into monthly dead-or-missing series.

The file is read as text columns by Arrow's CSV reader (in C), validated column by
column with Arrow compute, and the first bad value is reported with its file, row
(header = row 1) and column. Aggregation into series is one DuckDB query per layout.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from crosslink.errors import InputError

__all__ = ["LAYOUTS", "FlowFile", "POINT_SCHEMA", "SERIES_SCHEMA", "read_flow_file", "week_start"]

SERIES_SCHEMA = pa.schema([
    ("id", pa.string()),          # e.g. uk-small-boats/migrants/W
    ("title", pa.string()),
    ("source", pa.string()),
    ("layout", pa.string()),
    ("freq", pa.string()),        # D, W or M
    ("unit", pa.string()),
])
POINT_SCHEMA = pa.schema([
    ("series_id", pa.string()),
    ("date", pa.date32()),        # start of the period
    ("value", pa.float64()),
])

_HOME_OFFICE = "Home Office and Border Force, UK Government (processed by The National)"
_FRONTEX = "Frontex (European Border and Coast Guard Agency), migratory map download"
_IOM = "IOM Missing Migrants Project"

#: layout -> columns that identify it (all must be present).
LAYOUTS: dict[str, tuple[str, ...]] = {
    "uk-small-boats-daily": ("full_date", "migrants_arrived", "boats_arrived"),
    "uk-small-boats-weekly": ("n_year", "n_week", "migrants_arrived", "boats_arrived"),
    "uk-small-boats-monthly": ("date_month", "migrants_arrived", "boats_arrived"),
    "frontex": ("month", "route", "type", "nationality_iso3", "detections"),
    "iom-mmp": ("date", "month", "route", "dead_or_missing"),
}


@dataclass(frozen=True)
class FlowFile:
    """What one file holds: its layout, SHA-256, series metadata and points."""

    path: Path
    layout: str
    sha256: str
    series: pa.Table   # SERIES_SCHEMA
    points: pa.Table   # POINT_SCHEMA
    rows: int
    originator: str


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_text_columns(path: Path) -> pa.Table:
    try:
        with path.open("rb") as handle:
            header = handle.readline().decode("utf-8-sig").strip()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=str(path)) from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text (expected a CSV file)", file=str(path), row=1) from None
    names = [n.strip().strip('"') for n in header.split(",")]
    try:
        return pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(encoding="utf-8"),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names}, strings_can_be_null=True
            ),
        )
    except pa.ArrowInvalid as exc:
        # Arrow names the line ("Row #12: Expected 5 columns, got 4"); pass it on.
        raise InputError(f"not a well-formed CSV file: {exc}", file=str(path)) from None


def _detect(path: Path, columns: list[str]) -> str:
    have = set(columns)
    for layout, needed in LAYOUTS.items():
        if all(c in have for c in needed):
            return layout
    raise InputError(
        "unrecognised layout: expected the Home Office small-boats CSV (daily, weekly or "
        "monthly), the Frontex monthly detections or the IOM Missing Migrants CSV; "
        f"found columns {', '.join(columns[:12])}",
        file=str(path), row=1,
    )


def _check(path: Path, table: pa.Table, column: str, parsed: pa.Array, what: str,
           *, required: bool = True) -> None:
    """Raise naming the first row whose ``column`` did not parse (``parsed`` null)."""
    raw = table.column(column).combine_chunks()
    bad = pc.and_(pc.is_null(parsed), pc.is_valid(raw)) if not required else pc.is_null(parsed)
    if not pc.any(bad).as_py():
        return
    index = pc.index(bad, True).as_py()
    value = raw[index].as_py()
    shown = "empty" if value is None else repr(value)
    raise InputError(f"{shown} is not {what}", file=str(path), row=index + 2, column=column)


def _try_cast(raw: pa.Array, sql_type: str) -> pa.Array:
    con = duckdb.connect()
    try:
        con.register("_raw", pa.table({"v": raw}))
        out = con.sql(f"SELECT TRY_CAST(v AS {sql_type}) AS v FROM _raw").to_arrow_table()  # noqa: S608
    finally:
        con.close()
    return out.column("v").combine_chunks()


def _counts(path: Path, table: pa.Table, *columns: str) -> dict[str, pa.Array]:
    out = {}
    for column in columns:
        raw = pc.utf8_trim_whitespace(table.column(column).combine_chunks())
        empty = pc.or_(pc.is_null(raw), pc.equal(raw, ""))
        value = _try_cast(pc.if_else(empty, None, raw), "DOUBLE")
        bad_or_negative = pc.or_kleene(
            pc.and_(pc.invert(empty), pc.is_null(value)), pc.less(value, 0)
        )
        if pc.any(pc.fill_null(bad_or_negative, False)).as_py():
            index = pc.index(pc.fill_null(bad_or_negative, False), True).as_py()
            raise InputError(f"{table.column(column)[index].as_py()!r} is not a count (a number >= 0)",
                             file=str(path), row=index + 2, column=column)
        out[column] = pc.fill_null(value, 0.0)
    return out


def _dates(path: Path, table: pa.Table, column: str, fmt: str, what: str) -> pa.Array:
    raw = pc.utf8_trim_whitespace(table.column(column).combine_chunks())
    parsed = pc.strptime(raw, format=fmt, unit="s", error_is_null=True)
    _check(path, table, column, parsed, what)
    return pc.cast(parsed, pa.date32())


def week_start(year: int, week: int) -> str:
    """The publisher's week ``week`` of ``year`` starts on day 7(week-1)+1 (ISO date)."""
    from datetime import date, timedelta

    return (date(year, 1, 1) + timedelta(days=7 * (week - 1))).isoformat()


def read_flow_file(path: str | Path) -> FlowFile:
    """Read one published file into series and points. Raises :class:`InputError`."""
    path = Path(path)
    table = _read_text_columns(path)
    layout = _detect(path, table.column_names)
    con = duckdb.connect()
    try:
        if layout.startswith("uk-small-boats"):
            series, points = _uk_small_boats(path, table, layout, con)
            originator = _HOME_OFFICE
        elif layout == "frontex":
            series, points = _frontex(path, table, con)
            originator = _FRONTEX
        else:
            series, points = _iom(path, table, con)
            originator = _IOM
    finally:
        con.close()
    return FlowFile(path, layout, _sha256(path), series.cast(SERIES_SCHEMA),
                    points.cast(POINT_SCHEMA), table.num_rows, originator)


def _uk_small_boats(path: Path, table: pa.Table, layout: str,
                    con: duckdb.DuckDBPyConnection) -> tuple[pa.Table, pa.Table]:
    counts = _counts(path, table, "migrants_arrived", "boats_arrived")
    if layout.endswith("daily"):
        freq, date = "D", _dates(path, table, "full_date", "%Y-%m-%d", "a date (YYYY-MM-DD)")
    elif layout.endswith("monthly"):
        freq, date = "M", _dates(path, table, "date_month", "%Y-%m-%d", "a month start (YYYY-MM-01)")
    else:
        freq = "W"
        year = _try_cast(table.column("n_year").combine_chunks(), "INTEGER")
        _check(path, table, "n_year", year, "a year")
        week = _try_cast(table.column("n_week").combine_chunks(), "INTEGER")
        bad = pc.or_(pc.is_null(week), pc.or_(pc.less(week, 1), pc.greater(week, 53)))
        _check(path, table, "n_week", pc.if_else(pc.fill_null(bad, True), None, week), "a week number 1-53")
        con.register("_yw", pa.table({"y": year, "w": week}))
        date = con.sql("SELECT (make_date(y, 1, 1) + 7 * (w - 1))::DATE AS d FROM _yw").to_arrow_table()["d"]
    word = {"D": "daily", "W": "weekly", "M": "monthly"}[freq]
    con.register("rows", pa.table({"date": date, **counts}))
    dupes = con.execute("SELECT count(*) - count(DISTINCT date) FROM rows").fetchall()[0]
    if dupes and dupes[0]:
        first = con.execute(
            "SELECT min(i) FROM (SELECT row_number() OVER () AS i, count(*) OVER (PARTITION BY date) AS n "
            "FROM rows) WHERE n > 1"
        ).fetchall()[0]
        raise InputError("the same period appears twice", file=str(path),
                         row=int(first[0]) + 1 if first else None)
    series = pa.Table.from_pylist([
        {"id": f"uk-small-boats/migrants/{freq}", "title": f"UK small-boat arrivals, people, {word}",
         "source": _HOME_OFFICE, "layout": layout, "freq": freq, "unit": "people"},
        {"id": f"uk-small-boats/boats/{freq}", "title": f"UK small-boat arrivals, boats, {word}",
         "source": _HOME_OFFICE, "layout": layout, "freq": freq, "unit": "boats"},
    ], schema=SERIES_SCHEMA)
    points = con.sql(
        f"""
        SELECT 'uk-small-boats/migrants/{freq}' AS series_id, date, migrants_arrived AS value FROM rows
        UNION ALL
        SELECT 'uk-small-boats/boats/{freq}', date, boats_arrived FROM rows
        ORDER BY series_id, date
        """  # noqa: S608  (freq is one of D, W, M)
    ).to_arrow_table()
    return series, points


# Monthly series from grouped rows, with months that have no row filled with zero
# between the file's first and last month (absence of a row means none recorded).
_MONTHLY = """
WITH span AS (SELECT min(date) AS lo, max(date) AS hi FROM rows),
months AS (SELECT unnest(generate_series(lo, hi, INTERVAL 1 MONTH))::DATE AS date FROM span),
keys AS (SELECT DISTINCT series_id, title FROM grouped)
SELECT k.series_id, m.date, coalesce(g.value, 0)::DOUBLE AS value, k.title
FROM keys k CROSS JOIN months m
LEFT JOIN (SELECT series_id, date, sum(value) AS value FROM grouped GROUP BY ALL) g
  ON g.series_id = k.series_id AND g.date = m.date
ORDER BY k.series_id, m.date
"""


def _grouped_monthly(con: duckdb.DuckDBPyConnection, grouped_sql: str, source: str, layout: str,
                     unit: str) -> tuple[pa.Table, pa.Table]:
    con.execute(f"CREATE OR REPLACE TEMP VIEW grouped AS {grouped_sql}")
    out = con.sql(_MONTHLY).to_arrow_table()
    series = con.sql(
        "SELECT DISTINCT series_id AS id, title, ? AS source, ? AS layout, 'M' AS freq, ? AS unit "
        "FROM out ORDER BY id", params=[source, layout, unit]
    ).to_arrow_table()
    return series, out.select(["series_id", "date", "value"])


def _frontex(path: Path, table: pa.Table, con: duckdb.DuckDBPyConnection) -> tuple[pa.Table, pa.Table]:
    month = _dates(path, table, "month", "%Y-%m", "a month (YYYY-MM)")
    counts = _counts(path, table, "detections")
    for column in ("route", "type", "nationality_iso3"):
        raw = table.column(column).combine_chunks()
        empty = pc.or_(pc.is_null(raw), pc.equal(pc.utf8_trim_whitespace(raw), ""))
        _check(path, table, column, pc.if_else(empty, None, raw), "a value (it is required)")
    rows = pa.table({
        "date": month, "route": table.column("route"), "type": table.column("type"),
        "nat": table.column("nationality_iso3"), "value": counts["detections"],
    })
    con.register("rows", rows)
    # Total, per route, and per nationality: the series an analyst monitors. Finer
    # cuts (route x nationality) stay in the source file.
    grouped = """
        SELECT 'frontex/detections/all' AS series_id, 'Frontex detections, all routes' AS title,
               date, value FROM rows
        UNION ALL
        SELECT 'frontex/detections/route/' || regexp_replace(lower(route), '[^a-z0-9]+', '-', 'g'),
               'Frontex detections, ' || route, date, value FROM rows
        UNION ALL
        SELECT 'frontex/detections/nationality/' || upper(nat),
               'Frontex detections, nationality ' || upper(nat), date, value FROM rows
    """
    return _grouped_monthly(con, grouped, _FRONTEX, "frontex", "detections")


def _iom(path: Path, table: pa.Table, con: duckdb.DuckDBPyConnection) -> tuple[pa.Table, pa.Table]:
    month = _dates(path, table, "month", "%Y-%m", "a month (YYYY-MM)")
    counts = _counts(path, table, "dead_or_missing")
    route = pc.fill_null(table.column("route").combine_chunks(), "Undefined")
    con.register("rows", pa.table({"date": month, "route": route, "value": counts["dead_or_missing"]}))
    grouped = """
        SELECT 'iom-mmp/dead-or-missing/all' AS series_id,
               'Migrants dead or missing, all routes (IOM MMP)' AS title, date, value FROM rows
        UNION ALL
        SELECT 'iom-mmp/dead-or-missing/route/' || regexp_replace(lower(route), '[^a-z0-9]+', '-', 'g'),
               'Migrants dead or missing, ' || route || ' (IOM MMP)', date, value FROM rows
        UNION ALL
        SELECT 'iom-mmp/incidents/all', 'Incidents with dead or missing migrants (IOM MMP)', date, 1.0
        FROM rows
    """
    series, points = _grouped_monthly(con, grouped, _IOM, "iom-mmp", "people")
    units = pc.if_else(pc.starts_with(series["id"], "iom-mmp/incidents"), "incidents", series["unit"])
    return series.set_column(series.schema.get_field_index("unit"), "unit", units), points
