"""Workspace commands: init, ingest, entities, show, audit."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Literal

import pyarrow as pa
import typer
from rich import box
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
from crosslink.store.captions import captions
from crosslink.store.erasure import erase as erase_data
from crosslink.store.ids import find_id, resolve_id, resolve_report, short_id
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
    table = Table(title="Ingest", title_justify="left", box=box.SIMPLE, pad_edge=False)
    for name in ("file", "rows", "reports", "entities", "stmts (new)", "mentions", "uncleaned"):
        if name == "file":
            table.add_column(name, overflow="fold", min_width=14)
        else:
            table.add_column(name, justify="right", no_wrap=True)
    for r in results:
        if r.skipped:
            table.add_row(Path(r.file).name, "-", "-", "-", "- (0)", "-", "-", style="dim")
            continue
        table.add_row(
            Path(r.file).name, f"{r.rows:,}", f"{r.reports:,}", f"{r.entities:,}",
            f"{r.statements:,} ({r.new_statements:,})", f"{r.mentions:,}", f"{r.uncleaned_total:,}",
        )
    console.print(table)
    console.print(f"[dim]{len(results)} file(s) in {sum(r.seconds for r in results):.1f} s; "
                  "stmts: statements stated (new: not already in the workspace); mentions: "
                  "found in free text.[/]", highlight=False)
    for r in results:
        if r.skipped:
            console.print(f"[dim]{r.file}: already ingested with the same mapping and options; nothing added.[/]")
        for prop, count in r.uncleaned.items():
            console.print(f"  [yellow]{Path(r.file).name}[/]: {count} {prop} value(s) kept uncleaned "
                          "(`crosslink entities --uncleaned`)", highlight=False)
        for c in r.collisions:
            rows = "; ".join(" and ".join(str(n) for n in ex[:4]) for ex in c["examples"])  # type: ignore[attr-defined]
            console.print(
                f"  [bold yellow]{Path(r.file).name}[/]: {c['colliding_keys']} {c['schema']} key(s) "
                f"[{', '.join(c['keys'])}] shared by rows with different values (rows {rows}): "  # type: ignore[arg-type]
                "each became ONE entity. If every row is its own record, key it by row: "
                f"`keys: [_row]` under `{c['entity']}` in the mapping (docs/mappings.md).",
                highlight=False,
            )


ExcelSafeOption = Annotated[bool, typer.Option(
    "--excel-safe", help="With --format csv: guard cells a spreadsheet would run as formulas "
    "(for a file you will open in Excel or LibreOffice; off for CSV read by other tools).",
)]


def _emit(table: pa.Table, output: OutputFormat, title: str, *, excel_safe: bool = False) -> None:
    rows = table.to_pylist()
    if output == OutputFormat.json:
        print(json.dumps(rows, default=str, ensure_ascii=False))
    elif output == OutputFormat.jsonl:
        for row in rows:
            print(json.dumps(row, default=str, ensure_ascii=False))
    elif output == OutputFormat.csv:
        # CSV on stdout is for other tools unless --excel-safe: written as stored
        # (phones E.164, no spreadsheet guard); lists joined with "; ".
        write_csv(table, sys.stdout, excel_safe=excel_safe)
    else:
        # For people: short ids (any unique prefix is accepted back), long text folded.
        view = Table(title=title, title_justify="left", box=box.SIMPLE, pad_edge=False)
        for name in table.column_names:
            view.add_column(name, overflow="fold", no_wrap=name.endswith("id"))
        for row in rows:
            view.add_row(*[
                "" if row[c] is None else short_id(str(row[c])) if c.endswith("id") else str(row[c])
                for c in table.column_names
            ])
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
    excel_safe: ExcelSafeOption = False,
) -> None:
    """List entities with their names, reports and gradings (or the values kept uncleaned)."""
    with user_errors(), Workspace.open(workspace_path(workspace)) as ws:
        session = ws.session(current_user(user), purpose)
        if uncleaned:
            table = session.uncleaned(schema=schema, limit=limit)
            title = "Values kept uncleaned"
            if output == OutputFormat.table:
                session.audit("consultation", "entities", uncleaned=True, rows=table.num_rows)
                _show_uncleaned(table)
                return
        else:
            table = session.entities(schema=schema, name=name, grading=grading, limit=limit)
            title = "Entities"
        session.audit("consultation", "entities", schema=schema, name=name, uncleaned=uncleaned, rows=table.num_rows)
    _emit(table, output, title, excel_safe=excel_safe)


@app.command(rich_help_panel="1. Workspace")
def show(
    key: Annotated[str, typer.Argument(help="Entity id, canonical id, or a selector (phone, e-mail, IBAN, plate...).")],
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
    output: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
    excel_safe: ExcelSafeOption = False,
) -> None:
    """Every value about an entity, with the reports that state it, their grading and handling code."""
    with user_errors(), Workspace.open(workspace_path(workspace)) as ws:
        session = ws.session(current_user(user), purpose)
        entity_id = find_id(session, key)
        table = session.statements_for(entity_id) if entity_id else pa.table({})
        selector = table.num_rows == 0
        if selector:
            table = find_selector(session, key)
        if table.num_rows == 0:
            raise InputError(f"no entity or selector {key!r} in the workspace (or none you may see)")
        names = captions(session.con, sorted(set(table.column("entity_id").to_pylist())))
    if output != OutputFormat.table:
        _emit(table.append_column("caption", pa.array(
            [names.get(e) for e in table.column("entity_id").to_pylist()], pa.string())), output, "",
            excel_safe=excel_safe)
    elif selector:
        _show_selector(table, names, key)
    else:
        _show_entity(table, names, entity_id or key)


def _show_uncleaned(table: pa.Table) -> None:
    """Each value kept as written, why, and where it came from: fits 80 columns."""
    view = Table(title="Values kept uncleaned", title_justify="left", box=box.SIMPLE, pad_edge=False)
    view.add_column("entity", no_wrap=True)
    view.add_column("value", overflow="fold", ratio=1)
    view.add_column("why", overflow="fold", ratio=2)
    view.add_column("from", overflow="fold", ratio=1)
    for r in table.to_pylist():
        where = f"{short_id(str(r['entity_id']))}\n[dim]{r['schema']}.{r['prop']}[/]"
        source = f"{r.get('report_title') or ''}\n[dim]{Path(str(r['source_file'])).name if r.get('source_file') else ''}[/]"
        view.add_row(where, str(r["value"]), str(r["reason"]), source)
    console.print(view)
    if not table.num_rows:
        console.print("No values kept uncleaned.")


def _source(row: dict[str, object]) -> str:
    """One citation on one line: report, originator, grading (scheme), handling code."""
    grading = f"{row.get('grading') or '?'}"
    handling = str(row.get("handling_code") or "?")
    if row.get("handling_conditions"):
        handling += f" ({row['handling_conditions']})"
    parts = [str(row.get("report_title") or row.get("report_id")), str(row.get("originator") or "?"),
             grading, handling]
    return " · ".join(parts)


def _show_entity(table: pa.Table, names: dict[str, str], entity_id: str) -> None:
    """Every value once, with every report that states it: fits an 80-column terminal."""
    rows = table.to_pylist()
    members = sorted({str(r["entity_id"]) for r in rows})
    reports = {r["report_id"] for r in rows}
    schema = rows[0]["schema"]
    console.print(
        f"[bold]{names.get(entity_id) or names.get(members[0], entity_id)}[/]  {schema}  "
        f"{short_id(entity_id)}  ({len(members)} record{'s' if len(members) != 1 else ''}, "
        f"{len(reports)} report{'s' if len(reports) != 1 else ''})",
        highlight=False,
    )
    view = Table(box=box.SIMPLE, show_header=True, pad_edge=False)
    view.add_column("property", no_wrap=True, style="dim")
    view.add_column("value", overflow="fold", ratio=2)
    view.add_column("sources: report · originator · grading · handling", overflow="fold", ratio=3)
    grouped: dict[tuple[str, str], list[dict[str, object]]] = {}
    for r in rows:
        grouped.setdefault((str(r["prop"]), str(r["value"])), []).append(r)
    for (prop, value), items in grouped.items():
        shown = value + (f"  [yellow](kept uncleaned: {items[0]['reason']})[/]" if items[0].get("reason") else "")
        view.add_row(prop, shown, "\n".join(dict.fromkeys(_source(i) for i in items)))
    console.print(view)


def _show_selector(table: pa.Table, names: dict[str, str], key: str) -> None:
    rows = table.to_pylist()
    console.print(f"[bold]{key}[/]: stated {len(rows)} time(s)", highlight=False)
    view = Table(box=box.SIMPLE, pad_edge=False)
    view.add_column("who / what", overflow="fold", ratio=2)
    view.add_column("as", no_wrap=True, style="dim")
    view.add_column("report · originator · grading · handling", overflow="fold", ratio=3)
    for r in rows:
        who = f"{names.get(str(r['entity_id']), '?')} ({r['schema']} {short_id(str(r['entity_id']))})"
        view.add_row(who, f"{r['prop']} {r['value']}", _source(r))
    console.print(view)


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
    report: Annotated[list[str] | None, typer.Option("--report", help="Report to erase: id, id prefix or title (repeatable).")] = None,
    entity: Annotated[list[str] | None, typer.Option("--entity", help="Entity to erase: id or unique prefix (repeatable).")] = None,
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
            targets = ([resolve_report(session, r) for r in report or []] if kind == "report"
                       else [resolve_id(session, e) for e in entity or []])
            result = erase_data(session, kind, targets, reason)
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
