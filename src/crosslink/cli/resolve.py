"""Resolution commands: ``dedupe`` and ``link`` for spreadsheets.

Thin: parse options, call one function of :mod:`crosslink.resolve`, print a summary.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from crosslink.cli.app import app
from crosslink.cli.common import console, user_errors
from crosslink.resolve import dedupe_file, link_files, parse_map_options
from crosslink.resolve.columns import ColumnMapping
from crosslink.resolve.engine import Progress as StepCallback

MapOption = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        help="HEADER=property: read column HEADER as this Person property "
        "(firstName, lastName, birthDate, phone, passportNumber, ...). Repeatable.",
    ),
]
IgnoreOption = Annotated[
    list[str] | None,
    typer.Option("--ignore", help="Do not use column HEADER for matching. Repeatable."),
]
ThresholdOption = Annotated[
    float | None,
    typer.Option(
        "--threshold",
        min=0.0,
        max=1.0,
        help="Match probability needed to link (default: the model's cluster_threshold, 0.9 for Person).",
    ),
]
ModelOption = Annotated[
    Path | None,
    typer.Option("--model", help="A model YAML to use instead of the shipped Person model."),
]


@contextmanager
def _steps() -> Iterator[StepCallback]:
    """A Rich progress display fed with step descriptions."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("starting", total=None)

        def step(message: str) -> None:
            progress.update(task, description=message)

        yield step


def _describe(mapping: ColumnMapping | None, label: str = "") -> None:
    if mapping is None:
        return
    used = ", ".join(f"{'+'.join(cols)}→{prop}" for prop, cols in mapping.columns.items())
    console.print(f"[dim]{label}columns: {used}[/]", highlight=False)
    if mapping.unused:
        console.print(
            f"[dim]{label}not used: {', '.join(mapping.unused)} "
            "(use --map HEADER=property to include)[/]",
            highlight=False,
        )


@app.command(rich_help_panel="3. Resolution")
def dedupe(
    input: Annotated[Path, typer.Argument(help="CSV of person records.")],
    id: Annotated[str, typer.Option("--id", help="Column holding each row's unique id.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write record_id,cluster_id.")],
    map: MapOption = None,
    ignore: IgnoreOption = None,
    threshold: ThresholdOption = None,
    confidence: Annotated[
        bool, typer.Option("--confidence", help="Also write each cluster's confidence.")
    ] = False,
    model: ModelOption = None,
) -> None:
    """Find the rows of one spreadsheet that are the same person."""
    with user_errors():
        overrides = parse_map_options(map or [])
        with _steps() as step:
            result = dedupe_file(
                input, id, out, overrides=overrides, ignore=ignore or [],
                threshold=threshold, model_path=model, with_confidence=confidence,
                progress=step,
            )
        _describe(result.mapping)
        console.print(
            f"{result.records} records → {result.clusters} people "
            f"({result.merged_records} records in clusters of two or more); wrote {out}",
            highlight=False,
        )


@app.command(rich_help_panel="3. Resolution")
def link(
    left: Annotated[Path, typer.Argument(help="First CSV of person records.")],
    right: Annotated[Path, typer.Argument(help="Second CSV of person records.")],
    left_id: Annotated[str, typer.Option("--left-id", help="Id column of LEFT.")],
    right_id: Annotated[str, typer.Option("--right-id", help="Id column of RIGHT.")],
    out: Annotated[
        Path, typer.Option("--out", help="Where to write left_id,right_id,match_probability.")
    ],
    map: MapOption = None,
    ignore: IgnoreOption = None,
    threshold: ThresholdOption = None,
    model: ModelOption = None,
    many_to_many: Annotated[
        bool,
        typer.Option(
            "--many-to-many",
            help="Allow a record to link to several records of the other file (a file may "
            "list a person more than once). Default: one-to-one, each record's best match.",
        ),
    ] = False,
) -> None:
    """Find the people who appear in both spreadsheets."""
    with user_errors():
        overrides = parse_map_options(map or [])
        with _steps() as step:
            result = link_files(
                left, right, left_id, right_id, out, overrides=overrides,
                ignore=ignore or [], threshold=threshold, model_path=model, progress=step,
                one_to_one=not many_to_many,
            )
        _describe(result.mapping_left, "left ")
        _describe(result.mapping_right, "right ")
        console.print(
            f"{result.left_records} × {result.right_records} records → "
            f"{result.pairs} predicted matches; wrote {out}",
            highlight=False,
        )
