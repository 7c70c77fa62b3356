"""Series from any CSV by column, the periods after a series, the forecast CSV."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from crosslink.errors import InputError
from crosslink.flows.forecast import Forecast
from crosslink.flows.series import (
    FORECAST_COLUMNS,
    Series,
    next_dates,
    read_series_csv,
    write_forecast,
)


def test_generic_csv_reads_empty_as_zero_and_sorts(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("day,n\n2025-01-02,5\n2025-01-01,\n2025-01-03,7\n", encoding="utf-8")
    s = read_series_csv(path, date_column="day", value_column="n", freq="D")
    assert s.dates == [date(2025, 1, 1), date(2025, 1, 2), date(2025, 1, 3)]
    assert s.values.tolist() == [0.0, 5.0, 7.0]


@pytest.mark.parametrize(("body", "message"), [
    ("2025-01-01,1\n2025-01-03,2\n", "row 3, column 'day': a gap: 2025-01-03 follows 2025-01-01"),
    ("2025-01-01,1\n2025-13-01,2\n", "row 3, column 'day': '2025-13-01' is not a date"),
    ("2025-01-01,1\n2025-01-02,-4\n", "row 3, column 'n': '-4' is not a count"),
    ("2025-01-01,1\n2025-01-01,2\n", "row 3, column 'day': date 2025-01-01 appears twice"),
])
def test_bad_rows_are_named(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "s.csv"
    path.write_text("day,n\n" + body, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_series_csv(path, date_column="day", value_column="n", freq="D")
    assert str(err.value).startswith(f"{path}, {message}")


def test_next_dates_keep_the_publishers_52_week_year() -> None:
    weeks = [date(2024, 1, 1) + timedelta(days=7 * k) for k in range(52)]  # 2024 w1..w52
    assert weeks[-1] == date(2024, 12, 23)
    assert next_dates(weeks, "W", 2) == [date(2025, 1, 1), date(2025, 1, 8)]
    plain = [date(2023, 12, 4) + timedelta(days=7 * k) for k in range(57)]  # Mondays
    assert plain[-1] == date(2024, 12, 30)
    assert next_dates(plain, "W", 1) == [date(2025, 1, 6)]
    assert next_dates([date(2024, 11, 1), date(2024, 12, 1)], "M", 2) == [date(2025, 1, 1), date(2025, 2, 1)]


def test_forecast_csv_has_the_columns_and_provenance_and_is_safe(tmp_path: Path) -> None:
    s = Series("=cmd|x", "M", [date(2025, 1, 1)], np.array([3.0]),
               {"source": "=HYPERLINK(1)", "report_id": "r1", "grading": "1B", "handling_code": "P"})
    result = Forecast(np.array([10.0, 12.0]), np.array([[5, 15, 2, 20], [6, 18, 3, 25]], dtype=float),
                      "profile", None)  # type: ignore[arg-type]
    out = tmp_path / "f.csv"
    assert write_forecast(s, result, out) == 2
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert tuple(rows[0])[:6] == FORECAST_COLUMNS
    assert rows[0]["date"] == "2025-02-01" and rows[1]["hi95"] == "25.0"
    assert rows[0]["source"] == "'=HYPERLINK(1)" and rows[0]["series"] == "'=cmd|x"
    assert (rows[0]["report_id"], rows[0]["grading"], rows[0]["handling_code"]) == ("r1", "1B", "P")
