"""Network commands: ``crosslink network analyse`` and ``crosslink network disrupt``.

Thin: build the network (from a workspace or any edge-list CSV), call one function of
:mod:`crosslink.network`, write the report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from crosslink.cli.app import app
from crosslink.cli.common import (
    PurposeOption,
    UserOption,
    WorkspaceOption,
    console,
    current_user,
    user_errors,
    workspace_path,
)
from crosslink.errors import InputError
from crosslink.network import (
    LINK_SCHEMATA,
    Network,
    NetworkFilter,
    analyse,
    disrupt,
    from_adjacency_csv,
    from_edge_csv,
    from_workspace,
    parse_grading,
    write_html,
    write_json,
)
from crosslink.network.targets import parse_targets
from crosslink.store.session import Session

network_app = typer.Typer(
    name="network",
    help="Analyse networks: groups, roles, key players, evidenced paths.",
    no_args_is_help=True,
)
app.add_typer(network_app, name="network", rich_help_panel="4. Network analysis")

InputArg = Annotated[
    Path | None,
    typer.Argument(
        help="A workspace (default: --workspace / $CROSSLINK_WORKSPACE) or an edge-list CSV.",
        show_default=False,
    ),
]
SourceOpt = Annotated[str, typer.Option("--source", help="CSV column holding the source id.")]
TargetOpt = Annotated[str, typer.Option("--target", help="CSV column holding the target id.")]
WeightOpt = Annotated[str | None, typer.Option("--weight", help="CSV column with tie weights.")]
MatrixOpt = Annotated[
    bool, typer.Option("--matrix", help="The CSV is an adjacency matrix (UCINET style).")
]
ProtectedOpt = Annotated[
    Path | None,
    typer.Option(
        "--protected-ids",
        help="CSV inputs: a text file of node ids (one a line) who are migrants, victims "
        "or witnesses and must never be targets.",
    ),
]
MinGradingOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--min-grading",
        help="Keep only reports graded at least this well, within its scheme (e.g. 2B, B2, "
        "europol-4x4:B2). Repeatable, one per scheme.",
    ),
]
HandlingOpt = Annotated[
    list[str] | None, typer.Option("--handling", help="Keep only these handling codes. Repeatable.")
]
CompartmentOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--compartment", help="Compartments you may see (others are left out). Repeatable."
    ),
]
SinceOpt = Annotated[str | None, typer.Option("--since", help="Links dated on/after (ISO).")]
UntilOpt = Annotated[str | None, typer.Option("--until", help="Links dated before (ISO).")]
LinkTypeOpt = Annotated[
    list[str] | None,
    typer.Option("--link-type", help=f"Link types to use: {', '.join(LINK_SCHEMATA)}. Repeatable."),
]
TargetsOpt = Annotated[
    str,
    typer.Option(
        "--targets",
        help="Who a plan or ranking may name: person (default) or person,organisation. "
        "Documents, notes, reports and selectors are never targets.",
    ),
]
IncludeProtectedOpt = Annotated[
    bool,
    typer.Option(
        "--include-protected",
        help="Also consider migrants, victims and witnesses as targets (off by default).",
    ),
]


def _filter(
    min_grading: list[str] | None,
    handling: list[str] | None,
    compartment: list[str] | None,
    since: str | None,
    until: str | None,
    link_type: list[str] | None,
) -> NetworkFilter:
    grades = []
    for g in min_grading or []:
        scheme, _, written = g.rpartition(":")
        grades.append(parse_grading(written, scheme or None))
    return NetworkFilter(
        min_gradings=tuple(grades),
        handling_codes=tuple(h.upper() for h in handling or []),
        since=since,
        until=until,
        compartments=tuple(compartment) if compartment else None,
        link_types=tuple(link_type) if link_type else LINK_SCHEMATA,
    )


@contextmanager
def _load(
    path: Path | None,
    workspace: Path | None,
    *,
    source: str | None,
    target: str | None,
    weight: str | None,
    matrix: bool,
    protected_ids: Path | None,
    flt: NetworkFilter,
    user: str | None,
    purpose: str | None,
) -> Iterator[tuple[Network, Session | None]]:
    """The network, and the session it was read through (None for a CSV input); the
    workspace stays open while the caller works, so a report can read its evidence."""
    protected: set[str] | None = None
    if protected_ids is not None:
        if not protected_ids.is_file():
            raise InputError("file not found", file=str(protected_ids))
        protected = {
            line.strip() for line in protected_ids.read_text(encoding="utf-8").splitlines()
        } - {""}
    if path is not None and path.suffix.lower() in (".csv", ".tsv", ".txt"):
        if matrix:
            yield from_adjacency_csv(path, protected=protected), None
            return
        if not source or not target:
            raise InputError(
                "an edge list needs --source COL and --target COL (or --matrix)", file=str(path)
            )
        delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
        yield from_edge_csv(path, source, target, weight, delimiter=delimiter, protected=protected), None
        return
    from crosslink.store import Clearance, Workspace

    ws_path = path if path is not None else workspace_path(workspace)
    with Workspace.open(ws_path) as ws:
        clearance = Clearance(
            compartments=frozenset(flt.compartments) if flt.compartments is not None else None
        )
        session = ws.session(current_user(user), purpose, clearance=clearance)
        session.audit("consultation", "network", filters=flt.describe())
        yield from_workspace(session.con, flt), session


def _write_html(report: dict[str, Any], html: Path, net: Network, session: Session | None,
                ws_name: str) -> None:
    """The analyst's full report for a workspace; a summary page for an edge list."""
    if session is None:
        write_html(report, html)
        return
    from datetime import UTC, datetime

    from crosslink import __version__
    from crosslink.report import build_report_data, render_report, workspace_overview

    data = build_report_data(session, net, report,
                             title=f"Network analysis: {ws_name}",
                             subtitle=f"crosslink · {session.user}")
    data["overview"] = workspace_overview(session, report)
    data["version"] = __version__
    data["generated_at"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    html.write_text(render_report(data), encoding="utf-8")
    session.audit("disclosure", str(html), recipient="network report (local file)")


def _node_id(net: Network, session: Session | None, text: str) -> str:
    """An --arrest id: a node id, or a unique prefix of an entity id (workspace input)."""
    if session is not None:
        from crosslink.store.ids import canonical_of, find_id

        found = find_id(session, text)
        if found is not None:
            return canonical_of(session, found)
    return text


def _progress() -> tuple[Progress, Callable[[str], None]]:
    bar = Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console
    )
    task = bar.add_task("building the network", total=None)
    return bar, lambda msg: bar.update(task, description=msg)


@network_app.command("analyse")
def analyse_cmd(
    out: Annotated[Path, typer.Option("--out", "-o", help="Report file (JSON).")],
    path: InputArg = None,
    source: SourceOpt = "",
    target: TargetOpt = "",
    weight: WeightOpt = None,
    matrix: MatrixOpt = False,
    html: Annotated[Path | None, typer.Option("--html", help="Also write an HTML summary.")] = None,
    k: Annotated[int, typer.Option("--k", help="Key players to choose.")] = 5,
    pivots: Annotated[int, typer.Option(help="Betweenness pivots (exact on small graphs).")] = 256,
    seeds: Annotated[int | None, typer.Option(help="Leiden runs for stability.")] = None,
    resolution: Annotated[
        float, typer.Option(help="Leiden resolution (higher = smaller groups).")
    ] = 1.0,
    top_n: Annotated[int, typer.Option("--top", help="Entries per ranking.")] = 50,
    min_grading: MinGradingOpt = None,
    handling: HandlingOpt = None,
    compartment: CompartmentOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    link_type: LinkTypeOpt = None,
    include_protected: IncludeProtectedOpt = False,
    targets: TargetsOpt = "person",
    protected_ids: ProtectedOpt = None,
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
) -> None:
    """Groups, centralities, brokers and key players of a workspace or an edge-list CSV."""
    with user_errors():
        kinds = parse_targets(targets)
        flt = _filter(min_grading, handling, compartment, since, until, link_type)
        bar, say = _progress()
        with bar, _load(
            path,
            workspace,
            source=source,
            target=target,
            weight=weight,
            matrix=matrix,
            protected_ids=protected_ids,
            flt=flt,
            user=user,
            purpose=purpose,
        ) as (net, session):
            report = analyse(
                net,
                k=k,
                pivots=pivots,
                seeds=seeds,
                resolution=resolution,
                top_n=top_n,
                include_protected=include_protected,
                targets=kinds,
                progress=say,
            )
            say("writing the report")
            write_json(report, out)
            if html is not None:
                _write_html(report, html, net, session, (path or workspace_path(workspace)).name)
    s = report["summary"]
    kp = report["key_players"]
    players = (
        f"key players ({', '.join(c['label'] for c in kp['chosen'])}) fragment "
        f"{kp['fragmentation_before']:.3f} -> {kp['fragmentation_after']:.3f}."
        if kp["chosen"] else "no one to target."
    )
    console.print(
        f"{s['nodes']:,} nodes, {s['edges']:,} edges, {s['components']:,} components, "
        f"{s['communities']:,} communities (stability NMI {s['stability_nmi']:.2f}); {players}",
        highlight=False,
    )
    console.print(report["policy"]["note"], style="dim", highlight=False)
    console.print(f"Report: [bold]{out}[/]" + (f", HTML: [bold]{html}[/]" if html else ""))


@network_app.command("disrupt")
def disrupt_cmd(
    out: Annotated[Path, typer.Option("--out", "-o", help="Plan file (JSON).")],
    path: InputArg = None,
    k: Annotated[int, typer.Option("--k", help="How many people to remove.")] = 5,
    source: SourceOpt = "",
    target: TargetOpt = "",
    weight: WeightOpt = None,
    matrix: MatrixOpt = False,
    arrest: Annotated[
        list[str] | None,
        typer.Option("--arrest", help="What if: simulate removing this node id. Repeatable."),
    ] = None,
    time_budget: Annotated[float, typer.Option(help="Seconds for the local search.")] = 60.0,
    html: Annotated[Path | None, typer.Option("--html", help="Also write an HTML summary.")] = None,
    min_grading: MinGradingOpt = None,
    handling: HandlingOpt = None,
    compartment: CompartmentOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    link_type: LinkTypeOpt = None,
    include_protected: IncludeProtectedOpt = False,
    targets: TargetsOpt = "person",
    protected_ids: ProtectedOpt = None,
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
) -> None:
    """Choose k people whose removal fragments the network most, in arrest order."""
    with user_errors():
        kinds = parse_targets(targets)
        if k < 0:
            raise InputError("--k must be at least 0")
        flt = _filter(min_grading, handling, compartment, since, until, link_type)
        bar, say = _progress()
        with bar, _load(
            path,
            workspace,
            source=source,
            target=target,
            weight=weight,
            matrix=matrix,
            protected_ids=protected_ids,
            flt=flt,
            user=user,
            purpose=purpose,
        ) as (net, session):
            arrest = [_node_id(net, session, a) for a in arrest or []]
            say("searching for key players")
            plan = disrupt(
                net,
                k,
                include_protected=include_protected,
                targets=kinds,
                time_budget=time_budget,
                arrests=arrest,
            )
            write_json(plan, out)
            if html is not None:
                write_html(plan, html)
    if "plan" in plan and not plan["plan"]["chosen"]:
        console.print(f"No one to target. {plan['policy']['note']}")
    elif "plan" in plan:
        p = plan["plan"]
        console.print(
            "Arrest order: " + ", ".join(c["label"] for c in p["chosen"]) + "\n"
            f"fragmentation {p['fragmentation_before']:.3f} -> {p['fragmentation_after']:.3f}; "
            f"largest component {p['largest_component_before']} -> {p['largest_component_after']}"
        )
    if "what_if" in plan:
        w = plan["what_if"]
        console.print(
            f"What if: fragmentation {w['fragmentation_before']:.3f} -> "
            f"{w['fragmentation_after']:.3f}; largest component {w['largest_before']} -> "
            f"{w['largest_after']}"
        )
    console.print(plan["policy"]["note"], style="dim", highlight=False)
    console.print(f"Plan: [bold]{out}[/]")


@network_app.command("colocate")
def colocate_cmd(
    out: Annotated[Path, typer.Option("--out", "-o", help="Pairs file (.csv or .json).")],
    window: Annotated[int, typer.Option(help="Minutes within which two sightings count as together.")] = 15,
    min_times: Annotated[int, typer.Option(help="Occasions a pair must be seen together.")] = 2,
    excel_safe: Annotated[bool, typer.Option(
        "--excel-safe/--no-excel-safe",
        help="Guard cells a spreadsheet would run as formulas (on: the CSV is for people).",
    )] = True,
    min_grading: MinGradingOpt = None,
    handling: HandlingOpt = None,
    compartment: CompartmentOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
) -> None:
    """Pairs repeatedly at the same place at the same time (cell sites, ANPR cameras)."""
    import json
    from datetime import timedelta

    import pyarrow as pa

    from crosslink.model.safe import write_csv
    from crosslink.network import colocations, observations_from_workspace
    from crosslink.store import Workspace
    from crosslink.store.captions import captions

    with user_errors(), Workspace.open(workspace_path(workspace)) as ws:
        session = ws.session(current_user(user), purpose or "co-location analysis")
        flt = _filter(min_grading, handling, compartment, since, until, None)
        observations = observations_from_workspace(session.con, flt)
        pairs = colocations(observations, window=timedelta(minutes=window), min_times=min_times)
        names = captions(session.con, pairs.column("a").to_pylist() + pairs.column("b").to_pylist())
        for side in ("b", "a"):  # a_label beside a, b_label beside b
            labels = pa.array([names.get(x, x) for x in pairs.column(side).to_pylist()], pa.string())
            pairs = pairs.add_column(pairs.column_names.index(side) + 1, f"{side}_label", labels)
        session.audit("consultation", "co-location", sightings=observations.num_rows, pairs=pairs.num_rows)
    rows = pairs.to_pylist()
    if out.suffix.lower() == ".json":
        out.write_text(json.dumps(rows, default=str, ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        with out.open("w", newline="", encoding="utf-8") as handle:
            write_csv(pairs, handle, excel_safe=excel_safe)
    console.print(f"{observations.num_rows:,} sightings, {len(rows):,} pairs seen together "
                  f"at least {min_times} times within {window} minutes: {out}")


@network_app.command("change")
def change_cmd(
    out: Annotated[Path, typer.Option("--out", "-o", help="Comparison file (JSON).")],
    split: Annotated[str, typer.Option(help="ISO date between the two windows.")],
    since: SinceOpt = None,
    until: UntilOpt = None,
    min_grading: MinGradingOpt = None,
    compartment: CompartmentOpt = None,
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
) -> None:
    """What changed in the network between [since, split) and [split, until)."""
    import json

    from crosslink.network import compare, from_workspace
    from crosslink.store import Workspace

    with user_errors(), Workspace.open(workspace_path(workspace)) as ws:
        session = ws.session(current_user(user), purpose or "network change analysis")
        before = from_workspace(session.con, _filter(min_grading, None, compartment, since, split, None))
        after = from_workspace(session.con, _filter(min_grading, None, compartment, split, until, None))
        result = compare(before, after)
        session.audit("consultation", "network change", split=split)
    out.write_text(json.dumps(result, default=str, ensure_ascii=False, indent=1), encoding="utf-8")
    console.print(
        f"before {split}: {result['nodes_before']:,} nodes, {result['edges_before']:,} links; "
        f"after: {result['nodes_after']:,} nodes, {result['edges_after']:,} links: {out}"
    )
