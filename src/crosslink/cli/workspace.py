"""Workspace commands: init, ingest, entities, show, audit."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Literal

import pyarrow as pa
import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from crosslink.cli.app import app
from crosslink.cli.common import (
    OutputFormat,
    PurposeOption,
    UserOption,
    WorkspaceOption,
    console,
    current_user,
    err_console,
    user_errors,
    workspace_path,
)
from crosslink.errors import InputError
from crosslink.ingest import IngestResult, ReportOptions, ingest_file, load_mapping
from crosslink.ingest.discover import expand, mapping_for, needs_mapping
from crosslink.model.safe import write_csv
from crosslink.store import Workspace, verify
from crosslink.store.erasure import erase as erase_data
from crosslink.store.lookup import find_selector


@app.command(rich_help_panel="1. Workspace")
def init(
    path: Annotated[Path, typer.Argument(help="Workspace file to create.")] = Path("crosslink.duckdb"),
) -> None:
    """Create a workspace (a DuckDB file)."""
    with user_errors():
        Workspace.create(path).close()
    console.print(f"Workspace ready: [bold]{path}[/]")


@app.command(rich_help_panel="1. Workspace")
def ingest(
    files: Annotated[list[Path], typer.Argument(help="Files or directories to ingest.")],
    mapping: Annotated[Path | None, typer.Option("--mapping", "-m", help="Mapping YAML (default: mappings/<file stem>.yml beside the file or one level up).")] = None,
    grading: Annotated[str | None, typer.Option(help="Grading for the whole file, e.g. 1B, B2, 'A2 H1'.")] = None,
    grading_scheme: Annotated[str | None, typer.Option(help="uk-3x5x2, uk-5x5x5, europol-4x4 or admiralty.")] = None,
    handling: Annotated[str | None, typer.Option(help="Handling code: P, C, H0-H3 or 1-5.")] = None,
    conditions: Annotated[str | None, typer.Option(help="Handling conditions (with C or H3).")] = None,
    originator: Annotated[str | None, typer.Option(help="Force, agency or partner that supplied it.")] = None,
    originator_kind: Annotated[str | None, typer.Option(help="force, agency, partner, open-source, other.")] = None,
    compartment: Annotated[str | None, typer.Option(help="Compartment the material belongs to.")] = None,
    title: Annotated[str | None, typer.Option(help="Report title.")] = None,
    reported_at: Annotated[str | None, typer.Option(help="Report date (ISO).")] = None,
    protected_source: Annotated[bool | None, typer.Option("--protected-source/--no-protected-source", help="Derived from a protected human source.")] = None,
    country: Annotated[str | None, typer.Option(help="Country hint for national-format phone numbers, e.g. GB.")] = None,
    dataset: Annotated[str | None, typer.Option(help="Dataset name (default: from the mapping or file).")] = None,
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
    output: Annotated[OutputFormat, typer.Option("--format", help="table or json summary.")] = OutputFormat.table,
) -> None:
    """Ingest files into the workspace, each whole or not at all; re-running adds nothing."""
    options = ReportOptions(
        title=title, originator=originator, originator_kind=originator_kind, reported_at=reported_at,
        compartment=compartment, protected_source=protected_source, grading=grading,
        grading_scheme=grading_scheme, handling=handling, handling_conditions=conditions,
        country=country, dataset=dataset,
    )
    results: list[IngestResult] = []
    with user_errors():
        targets, skipped = expand(files, mapping)
        for path in skipped:
            err_console.print(f"[yellow]skipped {path}: no mapping (mappings/{path.stem}.yml)[/]")
        if not targets:
            raise InputError("nothing to ingest", file=" ".join(map(str, files)))
        with Workspace.open(workspace_path(workspace), create=True) as ws:
            session = ws.session(current_user(user), purpose or "ingest")
            with Progress(
                SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                TextColumn("{task.completed}/{task.total} files"), TimeElapsedColumn(),
                console=console, transient=True, disable=output != OutputFormat.table,
            ) as progress:
                task = progress.add_task("ingesting", total=len(targets))
                for target in targets:
                    def say(stage: str, target: Path = target) -> None:
                        progress.update(task, description=f"{target.name}: {stage}")

                    say("starting")
                    chosen = mapping or (mapping_for(target) if needs_mapping(target) else None)
                    spec = load_mapping(chosen) if chosen else None
                    results.append(ingest_file(session, target, spec, options, say))
                    progress.advance(task)
            summary = session.summary()
            erased = session.erased_skipped
    if output == OutputFormat.json:
        print(json.dumps({"files": [r.__dict__ for r in results], "workspace": {k: summary[k] for k in ("reports", "statements", "entities", "uncleaned")}, "erased_skipped": erased}, default=str))
        return
    _print_results(results)
    if erased:
        console.print(f"[yellow]{erased} statement(s) not added: their report or entity was erased "
                      "(`crosslink audit` shows when and why).[/]")
    console.print(
        f"Workspace now holds {summary['reports']} reports, {summary['statements']} statements, "
        f"{summary['entities']} entities ({summary['uncleaned']} values kept uncleaned)."
    )


def _print_results(results: list[IngestResult]) -> None:
    table = Table(title="Ingest", show_lines=False)
    for name in ("file", "rows", "reports", "entities", "statements", "new", "mentions", "uncleaned", "s"):
        table.add_column(name, justify="left" if name == "file" else "right")
    for r in results:
        if r.skipped:
            table.add_row(Path(r.file).name, "-", "-", "-", "-", "0", "-", "-", f"{r.seconds:.2f}", style="dim")
            continue
        table.add_row(
            Path(r.file).name, str(r.rows), str(r.reports), str(r.entities), str(r.statements),
            str(r.new_statements), str(r.mentions), str(r.uncleaned_total), f"{r.seconds:.2f}",
        )
    console.print(table)
    for r in results:
        if r.skipped:
            console.print(f"[dim]{r.file}: already ingested with the same mapping and options; nothing added.[/]")
        for prop, count in r.uncleaned.items():
            console.print(f"  [yellow]{Path(r.file).name}[/]: {count} {prop} value(s) kept uncleaned (list them: `crosslink entities --uncleaned`)")


def _emit(table: pa.Table, output: OutputFormat, title: str) -> None:
    rows = table.to_pylist()
    if output == OutputFormat.json:
        print(json.dumps(rows, default=str, ensure_ascii=False))
    elif output == OutputFormat.jsonl:
        for row in rows:
            print(json.dumps(row, default=str, ensure_ascii=False))
    elif output == OutputFormat.csv:
        write_csv(table, sys.stdout)
    else:
        view = Table(title=title)
        for name in table.column_names:
            view.add_column(name, overflow="fold")
        for row in rows:
            view.add_row(*["" if row[c] is None else str(row[c]) for c in table.column_names])
        console.print(view)


@app.command(rich_help_panel="1. Workspace")
def entities(
    schema: Annotated[str | None, typer.Option(help="FtM schema, e.g. Person.")] = None,
    name: Annotated[str | None, typer.Option(help="Part of a name, any case.")] = None,
    grading: Annotated[str | None, typer.Option(help="Only entities stated in reports with this grading, e.g. 1B.")] = None,
    uncleaned: Annotated[bool, typer.Option("--uncleaned", help="List the values kept uncleaned, with the reason.")] = False,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 50,
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
    output: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
) -> None:
    """List entities with their names, reports and gradings (or the values kept uncleaned)."""
    with user_errors(), Workspace.open(workspace_path(workspace)) as ws:
        session = ws.session(current_user(user), purpose)
        if uncleaned:
            table = session.uncleaned(schema=schema, limit=limit)
            title = "Values kept uncleaned"
        else:
            table = session.entities(schema=schema, name=name, grading=grading, limit=limit)
            title = "Entities"
        session.audit("consultation", "entities", schema=schema, name=name, uncleaned=uncleaned, rows=table.num_rows)
    _emit(table, output, title)


@app.command(rich_help_panel="1. Workspace")
def show(
    key: Annotated[str, typer.Argument(help="Entity id, canonical id, or a selector (phone, e-mail, IBAN, plate...).")],
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
    output: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
) -> None:
    """Every value about an entity, with the reports that state it, their grading and handling code."""
    with user_errors(), Workspace.open(workspace_path(workspace)) as ws:
        session = ws.session(current_user(user), purpose)
        table = session.statements_for(key)
        title = f"Entity {key}"
        if table.num_rows == 0:
            table = find_selector(session, key)
            title = f"Reports and entities stating {key}"
        if table.num_rows == 0:
            raise InputError(f"no entity or selector {key!r} in the workspace (or none you may see)")
    _emit(table, output, title)


@app.command(rich_help_panel="1. Workspace")
def audit(
    verify_chain: Annotated[bool, typer.Option("--verify", help="Check the hash chain.")] = False,
    limit: Annotated[int, typer.Option(help="Show the last N entries.")] = 20,
    workspace: WorkspaceOption = None,
    output: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
) -> None:
    """Show the audit log; --verify checks that no entry was altered or removed."""
    with user_errors(), Workspace.open(workspace_path(workspace)) as ws:
        if verify_chain:
            bad = verify(ws.con)
            if bad is not None:
                console.print(f"[bold red]audit log broken at entry {bad}[/]")
                raise typer.Exit(1)
            console.print("audit log intact")
            return
        table = ws.con.sql(
            "SELECT seq, logged_at, username, action, purpose, object, detail FROM audit_log "
            "ORDER BY seq DESC LIMIT ?", params=[limit]
        ).to_arrow_table()
    _emit(table, output, "Audit log")


@app.command(rich_help_panel="1. Workspace")
def erase(
    report: Annotated[list[str] | None, typer.Option("--report", help="Report id to erase (repeatable).")] = None,
    entity: Annotated[list[str] | None, typer.Option("--entity", help="Entity id to erase (repeatable).")] = None,
    reason: Annotated[str, typer.Option(help="The review decision or order this carries out.")] = "",
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
    output: Annotated[OutputFormat, typer.Option("--format", help="table or json summary.")] = OutputFormat.table,
) -> None:
    """Erase reports or entities for good (MoPI disposal); ingest cannot bring them back."""
    with user_errors():
        if bool(report) == bool(entity):
            raise InputError("give --report or --entity (one kind per call)")
        kind: Literal["report", "entity"] = "report" if report else "entity"
        with Workspace.open(workspace_path(workspace)) as ws:
            session = ws.session(current_user(user), purpose or "erasure")
            result = erase_data(session, kind, list(report or entity or []), reason)
    if output == OutputFormat.json:
        print(json.dumps(result.__dict__, default=str))
        return
    console.print(
        f"Erased {len(result.ids)} {kind}(s): {result.statements} statements"
        + (f", {result.reports} report(s) with their text" if kind == "report" else "")
        + f"; {result.entities_gone} entities left with no statement"
        + (f", {result.judgements} judgement(s) about them" if result.judgements else "")
        + ". Run `crosslink resolve` to re-resolve without them."
        + ("" if kind == "report" else " Report texts that name them are kept: erase the reports too if they must go."),
        highlight=False,
    )
