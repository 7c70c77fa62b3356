"""Prosecution case files: ``crosslink case new|add|show|list|export|decide``.

Thin: parse the options, call one function of :mod:`crosslink.cases` through a
workspace session, print.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

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

case_app = typer.Typer(
    name="case",
    help="Case files for charging decisions: suspects, evidence, MG5 summary, MG6C/MG6D schedules.",
    no_args_is_help=True,
)
app.add_typer(case_app, name="case", rich_help_panel="4. Network analysis")

CaseArg = Annotated[str, typer.Argument(help="The case name, e.g. KESTREL-1.")]


def _purpose(purpose: str | None, case: str) -> str:
    return purpose or f"case file {case}"


@case_app.command("new")
def new_cmd(
    name: CaseArg,
    offence: Annotated[list[str], typer.Option("--offence", help="Offence key (repeatable): s25, s24a, msa_s2, fraud_s6, fraud_s7, poca_s327..s329.")],
    title: Annotated[str | None, typer.Option(help="Operation or case title.")] = None,
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Open a case charging one or more offences from the offence list."""
    from crosslink.cases import new_case

    with user_errors(), Workspace.open(workspace_path(workspace)) as ws:
        info = new_case(ws.session(current_user(user), _purpose(purpose, name)), name, offence, title=title)
    if output != OutputFormat.table:
        print_json(info.to_dict())
        return
    console.print(f"case {info.id} opened: {', '.join(info.offences)}", highlight=False)


@case_app.command("add")
def add_cmd(
    case: CaseArg,
    suspect: Annotated[list[str] | None, typer.Option("--suspect", help="Entity or canonical id of a suspect (repeatable).")] = None,
    group: Annotated[int | None, typer.Option("--group", help="Add a whole group (network community number).")] = None,
    analysis: Annotated[Path | None, typer.Option("--analysis", help="`network analyse` JSON whose group numbering to use.")] = None,
    evidence: Annotated[list[str] | None, typer.Option("--evidence", help="Report id, unique prefix or reference to put forward as evidence (repeatable).")] = None,
    exhibit: Annotated[list[str] | None, typer.Option("--exhibit", help="Report id of an exhibit: seized phone, document (repeatable).")] = None,
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Add suspects, a whole group, evidence or exhibits to a case."""
    from crosslink.cases import add_evidence, add_group, add_suspects, group_members

    if not (suspect or group is not None or evidence or exhibit):
        raise typer.BadParameter("give --suspect, --group, --evidence or --exhibit")
    out: dict[str, Any] = {}
    with user_errors(), Workspace.open(workspace_path(workspace)) as ws:
        session = ws.session(current_user(user), _purpose(purpose, case))
        if suspect:
            r = add_suspects(session, case, suspect)
            out["suspects_added"] = r.added
            out["already"] = r.already
        if group is not None:
            members = group_members(session, group, analysis=analysis)
            r = add_group(session, case, members, label=f"group {group}")
            out["group"] = {"members": len(members), "suspects_added": len(r.added),
                            "witnesses_added": len(r.witnesses), "left_out": len(r.skipped)}
        items = [(e, "evidence") for e in evidence or ()] + [(e, "exhibit") for e in exhibit or ()]
        out["items_added"] = sum(add_evidence(session, case, rid, kind=kind) for rid, kind in items)
    if output != OutputFormat.table:
        print_json(out)
        return
    if "suspects_added" in out:
        console.print(f"{len(out['suspects_added'])} suspects added, {len(out['already'])} already in the case",
                      highlight=False)
    if "group" in out:
        g = out["group"]
        console.print(f"group {group}: {g['members']} members -> {g['suspects_added']} suspects, "
                      f"{g['witnesses_added']} witnesses and victims, {g['left_out']} left out "
                      "(no suspect role, or not a person)", highlight=False)
    if items:
        console.print(f"{out['items_added']} evidence items added", highlight=False)


@case_app.command("list")
def list_cmd(workspace: WorkspaceOption = None, user: UserOption = None, purpose: PurposeOption = None,
             output: FormatOption = OutputFormat.table) -> None:
    """The workspace's cases."""
    from crosslink.cases import list_cases

    with user_errors(), Workspace.open(workspace_path(workspace)) as ws:
        cases = list_cases(ws.session(current_user(user), purpose))
    if output != OutputFormat.table:
        print_json(cases)
        return
    table = Table(box=box.SIMPLE)
    for col in ("case", "offences", "suspects", "created by", "created"):
        table.add_column(col)
    for c in cases:
        table.add_row(c["id"], ", ".join(c["offences"]), str(c["suspects"]), c["created_by"], c["created_at"][:16])
    console.print(table)


@case_app.command("show")
def show_cmd(case: CaseArg, workspace: WorkspaceOption = None, user: UserOption = None,
             purpose: PurposeOption = None, output: FormatOption = OutputFormat.table) -> None:
    """A case: offences, suspects, witnesses and victims, evidence items, schedules."""
    from crosslink.cases import get_case, get_offence, schedule_rows

    with user_errors(), Workspace.open(workspace_path(workspace)) as ws:
        session = ws.session(current_user(user), _purpose(purpose, case))
        info = get_case(session, case)
        schedules = {s: schedule_rows(session, case, s) for s in ("MG6C", "MG6D")}
    if output != OutputFormat.table:
        print_json({**info.to_dict(), "schedules": schedules})
        return
    console.print(f"[bold]case {info.id}[/] {info.title or ''}", highlight=False)
    for key in info.offences:
        console.print(f"  offence: {get_offence(key).label}", highlight=False, markup=False)
    table = Table(title=f"{len(info.suspects)} suspects", box=box.SIMPLE)
    for col in ("id", "name", "roles"):
        table.add_column(col)
    for s in info.suspects:
        table.add_row(s["id"][:12], s["name"], ", ".join(s["roles"]))
    console.print(table)
    roles: dict[str, int] = {}
    for w in info.witnesses:
        roles[w["role"]] = roles.get(w["role"], 0) + 1
    if roles:
        console.print("witnesses and victims: " + ", ".join(f"{n} {r}" for r, n in sorted(roles.items())), highlight=False)
    if info.items:
        table = Table(title=f"{len(info.items)} evidence items", box=box.SIMPLE)
        for col in ("report", "kind", "title", "originator", "grading", "handling"):
            table.add_column(col)
        for i in info.items:
            table.add_row(i["report_id"][:12], i["kind"], i["title"] or "", i["originator"] or "",
                          i["grading"] or "", i["handling"] or "")
        console.print(table)
    for name, rows in schedules.items():
        if rows:
            decided = sum(1 for r in rows if r["decision"])
            console.print(f"{name}: {len(rows)} items on {max(r['sheet'] for r in rows)} sheet(s), {decided} decided",
                          highlight=False)




@case_app.command("export")
def export_cmd(
    case: CaseArg,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the case file (created when missing).")] = Path("case-files"),
    network: Annotated[bool, typer.Option("--network/--no-network", help="Include the evidenced network extract.")] = True,
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Draft the MG5 summary and update the MG6C/MG6D schedules; write DOCX, PDF, XLSX, CSV, JSON."""
    from crosslink.cases import export_case

    with user_errors(), Workspace.open(workspace_path(workspace)) as ws:
        result = export_case(ws.session(current_user(user), _purpose(purpose, case)), case, out,
                             with_network=network)
    if output != OutputFormat.table:
        print_json(result)
        return
    console.print(f"case {case}: {result['suspects']} suspects, {result['sentences']} cited sentences "
                  f"from {result['cited_reports']} reports; MG6C {result['schedules']['MG6C']} items, "
                  f"MG6D {result['schedules']['MG6D']} items "
                  f"({', '.join(f'{n} new on {k}' for k, n in result['new_schedule_items'].items()) or 'none new'})",
                  highlight=False)
    for path in result["files"].values():
        console.print(f"  {path}", highlight=False)


@case_app.command("decide")
def decide_cmd(
    case: CaseArg,
    item: Annotated[str, typer.Argument(help="Schedule item: C12 (MG6C item 12) or D3 (MG6D item 3).")],
    decision: Annotated[str, typer.Option("--decision", help="disclose, inspect, clearly-not-disclosable, withhold or pii-application.")],
    reason: Annotated[str | None, typer.Option("--reason", help="Why (kept with the decision).")] = None,
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Record the prosecutor's decision on a schedule item (appended and audited; the latest stands)."""
    from crosslink.cases import decide

    with user_errors(), Workspace.open(workspace_path(workspace)) as ws:
        result = decide(ws.session(current_user(user), _purpose(purpose, case)), case, item, decision, reason=reason)
    if output != OutputFormat.table:
        print_json(result)
        return
    console.print(f"{case} {result['item']}: {result['decision']} (revision {result['revision']})", highlight=False)
