"""``crosslink simulate``: write a synthetic scenario, or print a scenario's statistics."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from crosslink.cli.app import app
from crosslink.cli.common import console, user_errors
from crosslink.errors import InputError


@app.command("simulate", rich_help_panel="5. Demo and simulation")
def simulate_command(
    people: Annotated[int, typer.Option("--people", "-n", help="Number of people in the world.")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Random seed (same seed, same bytes).")] = 1,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Scenario directory to write.")] = None,
    stats: Annotated[
        Path | None, typer.Option("--stats", help="Print the statistics of an existing scenario DIR.")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-j", min=1, help="Writer processes (default 2; output is the same for any number)."),
    ] = None,
) -> None:
    """Write a synthetic smuggling-network scenario with ground truth (or --stats DIR)."""
    from crosslink.simulate import check_targets, scenario_stats, simulate

    with user_errors():
        if stats is not None:
            values = scenario_stats(stats)
            table = Table(title=f"Scenario statistics: {stats}")
            table.add_column("statistic")
            table.add_column("value", justify="right")
            for key, value in values.items():
                table.add_row(key, f"{value:,.4g}")
            console.print(table)
            checks = Table(title="Documented targets (docs/simulator.md)")
            for col in ("statistic", "value", "target", "met", "why"):
                checks.add_column(col)
            for target, value, ok in check_targets(values):
                checks.add_row(
                    target.key, f"{value:.4g}", f"{target.low:g} .. {target.high:g}",
                    "[green]yes[/]" if ok else "[red]no[/]", target.why,
                )  # fmt: skip
            console.print(checks)
            return
        if out is None:
            raise InputError("give --out DIR to write a scenario, or --stats DIR to read one")
        if people < 50:
            raise InputError("--people must be at least 50", column="--people")
        with Progress(
            TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console
        ) as bar:
            task = bar.add_task("world", total=10)

            def step(label: str, done: int, total: int) -> None:
                bar.update(task, description=label, completed=done, total=total)

            meta = simulate(people, seed, out, progress=step, workers=workers)
        console.print(
            f"Wrote {meta['total_records']:,} records for {people:,} people "
            f"({meta['groups']} groups) to {out} in {meta['seconds']:.1f} s "
            f"({meta['total_records'] / meta['seconds']:,.0f} records/s, {meta['workers']} worker(s))."
        )
