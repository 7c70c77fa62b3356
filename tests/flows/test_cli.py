"""``crosslink flows``: ingest, list, forecast (file and workspace), backtest, alerts."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from crosslink.cli import app

runner = CliRunner()


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


def _monthly_file(path: Path, months: int = 84) -> Path:
    """A small-boats monthly file (the published layout) of seasonal counts."""
    rng = np.random.default_rng(11)
    lines = ["date_month,date_label,n_year,n_month,migrants_arrived,boats_arrived"]
    for k in range(months):
        year, month = 2018 + k // 12, k % 12 + 1
        people = rng.poisson(2000 + 1500 * np.sin(2 * np.pi * (month - 3) / 12))
        lines.append(f"{year}-{month:02d}-01,x,{year},{month},{people if people else ''},{people // 50}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_ingest_list_forecast_from_the_workspace_with_provenance(tmp_path: Path) -> None:
    ws = str(tmp_path / "ws.duckdb")
    data = _monthly_file(tmp_path / "monthly.csv")
    result = run("flows", "ingest", str(data), "-w", ws, "--format", "json")
    assert result.exit_code == 0, result.output
    assert sorted(json.loads(result.output)[0]["new"]) == ["uk-small-boats/boats/M", "uk-small-boats/migrants/M"]
    listed = json.loads(run("flows", "list", "-w", ws, "--format", "json").output)
    assert [r["id"] for r in listed] == ["uk-small-boats/boats/M", "uk-small-boats/migrants/M"]
    out = tmp_path / "f.csv"
    chart = tmp_path / "f.svg"
    result = run("flows", "forecast", "--series", "uk-small-boats/migrants/M", "--horizon", "6", "--out", str(out),
                 "--chart", str(chart), "-w", ws, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["date"] for r in rows] == [f"2025-{m:02d}-01" for m in range(1, 7)]
    for r in rows:
        lo95, lo80, hi80, hi95 = (float(r[k]) for k in ("lo95", "lo80", "hi80", "hi95"))
        assert 0 <= lo95 <= lo80 <= hi80 <= hi95
        assert r["grading"] == "1B" and r["handling_code"] == "P" and r["report_id"] == listed[1]["report_id"]
    assert chart.read_text(encoding="utf-8").startswith("<svg")
    from crosslink.store import Workspace

    with Workspace.open(ws) as w:
        actions = [r[0] for r in w.con.execute("SELECT action FROM audit_log ORDER BY seq").fetchall()]
    assert actions[0] == "collection" and "consultation" in actions and actions[-1] == "disclosure"


def test_forecast_a_csv_by_column_and_errors_are_one_line(tmp_path: Path) -> None:
    data = _monthly_file(tmp_path / "monthly.csv")
    out = tmp_path / "f.csv"
    result = run("flows", "forecast", str(data), "--date", "date_month", "--value", "migrants_arrived",
                 "--freq", "M", "--horizon", "3", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert len(list(csv.DictReader(out.open(encoding="utf-8")))) == 3
    bad = run("flows", "forecast", str(data), "--date", "date_month", "--value", "nope", "--freq", "M",
              "--out", str(out))
    assert bad.exit_code == 1 and "no column 'nope'" in bad.output
    missing = run("flows", "forecast", "--series", "nothing/here", "-w", str(tmp_path / "ws.duckdb"))
    assert missing.exit_code == 1


def test_backtest_prints_mase_and_coverage_per_horizon(tmp_path: Path) -> None:
    data = _monthly_file(tmp_path / "monthly.csv", months=144)
    result = run("flows", "backtest", str(data), "--horizon", "3", "--origins", "24", "--step", "2",
                 "--format", "json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert [r["horizon"] for r in figures["per_horizon"]] == [1, 2, 3]
    for r in figures["per_horizon"]:
        assert r["mase"] > 0 and 0 <= r["coverage80"] <= r["coverage95"] <= 1
        assert r["ratio"] == pytest.approx(r["mase"] / r["mase_seasonal_naive"])


@pytest.mark.shared
def test_forecast_the_published_weekly_file_as_is(flows_data: Path, tmp_path: Path) -> None:
    weekly = next(flows_data.glob("uk_small_boats/*weekly*.csv"))
    out = tmp_path / "f.csv"
    result = run("flows", "forecast", str(weekly), "--horizon", "13", "--out", str(out))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    # the file ends at 2025 week 26; week 27 starts on day 183 (2 July)
    assert rows[0]["date"] == "2025-07-02" and len(rows) == 13
    assert rows[0]["series"] == "uk-small-boats/migrants/W" and rows[0]["source"] == weekly.name
    for r in rows:
        assert 0 <= float(r["lo95"]) <= float(r["lo80"]) <= float(r["hi80"]) <= float(r["hi95"])
        # a summer week: the 95 % interval is wide but bounded (weekly record ~ 4,000)
        assert float(r["hi95"]) < 10_000
