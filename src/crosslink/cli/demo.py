"""``crosslink demo``: the main job end to end on the embedded default (DuckDB)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from crosslink.cli.app import app
from crosslink.cli.common import console, user_errors


@app.command(rich_help_panel="5. Demo and simulation")
def demo(
    out: Annotated[Path, typer.Option(help="Folder for the scenario, workspace and report.")] = Path("demo-output"),
    people: Annotated[int, typer.Option(help="People in the simulated scenario.")] = 4000,
    seed: Annotated[int, typer.Option(help="Scenario seed (same seed, same scenario).")] = 2024,
    key_players: Annotated[int, typer.Option("--k", help="Size of the disruption plan.")] = 8,
) -> None:
    """The main job end to end on a simulated scenario: writes demo-output/report.html.

    Simulates intelligence from several forces and partners, ingests it with its
    gradings, extracts selectors from free text, resolves people, analyses the
    network, and writes an analyst's report that opens offline.
    """
    from crosslink.demo import run_demo

    started = time.perf_counter()
    with user_errors(), Progress(
        SpinnerColumn(), TextColumn("[bold]{task.fields[stage]:<9}[/] {task.description}"),
        TimeElapsedColumn(), console=console, transient=True,
    ) as progress:
        task = progress.add_task("starting", stage="demo")

        def say(stage: str, detail: str) -> None:
            progress.update(task, stage=stage, description=detail)

        result = run_demo(out, people=people, seed=seed, key_players=key_players, progress=say)
    total = time.perf_counter() - started
    table = Table(title="crosslink demo", show_header=True)
    table.add_column("stage")
    table.add_column("seconds", justify="right")
    for name, seconds in result.stages:
        table.add_row(name, f"{seconds:.1f}")
    table.add_row("[bold]total[/]", f"[bold]{total:.1f}[/]")
    console.print(table)
    summary = result.summary
    console.print(
        f"Ingested {summary['reports']:,} reports into {summary['statements']:,} statements about "
        f"{summary['entities']:,} entities."
    )
    if result.evaluation:
        ev = result.evaluation
        console.print(
            f"Against the simulated truth: resolution pairwise F1 {ev['f1']:.3f} "
            f"(precision {ev['precision']:.3f}, recall {ev['recall']:.3f}); "
            f"group recovery NMI {ev['group_nmi']:.3f}."
        )
    console.print(f"Report: [bold]{result.report}[/]  (open it in a browser; it works offline)")
    console.print(f"Analysis JSON: {result.analysis}   Workspace: {result.workspace}")
    if result.case_file:
        case = result.case_file
        console.print(
            f"Sample case file {case['case']}: {case['suspects']} suspects, {case['sentences']} cited "
            f"sentences; MG6C {case['schedules']['MG6C']} / MG6D {case['schedules']['MG6D']} items: "
            f"{Path(case['files']['mg5_docx']).parent}"
        )
