"""Partner sharing: ``crosslink share preview|export|import`` and ``crosslink pprl encode|match``.

Thin: parse options, call :mod:`crosslink.share`, print.
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
from crosslink.errors import InputError
from crosslink.store import Clearance, Session, Workspace

share_app = typer.Typer(
    name="share",
    help="Share with partners: preview what the disclosure policy releases, export it, import theirs.",
    no_args_is_help=True,
)
app.add_typer(share_app, name="share", rich_help_panel="4. Share with partners")

ToOption = Annotated[str, typer.Option("--to", help="Recipient: uk-force, nca, europol, eu-member-state, cps.")]
EntityOption = Annotated[list[str] | None, typer.Option("--entity", help="Entity id (or unique prefix). Repeatable.")]
GroupOption = Annotated[int | None, typer.Option("--group", help="Candidate group N (1 = largest).")]
AroundOption = Annotated[str | None, typer.Option("--around", help="Entity id: share its network.")]
HopsOption = Annotated[int, typer.Option("--hops", help="How far from --around (entity references).")]
PolicyOption = Annotated[Path | None, typer.Option("--policy", help="Disclosure policy YAML (default: the shipped one).")]
CompartmentOption = Annotated[
    list[str] | None, typer.Option("--compartment", help="Compartments you are cleared for (default all). Repeatable.")
]
RoleOption = Annotated[list[str] | None, typer.Option("--role", help="Your roles (e.g. source-unit). Repeatable.")]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", help="table (for people) or json (for scripts).")]


def _session(ws: Workspace, user: str | None, purpose: str | None,
             compartment: list[str] | None, role: list[str] | None) -> Session:
    clearance = Clearance(
        compartments=frozenset(compartment) if compartment else None, roles=frozenset(role or ())
    )
    return ws.session(current_user(user), purpose, clearance=clearance)


def _selection(session: Session, entity: list[str] | None, group: int | None,
               around: str | None, hops: int) -> list[str] | None:
    from crosslink.share import select

    given = sum(x is not None and x != [] for x in (entity, group, around))
    if given > 1:
        raise InputError("give one selection: --entity, --group or --around")
    if entity:
        return select.entities(session, entity)
    if group is not None:
        return select.group(session, group)
    if around is not None:
        return select.around(session, around, hops)
    return None


def _n(count: object, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _print_summary(summary: dict[str, Any]) -> None:
    console.print(
        f"to {summary['recipient']} ({summary['label']}): {summary['released']} of "
        f"{_n(summary['statements'], 'statement')} released: {_n(summary['entities'], 'entity')} "
        f"from {_n(summary['reports'], 'report')}".replace("entitys", "entities"),
        highlight=False,
    )
    if summary["by_schema"]:
        console.print("  " + ", ".join(f"{k} {v}" for k, v in summary["by_schema"].items()), highlight=False)
    if summary["withheld_by_reason"]:
        table = Table(box=box.SIMPLE, title="withheld")
        table.add_column("reason")
        table.add_column("statements", justify="right")
        for reason, n in summary["withheld_by_reason"].items():
            table.add_row(reason, str(n))
        console.print(table)


@share_app.command("preview")
def preview_cmd(
    to: ToOption,
    entity: EntityOption = None,
    group: GroupOption = None,
    around: AroundOption = None,
    hops: HopsOption = 2,
    policy: PolicyOption = None,
    compartment: CompartmentOption = None,
    role: RoleOption = None,
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
    limit: Annotated[int, typer.Option("--limit", help="How many entities and links to list.")] = 50,
    output: FormatOpt = OutputFormat.table,
) -> None:
    """What would go to a recipient and what is withheld, with counts per reason. Writes nothing."""
    from crosslink.share.export import preview
    from crosslink.share.policy import load_policy

    with user_errors(), Workspace.open(workspace_path(workspace)) as ws:
        session = _session(ws, user, purpose, compartment, role)
        rules = load_policy(policy)
        result = preview(session, to, _selection(session, entity, group, around, hops), policy=rules)
    summary = result.summary()
    listing = result.listing(limit)
    if output != OutputFormat.table:
        print(json.dumps({**summary, "items": listing}, ensure_ascii=False, indent=1))
        return
    _print_summary(summary)
    if listing:
        table = Table(box=box.SIMPLE, title=f"would go (first {len(listing)})")
        for column in ("id", "schema", "caption", "statements", "handling"):
            table.add_column(column, justify="right" if column == "statements" else "left")
        for row in listing:
            table.add_row(str(row["id"])[:16], str(row["schema"]), str(row["caption"]), str(row["statements"]),
                          " ".join(row["handling"]))  # type: ignore[arg-type]
        console.print(table)


@share_app.command("export")
def export_cmd(
    to: ToOption,
    fmt: Annotated[str, typer.Option("--format", help="ftm, gexf, graphml, xlsx or anx.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write (whole or not at all).")],
    justification: Annotated[str, typer.Option("--justification", help="Why this disclosure (audited).")],
    entity: EntityOption = None,
    group: GroupOption = None,
    around: AroundOption = None,
    hops: HopsOption = 2,
    policy: PolicyOption = None,
    compartment: CompartmentOption = None,
    role: RoleOption = None,
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
) -> None:
    """Export what the policy releases to a recipient, as one audited disclosure."""
    from crosslink.share.export import export
    from crosslink.share.policy import load_policy

    with user_errors(), Workspace.open(workspace_path(workspace)) as ws:
        session = _session(ws, user, purpose, compartment, role)
        rules = load_policy(policy)
        result = export(session, to, fmt, out, justification=justification,
                        selection=_selection(session, entity, group, around, hops), policy=rules)
    _print_summary(result.plan.summary())
    console.print(f"wrote {result.path} ({result.format}, sha256 {result.sha256[:16]}...)", highlight=False)


@share_app.command("import")
def import_cmd(
    package: Annotated[Path, typer.Argument(help="A partner's FtM entity stream (.json/.jsonl) or STIX 2.1 bundle.")],
    partner: Annotated[str, typer.Option("--partner", help="Who sent it (the reports' originator).")],
    kind: Annotated[str, typer.Option("--kind", help="ftm or stix (default: from the content).")] = "auto",
    grading: Annotated[str | None, typer.Option(help="FtM without markings: the partner's grading (e.g. B2).")] = None,
    scheme: Annotated[str | None, typer.Option(help="Its scheme (uk-3x5x2, uk-5x5x5, europol-4x4, admiralty).")] = None,
    handling: Annotated[str | None, typer.Option(help="FtM: handling code; STIX: the code for unmarked objects.")] = None,
    conditions: Annotated[str | None, typer.Option(help="Conditions that go with the handling code.")] = None,
    source_reliability: Annotated[str, typer.Option(help="STIX: Admiralty source grade A-F.")] = "F",
    compartment: Annotated[str | None, typer.Option(help="Compartment to file it in.")] = None,
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
) -> None:
    """Import a partner package, keeping the partner's grading and handling code per report."""
    from crosslink.share.imports import import_ftm, import_stix

    with user_errors():
        if kind == "auto":
            head = package.read_text("utf-8")[:4096].lstrip() if package.is_file() else ""
            kind = "stix" if '"spec_version"' in head or '"type": "bundle"' in head or '"type":"bundle"' in head else "ftm"
        if kind not in ("ftm", "stix"):
            raise InputError("--kind must be ftm or stix", column="--kind")
        with Workspace.open(workspace_path(workspace), create=True) as ws:
            session = ws.session(current_user(user), purpose or f"import from {partner}")
            if kind == "stix":
                extra: dict[str, Any] = {"handling": handling} if handling else {}
                if conditions:
                    extra["conditions"] = conditions
                result = import_stix(session, package, partner=partner, source_reliability=source_reliability,
                                     compartment=compartment, **extra)
            else:
                result = import_ftm(session, package, partner=partner, grading=grading, scheme=scheme,
                                    handling=handling, conditions=conditions, compartment=compartment)
    console.print(
        f"{result.file}: {_n(result.entities, 'entity')}, {_n(result.new_statements, 'new statement')} "
        f"in {_n(result.reports, 'new report')} from {result.partner}".replace("entitys", "entities"),
        highlight=False,
    )
    for marking, n in sorted(result.markings.items()):
        console.print(f"  {marking}: {n} entities", highlight=False)
    if result.skipped_objects:
        console.print("  not imported: " + ", ".join(f"{k} {v}" for k, v in sorted(result.skipped_objects.items())),
                      highlight=False)


pprl_app = typer.Typer(
    name="pprl",
    help="Privacy-preserving hit/no-hit matching with a partner: keyed Bloom-filter encodings, Dice matching.",
    no_args_is_help=True,
)
app.add_typer(pprl_app, name="pprl", rich_help_panel="4. Share with partners")
KeyOption = Annotated[Path, typer.Option("--key-file", help="The secret both parties share (see `pprl keygen`).")]


@pprl_app.command("keygen")
def keygen_cmd(out: Annotated[Path, typer.Argument(help="Key file to write (never overwritten).")]) -> None:
    """Write a new random 32-byte key; give it to the other party out of band."""
    from crosslink.share.pprl import keygen

    with user_errors():
        keygen(out)
    console.print(f"wrote {out}", highlight=False)


@pprl_app.command("encode")
def encode_cmd(
    key_file: KeyOption,
    out: Annotated[Path, typer.Option("--out", "-o", help="Encodings to send (JSON).")],
    to: ToOption,
    party: Annotated[str, typer.Option("--party", help="Your agency's name, written in the file.")] = "crosslink",
    hardening: Annotated[str, typer.Option(help="balance or xor-fold.")] = "balance",
    policy: PolicyOption = None,
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
) -> None:
    """Encode the people the policy releases to a recipient (names and birth dates never leave in clear)."""
    from crosslink.share.policy import load_policy
    from crosslink.share.pprl import encode_workspace, load_key

    with user_errors():
        if hardening not in ("balance", "xor-fold"):
            raise InputError("--hardening must be balance or xor-fold", column="--hardening")
        key = load_key(key_file)
        with Workspace.open(workspace_path(workspace)) as ws:
            session = ws.session(current_user(user), purpose or f"hit/no-hit with {to}")
            encoded = encode_workspace(session, key, out, to=to, party=party, hardening=hardening,
                                       policy=load_policy(policy))
    console.print(f"{len(encoded.ids)} people encoded ({encoded.bits} bits, {hardening}) -> {out}", highlight=False)


@pprl_app.command("match")
def match_cmd(
    theirs: Annotated[Path, typer.Argument(help="The other party's encodings.")],
    key_file: KeyOption,
    out: Annotated[Path, typer.Option("--out", "-o", help="Hits (CSV): their_id, our_id, score.")],
    threshold: Annotated[float | None, typer.Option(help="Dice cut (default per hardening).")] = None,
    with_entity_ids: Annotated[bool, typer.Option(help="Add our entity ids (for local follow-up only).")] = False,
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
) -> None:
    """Match their encodings against our people; only hits, with a score, are written."""
    from crosslink.share.pprl import load_key, match_workspace

    with user_errors():
        key = load_key(key_file)
        with Workspace.open(workspace_path(workspace)) as ws:
            session = ws.session(current_user(user), purpose or "hit/no-hit matching")
            n = match_workspace(session, key, theirs, out, threshold=threshold, with_entity_ids=with_entity_ids)
    console.print(f"{n} hits -> {out}", highlight=False)
