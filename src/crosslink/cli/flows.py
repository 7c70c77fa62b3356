"""Migration flows: ``crosslink flows ingest|list|forecast|backtest|alerts|chart``.

Thin: parse options, call :mod:`crosslink.flows`, print.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich import box
from rich.table import Table

from crosslink.cli.app import app
from crosslink.cli.common import (
    FormatOption,
    OutputFormat,
    PurposeOption,
    UserOption,
    WorkspaceOption,
    console,
    current_user,
    print_json,
    user_errors,
    workspace_path,
)
from crosslink.store import Workspace

flows_app = typer.Typer(
    name="flows",
    help="Migration flows: ingest published series, forecast with calibrated intervals, alert.",
    no_args_is_help=True,
)
app.add_typer(flows_app, name="flows", rich_help_panel="4. Network analysis")



@flows_app.command("ingest")
def ingest_cmd(
    files: Annotated[list[Path], typer.Argument(help="Published files (small boats CSV, Frontex, IOM MMP).")],
    grading: Annotated[str, typer.Option(help="Grading of the published figures.")] = "1B",
    handling: Annotated[str, typer.Option(help="Handling code.")] = "P",
    compartment: Annotated[str | None, typer.Option(help="Compartment the series belong to.")] = None,
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Read published flow statistics into the workspace (re-running adds nothing)."""
    from crosslink.flows import ingest_file

    results = []
    with user_errors(), Workspace.open(workspace_path(workspace), create=True) as ws:
        session = ws.session(current_user(user), purpose)
        for path in files:
            results.append(ingest_file(session, path, grading=grading, handling=handling,
                                       compartment=compartment))
    if output != OutputFormat.table:
        print_json([r.__dict__ for r in results])
        return
    for r in results:
        console.print(f"{Path(r.file).name}: {r.layout}, {r.series} series: {len(r.new)} new, "
                      f"{len(r.updated)} updated, {r.unchanged} unchanged ({r.points} points written)",
                      highlight=False)


@flows_app.command("list")
def list_cmd(
    like: Annotated[str | None, typer.Argument(help="Only series whose id contains this.")] = None,
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """The flow series you may see, with their span, report, grading and handling code."""
    from crosslink.flows import list_series

    with user_errors(), Workspace.open(workspace_path(workspace)) as ws:
        table = list_series(ws.session(current_user(user), purpose), like=like)
    rows = table.to_pylist()
    if output != OutputFormat.table:
        print_json(rows)
        return
    out = Table(box=box.SIMPLE, padding=(0, 1), pad_edge=False)
    widest = max((len(r["id"]) for r in rows), default=6)
    for column in ("series", "unit", "from", "to", "points", "grading", "report"):
        out.add_column(column, justify="right" if column == "points" else "left", overflow="fold",
                       min_width={"series": widest, "from": 10, "to": 10}.get(column))
    for r in rows:
        out.add_row(r["id"], r["unit"], str(r["first_date"]), str(r["last_date"]),
                    str(r["points"]), f"{r['grading']} {r['handling_code']}", r["report_id"][:8])
    console.print(out)


FileArgument = Annotated[Path | None, typer.Argument(
    help="A CSV: any layout with --date and --value, or a published layout as is.", show_default=False)]
DateOption = Annotated[str | None, typer.Option("--date", help="Date column (YYYY-MM-DD; YYYY-MM for --freq M).")]
ValueOption = Annotated[str | None, typer.Option("--value", help="Value column (counts; empty = 0).")]
FreqOption = Annotated[str | None, typer.Option("--freq", help="D, W or M (with --date/--value).")]
SeriesOption = Annotated[str | None, typer.Option(
    "--series", help="A workspace series (see `crosslink flows list`), or which series of a published file.")]
HorizonOption = Annotated[int, typer.Option("--horizon", "-h", min=1, max=104, help="Periods ahead.")]


def _load(session_box: list[Any], file: Path | None, date: str | None, value: str | None, freq: str | None,
          series: str | None, workspace: Path | None, user: str | None, purpose: str | None) -> Any:
    """The series to work on: from the file, else the workspace (session kept in session_box)."""
    from crosslink.errors import CrosslinkError
    from crosslink.flows.series import read_series_csv, workspace_series

    if file is not None:
        return read_series_csv(file, date_column=date, value_column=value, freq=freq, series=series)
    if not series:
        raise CrosslinkError("give a CSV file, or --series NAME for a workspace series")
    ws = Workspace.open(workspace_path(workspace))
    session = ws.session(current_user(user), purpose)
    session_box.extend([ws, session])
    return workspace_series(session, series)


def _close(held: list[Any]) -> None:
    if held:
        held[0].close()


@flows_app.command("forecast")
def forecast_cmd(
    file: FileArgument = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Forecast CSV: date,point,lo80,hi80,lo95,hi95,...")]
    = Path("forecast.csv"),
    date: DateOption = None,
    value: ValueOption = None,
    freq: FreqOption = None,
    series: SeriesOption = None,
    horizon: HorizonOption = 13,
    chart: Annotated[Path | None, typer.Option(help="Also write an SVG chart (actual, fan, alerts).")] = None,
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Forecast a series with 80 % and 95 % intervals, by the method a rolling-origin
    backtest selects, intervals calibrated on its backtest errors (conformal)."""
    from crosslink.flows.forecast import forecast
    from crosslink.flows.monitor import chart_svg
    from crosslink.flows.series import next_dates, write_forecast

    held: list[Any] = []
    with user_errors():
        try:
            s = _load(held, file, date, value, freq, series, workspace, user, purpose)
            result = forecast(s.values, s.freq, horizon)
            n = write_forecast(s, result, out)
            if chart is not None:
                chart.write_text(chart_svg(s, result), encoding="utf-8")
            if held:
                held[1].audit("disclosure", s.name, out=out.name, horizon=horizon, method=result.method,
                             report_id=s.provenance.get("report_id"))
        finally:
            _close(held)
    bt = result.backtest
    figures = {"series": s.name, "method": result.method, "out": str(out), "rows": n,
               "backtest_mase_ratio": [round(float(v), 3) for v in bt.ratio("crosslink")],
               "first": next_dates(s.dates, s.freq, 1)[0].isoformat()}
    if output != OutputFormat.table:
        print_json(figures)
        return
    console.print(f"{s.name}: {n} {s.freq} periods from {figures['first']} -> {out} (method {result.method})",
                  highlight=False)
    for d, p, b in zip(next_dates(s.dates, s.freq, min(n, 4)), result.point, result.bounds, strict=False):
        console.print(f"  {d}  {p:8.0f}   80% {b[0]:6.0f}-{b[1]:<6.0f}  95% {b[2]:6.0f}-{b[3]:<6.0f}",
                      highlight=False)


@flows_app.command("backtest")
def backtest_cmd(
    file: FileArgument = None,
    date: DateOption = None,
    value: ValueOption = None,
    freq: FreqOption = None,
    series: SeriesOption = None,
    horizon: HorizonOption = 13,
    origins: Annotated[int, typer.Option(help="Backtest over the last this many periods.")] = 104,
    step: Annotated[int, typer.Option(min=1, help="Periods between origins (refits).")] = 1,
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Rolling-origin backtest: MASE against seasonal naive and interval coverage per horizon."""
    from crosslink.flows.forecast import backtest, minimum_length

    held: list[Any] = []
    with user_errors():
        try:
            s = _load(held, file, date, value, freq, series, workspace, user, purpose)
            from crosslink.errors import CrosslinkError

            if len(s.values) < minimum_length(s.freq, horizon):
                raise CrosslinkError(f"series too short: {len(s.values)} points")
            calib = 60  # origins before the scored ones, so intervals have errors to learn from
            first = max(2 * 52 if s.freq == "W" else 30, len(s.values) - origins - calib)
            starts = np.arange(first, len(s.values), step)
            bt = backtest(s.values, s.freq, horizon, origins=starts)
        finally:
            _close(held)
    scored = starts >= len(s.values) - origins
    rows: list[dict[str, Any]] = []
    for k in range(horizon):
        rows.append({
            "horizon": k + 1,
            "mase": float(bt.mase("crosslink", scored)[k]),
            "mase_seasonal_naive": float(bt.mase("seasonal_naive", scored)[k]),
            "ratio": float(bt.ratio("crosslink", rows=scored)[k]),
            "coverage80": float(bt.coverage(80, scored)[k]),
            "coverage95": float(bt.coverage(95, scored)[k]),
        })
        # too few earlier origins to calibrate on: no figure rather than NaN in JSON
        rows[-1] = {key: (None if isinstance(v, float) and not np.isfinite(v) else v) for key, v in rows[-1].items()}
    methods = {m: float(np.nanmean(bt.mase(m, scored)) / np.nanmean(bt.mase("seasonal_naive", scored)))
               for m in bt.errors}
    if output != OutputFormat.table:
        print_json({"series": s.name, "origins": int(scored.sum()), "per_horizon": rows, "mase_ratio_by_method": methods,
               "provenance": s.provenance})
        return
    console.print(f"{s.name}: {int(scored.sum())} origins, refitted every {step}; method now: {bt.chosen}",
                  highlight=False)
    table = Table(box=box.SIMPLE)
    for column in ("h", "MASE", "seasonal naive", "ratio", "80% cover", "95% cover"):
        table.add_column(column, justify="right")
    for r in rows:
        table.add_row(str(r["horizon"]), *(
            "n/a" if r[k] is None else f"{r[k]:.{2 if k.startswith('cov') else 3}f}"
            for k in ("mase", "mase_seasonal_naive", "ratio", "coverage80", "coverage95")))
    console.print(table)
    console.print("MASE / seasonal naive, all horizons: " + ", ".join(
        f"{m} {v:.3f}" for m, v in sorted(methods.items(), key=lambda kv: kv[1])), highlight=False)


@flows_app.command("alerts")
def alerts_cmd(
    file: FileArgument = None,
    date: DateOption = None,
    value: ValueOption = None,
    freq: FreqOption = None,
    series: SeriesOption = None,
    periods: Annotated[int, typer.Option(min=1, help="Check the last this many periods.")] = 26,
    chart: Annotated[Path | None, typer.Option(help="Also write an SVG chart with the alerts and a forecast.")]
    = None,
    horizon: HorizonOption = 13,
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Periods that landed outside their one-step-ahead 95 % interval (replayed as it would have run)."""
    from crosslink.flows.forecast import forecast
    from crosslink.flows.monitor import alerts, chart_svg

    held: list[Any] = []
    with user_errors():
        try:
            s = _load(held, file, date, value, freq, series, workspace, user, purpose)
            found = alerts(s, periods=periods)
            if chart is not None:
                chart.write_text(chart_svg(s, forecast(s.values, s.freq, horizon), found), encoding="utf-8")
                if held:
                    held[1].audit("disclosure", s.name, out=chart.name, alerts=len(found))
        finally:
            _close(held)
    rows = [{"date": a.date.isoformat(), "actual": a.actual, "point": round(a.point, 1), "lo95": round(a.lo95, 1),
             "hi95": round(a.hi95, 1), "direction": a.direction, "method": a.method,
             **{k: s.provenance.get(k) for k in ("report_id", "grading", "handling_code")}} for a in found]
    if output != OutputFormat.table:
        print_json(rows)
        return
    console.print(f"{s.name}: {len(found)} of the last {periods} periods outside their 95% interval",
                  highlight=False)
    for r in rows:
        console.print(f"  {r['date']}  {r['actual']:8.0f}  {r['direction']:<5s} 95% {r['lo95']:.0f}-{r['hi95']:.0f} "
                      f"(forecast {r['point']:.0f})", highlight=False)
