"""Workspace resolution commands: ``resolve``, ``review``, ``judge``, ``explain``.

Thin: open the workspace, call one function of :mod:`crosslink.resolve.workspace`,
print the result (a Rich table for people, JSON for scripts).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich import box
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
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
from crosslink.errors import InputError
from crosslink.resolve.judgements import (
    apply_judgement,
    explain_pair,
    review_clusters,
    review_pairs,
)
from crosslink.resolve.scoring import training_note
from crosslink.resolve.workspace import ENGINES, SCHEMAS, resolve_all
from crosslink.store import Workspace
from crosslink.store.ids import resolve_id, short_id

FormatOption = Annotated[
    OutputFormat, typer.Option("--format", help="table (for people) or json (for scripts).")
]


def _json(value: Any) -> None:
    print(json.dumps(value, default=str, ensure_ascii=False))


def _describe(record: dict[str, Any]) -> str:
    if "full_name" not in record:  # a vehicle, account, vessel, organisation
        return " · ".join(f"{k} {v}" for k, v in record.items() if v is not None) or "(nothing)"
    parts = [str(record.get("full_name") or "(no name)")]
    parts += [str(record[k]) for k in ("dob", "nationality", "phone", "passport_number")
              if record.get(k)]
    return " · ".join(parts)


def _schema_name(name: str | None) -> str | None:
    """``--schema`` as the model's schema name, case-insensitively."""
    if name is None:
        return None
    found = {s.lower(): s for s in SCHEMAS}.get(name.lower())
    if found is None:
        raise InputError(f"--schema must be one of {', '.join(SCHEMAS)}, not {name!r}")
    return found


def _comparisons(rows: list[dict[str, Any]], title: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("comparison")
    table.add_column("level")
    table.add_column("weight", justify="right")
    for row in rows:
        weight = row["weight"]
        style = "green" if weight > 0.05 else "red" if weight < -0.05 else "dim"
        table.add_row(row["comparison"], row["level"], f"[{style}]{weight:+.2f}[/]")
    return table


@app.command(rich_help_panel="3. Resolution")
def resolve(
    engine: Annotated[
        str, typer.Option("--engine", help=f"Where Splink runs: {' or '.join(ENGINES)}.")
    ] = "duckdb",
    full: Annotated[
        bool, typer.Option("--full", help="Retrain and rescore everything (default: incremental "
                           "when a trained model exists, the model file is unchanged and at "
                           "most half the records are new).")
    ] = False,
    schema: Annotated[
        str | None, typer.Option("--schema", help="Resolve only this schema "
                                 f"({', '.join(SCHEMAS)}); default: every one present.")
    ] = None,
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Resolve the workspace's people, vehicles, accounts, vessels and organisations
    into stable canonical entities (Person first)."""
    with user_errors():
        if engine not in ENGINES:
            raise InputError(f"--engine must be one of {', '.join(ENGINES)}, not {engine!r}")
        only = _schema_name(schema)
        with Workspace.open(workspace_path(workspace)) as ws:
            session = ws.session(current_user(user), purpose or "entity resolution")
            with Progress(
                SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                console=console, transient=True, disable=output != OutputFormat.table,
            ) as progress:
                task = progress.add_task("starting", total=None)
                results = resolve_all(
                    session, schemas=[only] if only else None, engine=engine, full=full,
                    progress=lambda message: progress.update(task, description=message),
                )
    if output != OutputFormat.table:
        _json({"schemas": results})
        return
    if not results:
        console.print("Nothing to resolve: no people, vehicles, accounts, vessels or "
                      "organisations in this workspace.")
        return
    table = Table(title="Resolution", title_justify="left", box=box.SIMPLE)
    table.add_column("schema", no_wrap=True, min_width=12)
    for column in ("records", "after", "merged", "run", "scored", "ids", "review"):
        table.add_column(column, justify="left" if column == "run" else "right", no_wrap=True)
    for name, result in results.items():
        table.add_row(
            name, f"{result['records']:,}", f"{result['clusters']:,}",
            f"{result['merged_records']:,}", result["mode"], f"{result['new_records']:,}",
            f"{result['kept_ids']:,}/{result['new_ids']:,}", f"{result['review']:,}",
        )
    console.print(table)
    held = results.get("Person", {}).get("ambiguous", 0)
    console.print(
        f"[dim]{sum(r['seconds'] for r in results.values()):.1f} s. after: entities after "
        "resolution; merged: records merged into another; scored: records scored this run; "
        "ids: canonical ids kept/new; "
        "skipped: nothing the model can compare. Review: `crosslink review --schema NAME`"
        + (f"; {held:,} name-only person records held back as ambiguous" if held else "")
        + ".[/]",
        highlight=False,
    )


@app.command(rich_help_panel="3. Resolution")
def review(
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many pairs.")] = 20,
    schema: Annotated[
        str, typer.Option("--schema", help=f"Whose pairs: {', '.join(SCHEMAS)}.")
    ] = "Person",
    clusters: Annotated[
        bool, typer.Option("--clusters", help="The least certain merged clusters instead of pairs.")
    ] = False,
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """The uncertain pairs, least certain first, with why the model scored them so."""
    with user_errors(), Workspace.open(workspace_path(workspace)) as ws:
        session = ws.session(current_user(user), purpose or "resolution review")
        name = _schema_name(schema) or "Person"
        note = training_note(session.con, name)
        if clusters:
            found = review_clusters(session, limit=limit, schema=name)
        else:
            pairs = review_pairs(session, limit=limit, schema=name)
    if output == OutputFormat.table and note:
        console.print(f"[yellow]Note:[/] {note}.", highlight=False)
    if clusters:
        _print_clusters(found, output)
    else:
        _print_pairs(pairs, output)


def _print_pairs(pairs: list[dict[str, Any]], output: OutputFormat) -> None:
    if output != OutputFormat.table:
        _json(pairs)
        return
    if not pairs:
        console.print("Nothing to review (run `crosslink resolve` first if you have not).")
        return
    for number, pair in enumerate(pairs, start=1):
        state = "merged" if pair["merged"] else "apart"
        console.print(
            f"[bold]{number}. p={pair['match_probability']:.3f}[/] (weight "
            f"{pair['match_weight']:+.2f}, currently {state})\n"
            f"   A {short_id(pair['a'])}  {_describe(pair['left'])}\n"
            f"   B {short_id(pair['b'])}  {_describe(pair['right'])}",
            highlight=False,
        )
        shown = [c for c in pair["comparisons"] if abs(c["weight"]) > 0.05]
        console.print(_comparisons(shown, "   evidence"))
    console.print(
        "[dim]Decide with `crosslink judge A B --same|--different|--unsure --reason TEXT`.[/]"
    )


def _print_clusters(found: list[dict[str, Any]], output: OutputFormat) -> None:
    if output != OutputFormat.table:
        _json(found)
        return
    if not found:
        console.print("No merged clusters (run `crosslink resolve` first if you have not).")
        return
    for number, cluster in enumerate(found, start=1):
        console.print(
            f"[bold]{number}. {short_id(cluster['canonical_id'])}[/]  confidence "
            f"{cluster['confidence']:.3f}, {cluster['size']} records",
            highlight=False,
        )
        for member in cluster["members"]:
            record = {k: v for k, v in member.items() if k != "id"}
            console.print(f"   {short_id(member['id'])}  {_describe(record)}", highlight=False)
        if cluster["size"] > len(cluster["members"]):
            console.print(f"   [dim]... {cluster['size'] - len(cluster['members'])} more[/]")
    console.print(
        "[dim]Why a record is there: `crosslink explain RECORD CLUSTER`; take it out: "
        "`crosslink judge RECORD OTHER --different --reason TEXT` (OTHER: another record of the "
        "cluster).[/]"
    )


@app.command(rich_help_panel="3. Resolution")
def judge(
    a: Annotated[str, typer.Argument(help="Entity or canonical id, or a unique prefix of one.")],
    b: Annotated[str, typer.Argument(help="Entity or canonical id, or a unique prefix of one.")],
    same: Annotated[bool, typer.Option("--same", help="They are the same (forces a merge).")] = False,
    different: Annotated[
        bool, typer.Option("--different", help="They are different (blocks or undoes a merge).")
    ] = False,
    unsure: Annotated[bool, typer.Option("--unsure", help="Cannot tell (off the queue).")] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="Why (kept with the judgement).")] = None,
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Record that A and B are (not) the same; applied at once and on every re-run."""
    chosen = [name for name, flag in (("same", same), ("different", different), ("unsure", unsure))
              if flag]
    if len(chosen) != 1:
        raise typer.BadParameter("give exactly one of --same, --different, --unsure")
    with user_errors(), Workspace.open(workspace_path(workspace)) as ws:
        session = ws.session(current_user(user), purpose or "resolution review")
        result = apply_judgement(session, resolve_id(session, a), resolve_id(session, b),
                                 chosen[0], reason)
    if output != OutputFormat.table:
        _json(result)
        return
    console.print(
        f"Recorded [bold]{result['decision']}[/] for {short_id(result['a'])} / "
        f"{short_id(result['b'])} "
        f"(judgement {result['id'][:12]}"
        + (f", supersedes {result['supersedes'][:12]}" if result["supersedes"] else "") + ").",
        highlight=False,
    )
    if "canonical" in result:
        ids = result["canonical"]
        together = ids[result["a"]] == ids[result["b"]]
        console.print(
            f"Now {'in one cluster' if together else 'in separate clusters'}: "
            f"{short_id(ids[result['a']])} / {short_id(ids[result['b']])} "
            f"({result['recluster']['changed']} records changed cluster).",
            highlight=False,
        )


@app.command(rich_help_panel="3. Resolution")
def explain(
    a: Annotated[str, typer.Argument(help="Entity or canonical id, or a unique prefix of one.")],
    b: Annotated[str, typer.Argument(help="Entity or canonical id, or a unique prefix of one.")],
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Each comparison's match weight for A and B under the trained model."""
    with user_errors(), Workspace.open(workspace_path(workspace)) as ws:
        session = ws.session(current_user(user), purpose or "resolution review")
        result = explain_pair(session, resolve_id(session, a), resolve_id(session, b))
    if output != OutputFormat.table:
        _json(result)
        return
    left, right = result["pair"]
    console.print(
        f"A {short_id(left)}  {_describe(result['left'])}\n"
        f"B {short_id(right)}  {_describe(result['right'])}",
        highlight=False,
    )
    console.print(_comparisons(
        [{"comparison": "prior", "level": "two random records match",
          "weight": result["prior_weight"]}, *result["comparisons"]],
        "evidence (bits; positive = same "
        + ("person" if result.get("schema", "Person") == "Person" else "thing") + ")",
    ))
    canonical = result["canonical"]
    console.print(
        f"match weight {result['match_weight']:+.2f} → probability "
        f"{result['match_probability']:.4f}; "
        f"{'same cluster' if canonical[left] == canonical[right] else 'different clusters'}"
        + (f" (best of {result['pairs_scored']} member pairs)" if result["pairs_scored"] > 1 else ""),
        highlight=False,
    )
    profile = result.get("profile")
    if profile:
        console.print(
            f"\nA against B's cluster as a whole ({profile['members']} other records; each "
            f"field the value they give most often):\n  {_describe(profile['values'])}",
            highlight=False,
        )
        console.print(_comparisons(
            [{"comparison": "prior", "level": "two random records match",
              "weight": result["prior_weight"]}, *profile["comparisons"]],
            "evidence against the cluster (bits)",
        ))
        console.print(
            f"match weight {profile['match_weight']:+.2f} → probability "
            f"{profile['match_probability']:.4f} (a record left alone joins a cluster whose "
            "profile alone matches it at the model's attach threshold)",
            highlight=False,
        )
