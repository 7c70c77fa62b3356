"""Migration flows: ``crosslink flows ingest|list|forecast|backtest|alerts|chart``.

Thin: parse options, call :mod:`crosslink.flows`, print.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from crosslink.cli.app import app
from crosslink.cli.common import (
    OutputFormat,
    PurposeOption,
    UserOption,
    WorkspaceOption,
    console,
    current_user,
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

FormatOption = Annotated[OutputFormat, typer.Option("--format", help="table (for people) or json (for scripts).")]


def _json(value: Any) -> None:
    print(json.dumps(value, default=str, ensure_ascii=False, indent=1))


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
        _json([r.__dict__ for r in results])
        return
    for r in results:
        console.print(f"{r.file}: {r.layout}, {r.series} series: {len(r.new)} new, "
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
        _json(rows)
        return
    out = Table(box=box.SIMPLE)
    for column in ("series", "freq", "unit", "from", "to", "points", "grading", "report"):
        out.add_column(column, justify="right" if column == "points" else "left")
    for r in rows:
        out.add_row(r["id"], r["freq"], r["unit"], str(r["first_date"]), str(r["last_date"]),
                    str(r["points"]), f"{r['grading']} {r['handling_code']}", r["report_id"][:12])
    console.print(out)
