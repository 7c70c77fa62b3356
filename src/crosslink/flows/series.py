"""A series to forecast, from a CSV (any layout, by column) or a workspace, and the
forecast written out with its provenance.

A :class:`Series` carries its dates, values, frequency and provenance (the source
file or workspace series, report id, grading, handling code), and every output made
from it (forecast CSV, backtest, alerts, chart) carries that provenance too.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crosslink.errors import InputError
from crosslink.flows.forecast import Forecast
from crosslink.flows.readers import _read_text_columns, _try_cast, read_flow_file
from crosslink.model.safe import csv_cell
from crosslink.store.session import Session

__all__ = ["FORECAST_COLUMNS", "Series", "next_dates", "read_series_csv", "series_from_points",
           "workspace_series", "write_forecast"]

FORECAST_COLUMNS = ("date", "point", "lo80", "hi80", "lo95", "hi95")
FREQS = ("D", "W", "M")


@dataclass
class Series:
    name: str
    freq: str
    dates: list[date]
    values: np.ndarray
    provenance: dict[str, object] = field(default_factory=dict)


def series_from_points(name: str, freq: str, points: pa.Table, provenance: dict[str, object]) -> Series:
    return Series(name, freq, points["date"].to_pylist(), points["value"].to_numpy(zero_copy_only=False)
                  .astype(float), provenance)


def read_series_csv(path: str | Path, *, date_column: str | None, value_column: str | None,
                    freq: str | None, series: str | None = None, empty_as_zero: bool = True) -> Series:
    """A series from a CSV. With ``date_column`` and ``value_column``: any layout, one row
    per period (an empty value is zero when ``empty_as_zero``: published counts leave
    days without crossings blank). Without them: a published layout
    (:mod:`crosslink.flows.readers`), ``series`` naming which of its series (default:
    the first, e.g. people for the small-boats files)."""
    path = Path(path)
    if date_column is None or value_column is None:
        if date_column or value_column:
            raise InputError("give both --date and --value, or neither for a published layout",
                             file=str(path))
        flow = read_flow_file(path)
        ids = flow.series["id"].to_pylist()
        name = series or ids[0]
        if name not in ids:
            raise InputError(f"no series {name!r} in this file; it has {', '.join(ids[:10])}", file=str(path))
        meta = flow.series.filter(pc.equal(flow.series["id"], name)).to_pylist()[0]
        if freq and freq != meta["freq"]:
            raise InputError(f"series {name!r} is {meta['freq']}, not {freq}", file=str(path))
        points = flow.points.filter(pc.equal(flow.points["series_id"], name))
        return series_from_points(name, str(meta["freq"]), points, {
            "source": path.name, "source_sha256": flow.sha256, "series": name})
    if freq not in FREQS:
        raise InputError(f"--freq must be one of {', '.join(FREQS)}", file=str(path))
    table = _read_text_columns(path)
    for column in (date_column, value_column):
        if column not in table.column_names:
            raise InputError(f"no column {column!r}; columns are {', '.join(table.column_names[:12])}",
                             file=str(path), row=1)
    raw_dates = pc.utf8_trim_whitespace(table.column(date_column).combine_chunks())
    parsed = _try_cast(raw_dates, "DATE")
    if freq == "M":  # YYYY-MM is a month
        parsed = pc.coalesce(parsed, _try_cast(pc.binary_join_element_wise(raw_dates, "-01", ""), "DATE"))
    if pc.any(pc.is_null(parsed)).as_py():
        i = pc.index(pc.is_null(parsed), True).as_py()
        raise InputError(f"{raw_dates[i].as_py()!r} is not a date (YYYY-MM-DD)", file=str(path),
                         row=i + 2, column=date_column)
    raw = pc.utf8_trim_whitespace(table.column(value_column).combine_chunks())
    empty = pc.fill_null(pc.equal(raw, ""), True)
    values = _try_cast(pc.if_else(empty, None, raw), "DOUBLE")
    bad = pc.or_(pc.and_(pc.invert(empty), pc.is_null(values)), pc.fill_null(pc.less(values, 0), False))
    if not empty_as_zero:
        bad = pc.or_(bad, empty)
    if pc.any(bad).as_py():
        i = pc.index(bad, True).as_py()
        shown = raw[i].as_py() or "empty"
        raise InputError(f"{shown!r} is not a count (a number >= 0)", file=str(path), row=i + 2,
                         column=value_column)
    dates = parsed.to_pylist()
    order = np.argsort(np.array(dates, dtype="datetime64[D]"), kind="stable")
    dates = [dates[i] for i in order]
    y = pc.fill_null(values, 0.0).to_numpy(zero_copy_only=False)[order]
    for k in range(1, len(dates)):
        if dates[k] == dates[k - 1]:
            raise InputError(f"date {dates[k]} appears twice", file=str(path), row=int(order[k]) + 2,
                             column=date_column)
        expected = _step(dates[k - 1], freq)
        if freq in ("D", "M") and dates[k] != expected:
            raise InputError(f"a gap: {dates[k]} follows {dates[k - 1]} (expected {expected})",
                             file=str(path), row=int(order[k]) + 2, column=date_column)
    return Series(f"{path.name}:{value_column}", freq, dates, y, {"source": path.name,
                                                                  "series": value_column})


def next_dates(dates: list[date], freq: str, h: int) -> list[date]:
    """The ``h`` periods after the last of ``dates``. Weeks: 7 days on, unless the
    series uses the publisher's 52-week year (a week 52 of 8 or 9 days), which is kept."""
    last = dates[-1]
    publisher = freq == "W" and _publisher_weeks(dates)
    out: list[date] = []
    for _ in range(h):
        last = _step(last, freq, publisher=publisher)
        out.append(last)
    return out


def _step(day: date, freq: str, *, publisher: bool = False) -> date:
    if freq == "D":
        return day + timedelta(days=1)
    if freq == "M":
        return date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    if publisher and (day.timetuple().tm_yday - 1) // 7 + 1 >= 52:
        return date(day.year + 1, 1, 1)
    return day + timedelta(days=7)


def _publisher_weeks(dates: list[date]) -> bool:
    """Weeks that all start on day 7k+1 of their year, and never cross a new year
    with a plain 7-day step (which a calendar of 7-day weeks would)."""
    recent = dates[-120:]
    aligned = all((d.timetuple().tm_yday - 1) % 7 == 0 for d in recent)
    plain_new_year = any(b.year != a.year and (b - a).days == 7 for a, b in zip(recent, recent[1:], strict=False))
    return aligned and not plain_new_year


def write_forecast(series: Series, result: Forecast, out: str | Path) -> int:
    """Write ``date,point,lo80,hi80,lo95,hi95`` then the method and provenance columns;
    whole or not at all (a temporary file renamed into place). Returns rows written."""
    out = Path(out)
    horizon = len(result.point)
    dates = next_dates(series.dates, series.freq, horizon)
    extra = ("method", "series", "source", "report_id", "grading", "handling_code")
    prov = series.provenance
    tmp = out.with_name(out.name + ".part")
    try:
        with tmp.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([*FORECAST_COLUMNS, *extra])
            for i, d in enumerate(dates):
                lo80, hi80, lo95, hi95 = (round(float(v), 1) for v in result.bounds[i])
                writer.writerow([d.isoformat(), round(float(result.point[i]), 1), lo80, hi80, lo95, hi95,
                                 result.method, *(csv_cell(prov.get(k, series.name if k == "series" else ""))
                                                  for k in extra[1:])])
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"cannot write: {exc.strerror or exc}", file=str(out)) from None
    return horizon



def workspace_series(session: Session, name: str) -> Series:
    """A workspace series, through the session (absent or invisible: NotFound; audited)."""
    from crosslink.flows.store import load_series

    meta, points = load_series(session, name)
    provenance = {k: meta[k] for k in ("source_file", "report_id", "grading", "handling_code")}
    provenance["source"] = provenance.pop("source_file")
    provenance["series"] = name
    return series_from_points(name, str(meta["freq"]), points, provenance)
