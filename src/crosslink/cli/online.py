"""Online adverts: ``crosslink online triage`` and the referral queue ``crosslink online queue ...``.

Thin: read the posts, call :mod:`crosslink.online` (triage) or
:mod:`crosslink.online.queue` (the queue, through a workspace session), print.
"""

from __future__ import annotations

from collections import Counter
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
from crosslink.errors import InputError
from crosslink.store import Workspace

online_app = typer.Typer(
    name="online",
    help="Online smuggling adverts: triage posts, refer them to platforms, track outcomes.",
    no_args_is_help=True,
)
queue_app = typer.Typer(
    name="queue",
    help="The referral queue: new -> referred -> removed / rejected / no_action, per platform.",
    no_args_is_help=True,
)
online_app.add_typer(queue_app, name="queue")
app.add_typer(online_app, name="online", rich_help_panel="4. Network analysis")

CountryOption = Annotated[
    str | None, typer.Option("--country", help="Country for phone numbers written without a code (default GB).")
]


def _short(rid: str) -> str:
    return rid[:12]


@online_app.command("triage")
def triage_cmd(
    posts: Annotated[Path, typer.Argument(help="Posts, one JSON object a line: id, platform, text, time?, author?, url?")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Scored posts (JSONL), written whole or not at all.")],
    country: CountryOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Label each post (smuggling_advert, document_fraud, fake_job_lure, benign), score how much it
    needs referral, explain it with indicators and read its phones, handles and links."""
    from crosslink.online import read_posts, triage, write_scored

    with user_errors():
        scored = triage(read_posts(posts), country_hint=country)
        n = write_scored(scored, out)
    labels = Counter(s.label for s in scored)
    campaigns = {s.campaign for s in scored if s.campaign}
    if output != OutputFormat.table:
        print_json({"posts": n, "out": str(out), "labels": dict(labels), "campaigns": len(campaigns)})
        return
    console.print(f"{n} posts triaged -> {out}", highlight=False)
    table = Table(box=box.SIMPLE)
    table.add_column("label")
    table.add_column("posts", justify="right")
    for label in ("smuggling_advert", "document_fraud", "fake_job_lure", "benign"):
        table.add_row(label, str(labels.get(label, 0)))
    console.print(table)
    if campaigns:
        console.print(f"{len(campaigns)} campaign{'' if len(campaigns) == 1 else 's'} (near-duplicate posts grouped)")
    top = sorted((s for s in scored if s.label != "benign"), key=lambda s: -s.score)[:5]
    for s in top:
        console.print(f"  {s.score:.2f} {s.label:<17} {s.id}  {', '.join(s.indicators[:3])}", highlight=False,
                      overflow="ellipsis", no_wrap=True)


@online_app.command("evaluate")
def evaluate_cmd(
    labelled: Annotated[Path, typer.Argument(help="Labelled posts (JSONL): the post fields plus label, lang, kind, selectors.")],
    country: CountryOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Score triage against a labelled set: referral F1, false referrals on hard benign kinds,
    recall per language, selector F1 (the figures of issue 19)."""
    from crosslink.online import evaluate, read_posts, triage
    from crosslink.online.triage import POST_FIELDS

    with user_errors():
        gold = read_posts(labelled)
        lines = [n for n, line in enumerate(labelled.read_text("utf-8").splitlines(), start=1) if line.strip()]
        for row, g in zip(lines, gold, strict=True):
            if g.get("label") not in ("smuggling_advert", "document_fraud", "fake_job_lure", "benign"):
                raise InputError("label must be smuggling_advert, document_fraud, fake_job_lure or benign",
                                 file=str(labelled), row=row, column="label")
            g.setdefault("lang", "und")
        bare: list[dict[str, Any]] = [{k: g[k] for k in POST_FIELDS if k in g} for g in gold]
        figures = evaluate(gold, triage(bare, country_hint=country))
    if output != OutputFormat.table:
        print_json(figures)
        return
    ref = figures["referral"]
    console.print(f"{figures['posts']} posts: referral P {ref['precision']:.3f} R {ref['recall']:.3f} "
                  f"F1 {ref['f1']:.3f}; false referrals on hard benign kinds "
                  f"{figures['hard_benign_false_referral']:.1%} of {figures['hard_benign_posts']}", highlight=False)
    sel = figures["selectors"]
    console.print(f"selectors exact: P {sel['precision']:.3f} R {sel['recall']:.3f} F1 {sel['f1']:.3f}; "
                  f"label accuracy {figures['label_accuracy']:.3f}", highlight=False)
    console.print("recall per language: " + ", ".join(
        f"{lang} {r:.2f}" for lang, r in figures["per_language_recall"].items()), highlight=False)


@queue_app.command("add")
def add_cmd(
    posts: Annotated[Path, typer.Argument(help="Posts (JSONL) to triage; those to refer are queued.")],
    min_score: Annotated[float | None, typer.Option(help="Queue only posts scoring at least this.")] = None,
    grading: Annotated[str, typer.Option(help="Grading of the captured posts.")] = "2C",
    handling: Annotated[str, typer.Option(help="Handling code of the captured posts.")] = "P",
    compartment: Annotated[str | None, typer.Option(help="Compartment the posts belong to.")] = None,
    country: CountryOption = None,
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Triage posts and queue the ones to refer, each with an evidence snapshot (re-running adds nothing)."""
    from crosslink.online import read_posts, triage
    from crosslink.online.queue import enqueue

    with user_errors():
        scored = triage(read_posts(posts), country_hint=country)
        with Workspace.open(workspace_path(workspace), create=True) as ws:
            session = ws.session(current_user(user), purpose or "online referral")
            result = enqueue(session, scored, min_score=min_score, grading=grading, handling=handling,
                             compartment=compartment, source=posts.name)
    if output != OutputFormat.table:
        print_json(result.__dict__)
        return
    erased = f", {result.erased} erased before (not queued again)" if result.erased else ""
    console.print(f"queued {result.added} new, {result.already} already queued, "
                  f"{result.benign} not to refer{erased}", highlight=False)


@queue_app.command("list")
def list_cmd(
    status: Annotated[str | None, typer.Option(help="new, referred, removed, rejected or no_action.")] = None,
    platform: Annotated[str | None, typer.Option(help="Only this platform.")] = None,
    label: Annotated[str | None, typer.Option(help="Only this label.")] = None,
    campaign: Annotated[str | None, typer.Option(help="Only this campaign.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 50,
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Referrals, highest score first."""
    from crosslink.online.queue import list_referrals

    with user_errors(), Workspace.open(workspace_path(workspace)) as ws:
        session = ws.session(current_user(user), purpose or "online referral")
        refs = list_referrals(session, status=status, platform=platform, label=label, campaign=campaign,
                              limit=limit)
    if output != OutputFormat.table:
        print_json([r.as_dict() for r in refs])
        return
    table = Table(box=box.SIMPLE, padding=(0, 1, 0, 0), show_edge=False)
    for name in ("id", "platform", "post", "status", "label", "score", "selectors"):
        table.add_column(name, justify="right" if name in ("score", "selectors") else "left")
    for r in refs:  # the selectors themselves: `online queue show ID`
        table.add_row(_short(r.id), r.platform, r.post_id, r.status, r.label, f"{r.score:.2f}", str(len(r.selectors)))
    console.print(table if refs else "no referrals")


@queue_app.command("show")
def show_cmd(
    referral: Annotated[str, typer.Argument(help="Referral id (or its first characters).")],
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """One referral: the snapshot, its hash check and every transition."""
    from crosslink.online.queue import get_referral, verify_snapshot

    with user_errors(), Workspace.open(workspace_path(workspace)) as ws:
        session = ws.session(current_user(user), purpose or "online referral")
        ref = get_referral(session, referral)
        intact = verify_snapshot(session, ref.id)
    if output != OutputFormat.table:
        print_json({**ref.as_dict(), "snapshot_intact": intact})
        return
    console.print(f"[bold]{_short(ref.id)}[/] {ref.platform} post {ref.post_id}: {ref.status} "
                  f"({ref.label} {ref.score:.2f})", highlight=False)
    extra = [f"language {ref.lang}"] if ref.lang else []
    extra += [f"campaign {ref.campaign}"] if ref.campaign else []
    extra += [f"platform reference {ref.platform_ref}"] if ref.platform_ref else []
    if extra:
        console.print("; ".join(extra), highlight=False, markup=False)
    console.print(f"indicators: {', '.join(ref.indicators) or '-'}", highlight=False)
    console.print(f"selectors: {', '.join(str(s['value']) for s in ref.selectors) or '-'}", highlight=False)
    console.print(f"captured {ref.captured_at:%Y-%m-%d %H:%M:%S} UTC, sha256 {ref.content_sha256} "
                  f"({'intact' if intact else 'CHANGED since capture'})", highlight=False)
    assert ref.snapshot is not None
    console.print(f"text: {ref.snapshot.get('text', '')}", highlight=False, markup=False)
    for e in ref.events:
        console.print(f"  {e['at'][:19]} {e['user']}: {e['from'] or '-'} -> {e['to']}"
                      + (f" ({e['note']})" if e["note"] else ""), highlight=False, markup=False)


def _move(referral: str, status: str, note: str | None, ref: str | None, workspace: Path | None,
          user: str | None, purpose: str | None) -> None:
    from crosslink.online.queue import transition

    with user_errors(), Workspace.open(workspace_path(workspace)) as ws:
        session = ws.session(current_user(user), purpose or "online referral")
        r = transition(session, referral, status, note=note, platform_ref=ref)
    console.print(f"{_short(r.id)} {r.platform} post {r.post_id}: {r.status}", highlight=False)


NoteOption = Annotated[str | None, typer.Option("--note", help="Why (kept with the transition).")]


@queue_app.command("refer")
def refer_cmd(
    referral: Annotated[str, typer.Argument(help="Referral id (or its first characters).")],
    ref: Annotated[str | None, typer.Option("--ref", help="The platform's reference for the referral.")] = None,
    note: NoteOption = None,
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
) -> None:
    """Record that a post was referred to its platform; its selectors join the network."""
    _move(referral, "referred", note, ref, workspace, user, purpose)


@queue_app.command("outcome")
def outcome_cmd(
    referral: Annotated[str, typer.Argument(help="Referral id (or its first characters).")],
    status: Annotated[str, typer.Argument(help="removed, rejected or no_action.")],
    note: NoteOption = None,
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
) -> None:
    """Record the platform's answer (or, for a new post, no_action with --note: not referred)."""
    from crosslink.online.queue import OUTCOMES

    if status not in OUTCOMES:
        with user_errors():
            raise InputError(f"outcome must be one of {', '.join(OUTCOMES)}, not {status!r}")
    _move(referral, status, note, None, workspace, user, purpose)


@queue_app.command("stats")
def stats_cmd(
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Outcomes per platform: posts in each status, removal rate, median hours to an answer."""
    from crosslink.online.queue import outcome_stats

    with user_errors(), Workspace.open(workspace_path(workspace)) as ws:
        session = ws.session(current_user(user), purpose or "online referral")
        rows = outcome_stats(session)
    if output != OutputFormat.table:
        print_json(rows)
        return
    table = Table(box=box.SIMPLE, padding=(0, 1, 0, 0), show_edge=False)
    cols = ("platform", "posts", "new", "referred", "removed", "rejected", "no_action", "not_referred")
    heads = ("platform", "posts", "new", "waiting", "removed", "rejected", "no act", "dropped", "rate", "hours")
    for name in heads:
        table.add_column(name, justify="left" if name == "platform" else "right")
    for r in rows:
        rate = "-" if r["removal_rate"] is None else f"{r['removal_rate']:.0%}"
        hours = "-" if r["median_hours_to_answer"] is None else f"{r['median_hours_to_answer']:.1f}"
        table.add_row(*(str(r[c]) for c in cols), rate, hours)
    console.print(table)
    console.print("waiting: referred, no answer yet. no act: the platform did nothing.\n"
                  "dropped: the analyst did not refer. rate: removed / answered.\n"
                  "hours: median from referral to the platform's answer.", highlight=False)


@queue_app.command("leads")
def leads_cmd(
    referral: Annotated[str | None, typer.Argument(help="Only this referral.")] = None,
    workspace: WorkspaceOption = None,
    user: UserOption = None,
    purpose: PurposeOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Phones, e-mails and accounts of referred posts that other reports also hold."""
    from crosslink.online.queue import leads

    with user_errors(), Workspace.open(workspace_path(workspace)) as ws:
        session = ws.session(current_user(user), purpose or "online referral")
        rows = leads(session, referral)
    if output != OutputFormat.table:
        print_json(rows)
        return
    if not rows:
        console.print("no leads: no selector of a referred post is in another report")
        return
    table = Table(box=box.SIMPLE, padding=(0, 1, 0, 0), show_edge=False)
    for name in ("referral", "post", "selector", "also in report", "grading", "in"):
        table.add_column(name, no_wrap=name != "also in report", overflow="fold",
                         min_width={"referral": 12, "selector": 13, "also in report": 16}.get(name))
    for r in rows:
        table.add_row(_short(r["referral_id"]), str(r["post_id"]), str(r["value"]),
                      str(r["report_title"]), f"{r['grading']} {r['handling_code'] or ''}".strip(),
                      str(r["schema"]))
    console.print(table)
