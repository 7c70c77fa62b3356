"""Build a case file: facts -> schedules -> MG5 summary -> DOCX, PDF, XLSX, CSV, JSON.

:func:`build_case_file` does the drafting in one transaction (schedule numbers are
written as part of it, so a failure leaves the case as it was) and
:func:`export_case` writes the files and audits the disclosure.

Which material goes where:

- facts from reports that may be evidence feed the summary; the reports cited there
  are the evidence relied on;
- every report behind a fact that may *not* be evidence (protected source, Europol H1,
  "intelligence only" conditions) goes to the MG6D with a neutral description, and
  the summary points to its item number only;
- the other relevant reports (evidential, about the suspects, but not cited) go to
  the MG6C as non-sensitive unused material.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from crosslink.cases.facts import case_facts, evidential_names, report_policy, witness_roles
from crosslink.cases.render import to_docx, to_pdf
from crosslink.cases.schedules import (
    Material,
    schedule_rows,
    update_schedules,
    write_schedule_csv,
    write_schedule_xlsx,
)
from crosslink.cases.store import CaseInfo, get_case
from crosslink.cases.summary import PATHS_MAX, CaseSummary, Citation, Sentence, draft_summary
from crosslink.store.session import Session

__all__ = ["CaseFile", "build_case_file", "export_case"]


@dataclass
class CaseFile:
    info: CaseInfo
    summary: CaseSummary
    facts: pa.Table
    schedules: dict[str, list[dict[str, Any]]]
    new_items: dict[str, int]
    timings: dict[str, float] = field(default_factory=dict)


def build_case_file(session: Session, case: str, *, with_network: bool = True) -> CaseFile:
    """Draft the summary and bring both schedules up to date (audited)."""
    timings: dict[str, float] = {}
    t = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal t
        now = time.perf_counter()
        timings[name] = round(now - t, 3)
        t = now

    info = get_case(session, case)
    with session.transaction():
        facts = case_facts(session, case)
        # Names as the evidential material spells them, never from a protected source.
        spelled = evidential_names(session)
        for person in info.suspects:
            person["name"] = spelled.get(person["id"], f"Suspect {person['id'][:8]}")
        witnesses = witness_roles(session, case)
        lap("facts")
        names = {s["id"]: s["name"] for s in info.suspects}
        rows = facts.select(["suspect", "report_id", "not_evidence", "title", "originator",
                             "reported_at", "grading", "handling_code"]).to_pylist()
        sensitive: dict[str, dict[str, Any]] = {}
        concerning: dict[str, set[str]] = defaultdict(set)
        for r in rows:
            concerning[r["report_id"]].add(r["suspect"])
            if r["not_evidence"] is not None:
                sensitive.setdefault(r["report_id"], r)
        new_items = update_schedules(session, case, [
            Material(rid, "MG6D",
                     # Neutral on purpose: no originator, title, text, date or report id.
                     f"Sensitive material held by the disclosure officer (item {{item}}), concerning "
                     f"{len(concerning[rid])} suspect{'' if len(concerning[rid]) == 1 else 's'} in this case.",
                     r["not_evidence"])
            for rid, r in sorted(sensitive.items())
        ])
        mg6d = schedule_rows(session, case, "MG6D")
        item_of = {row["report_id"]: row["item"] for row in mg6d}
        pointers: dict[str, list[str]] = defaultdict(list)
        for rid in sorted(sensitive, key=lambda x: int(item_of[x][1:])):
            for suspect in sorted(concerning[rid]):
                pointers[suspect].append(item_of[rid])
        paths = _paths(session, facts, info) if with_network and len(info.suspects) > 1 else []
        lap("network")
        summary = draft_summary(info, facts, pointers=pointers, paths=paths, user=session.user)
        _evidence_items(session, info, summary)
        _witnesses(session, witnesses, summary)
        lap("draft")
        cited = summary.cited_reports() | {i["report_id"] for i in info.items}
        unused = sorted({r["report_id"]: r for r in rows
                         if r["not_evidence"] is None and r["report_id"] not in cited}.items())
        more = update_schedules(session, case, [
            Material(rid, "MG6C", _mg6c_description(r, concerning[rid], names)) for rid, r in unused
        ])
        new_items.update(more)
        schedules = {"MG6C": schedule_rows(session, case, "MG6C"), "MG6D": schedule_rows(session, case, "MG6D")}
        used = summary.cited_reports()
        for row in schedules["MG6C"]:
            row["now_used_as_evidence"] = row["report_id"] in used
        lap("schedules")
        session.audit("alteration", f"case:{case}", drafted="MG5", sentences=len(summary.sentences()),
                      new_schedule_items=new_items)
    return CaseFile(info, summary, facts, schedules, new_items, timings)


def _mg6c_description(r: dict[str, Any], suspects: set[str], names: dict[str, str]) -> str:
    who = sorted(names.get(s, s[:8]) for s in suspects)
    shown = ", ".join(who[:3]) + (f" and {len(who) - 3} others" if len(who) > 3 else "")
    when = f", {r['reported_at']}" if r.get("reported_at") else ""
    return (f"{r['title'] or 'Report'} ({r['originator'] or 'originator not recorded'}{when}); "
            f"graded {r['grading'] or 'ungraded'}, handling {r['handling_code'] or 'none'}; "
            f"concerns {shown}.")


def _evidence_items(session: Session, info: CaseInfo, summary: CaseSummary) -> None:
    """Reports the officer put forward explicitly, one cited sentence each."""
    from crosslink.cases.summary import Section

    if not info.items:
        return
    sec = Section("items", "Evidence and exhibits put forward")
    for item in info.items:
        cite = Citation(item["report_id"], item["originator"], item["grading"], item["handling"], item["title"])
        sec.sentences.append(Sentence(
            f"{'Exhibit' if item['kind'] == 'exhibit' else 'Evidence'}: {item['title'] or 'report'}"
            f" from {item['originator'] or 'an unrecorded originator'}"
            + (f" ({item['note']})." if item.get("note") else "."), (cite,)))
        if cite.report_id not in {c.report_id for c in summary.sources}:
            summary.sources.append(cite)
    summary.sections.insert(min(3, len(summary.sections)), sec)


def _witnesses(session: Session, roles: list[dict[str, Any]], summary: CaseSummary) -> None:
    """One sentence per recorded role: migrants, victims and witnesses are never suspects."""
    from crosslink.cases.summary import Section

    if not roles:
        return
    meta = {r[0]: r for r in session.sql(
        "SELECT id, originator, grading, handling_code, title, reported_at FROM _case_reports "
        "WHERE id IN (SELECT unnest(?::VARCHAR[]))",
        params=[[rid for role in roles for rid in role["reports"][:3]]],
    ).fetchall()}
    sec = Section("witnesses", "Witnesses and victims")
    for role in roles:
        cites = tuple(Citation(*meta[rid]) for rid in role["reports"][:3] if rid in meta)
        n = role["people"]
        sec.sentences.append(Sentence(
            f"{n} {'person' if n == 1 else 'people'} connected to the suspects {'is' if n == 1 else 'are'} "
            f"recorded as {role['role']}{'' if n == 1 else 's'}; they are potential witnesses or victims, "
            "never suspects.", cites))
        for c in cites:
            if c.report_id not in {s.report_id for s in summary.sources}:
                summary.sources.append(c)
    summary.sections.append(sec)


def _paths(session: Session, facts: pa.Table, info: CaseInfo) -> list[list[dict[str, Any]]]:
    """Shortest evidenced paths from the principal suspect (most evidential facts) to the
    others; a path is kept only when every hop is supported by a report that may be evidence."""
    from crosslink.network import from_workspace
    from crosslink.network.paths import evidenced_path

    policy = {r["id"]: r for r in report_policy(session).to_pylist()}
    counts: dict[str, int] = defaultdict(int)
    for s, why in zip(facts.column("suspect").to_pylist(), facts.column("not_evidence").to_pylist(), strict=True):
        if why is None:
            counts[s] += 1
    ranked = sorted((s["id"] for s in info.suspects), key=lambda s: (-counts[s], s))
    net = from_workspace(session.con)
    ids = set(net.ids.tolist()) if net.n else set()
    ranked = [s for s in ranked if s in ids]
    if len(ranked) < 2:
        return []
    out: list[list[dict[str, Any]]] = []
    for other in ranked[1:]:
        if len(out) >= PATHS_MAX:
            break
        path = evidenced_path(net, ranked[0], other)
        if path is None or not path.hops:
            continue
        hops: list[dict[str, Any]] = []
        for hop in path.to_dict()["hops"]:
            ok = [policy[r] for r in hop.get("report_ids") or [] if r in policy and policy[r]["not_evidence"] is None]
            if not ok:
                hops = []
                break
            hop["citations"] = [Citation(r["id"], r["originator"], r["grading"], r["handling_code"], r["title"],
                                         r["reported_at"]) for r in ok[:3]]
            hops.append(hop)
        if hops:
            out.append(hops)
    return out


def _write_facts(built: CaseFile, path: Path) -> Path:
    """Every evidential fact behind the summary (the chronology and element lists show the
    first few), with its citation; material that may not be evidence is never written."""
    import pyarrow.compute as pc

    from crosslink.model.safe import write_csv

    facts = built.facts.filter(pc.is_null(built.facts.column("not_evidence")))
    names = {s["id"]: s["name"] for s in built.info.suspects}
    facts = facts.append_column(
        "suspect_name", pa.array([names.get(s, "") for s in facts.column("suspect").to_pylist()], pa.string()))
    columns = ["suspect", "suspect_name", "kind", "date", "date_end", "side", "counterpart",
               "counterpart_name", "counterpart_role", "detail", "amount", "currency", "count",
               "report_id", "title", "originator", "grading", "handling_code", "handling_conditions"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        write_csv(facts.select(columns), handle)
    return path


def export_case(session: Session, case: str, out: Path, *, with_network: bool = True) -> dict[str, Any]:
    """Draft the case file and write it to ``out``: MG5 as DOCX, PDF and JSON, its facts as
    CSV, MG6C and MG6D as XLSX and CSV. Audited as a disclosure (to the file)."""
    built = build_case_file(session, case, with_network=with_network)
    out.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    stem = out / case
    files = {
        "mg5_docx": to_docx(built.summary, stem.with_name(f"{case}-MG5.docx")),
        "mg5_pdf": stem.with_name(f"{case}-MG5.pdf"),
    }
    pdf_pages = to_pdf(built.summary, files["mg5_pdf"])
    files["facts_csv"] = _write_facts(built, stem.with_name(f"{case}-facts.csv"))
    mg5_json = stem.with_name(f"{case}-MG5.json")
    mg5_json.write_text(json.dumps(built.summary.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    files["mg5_json"] = mg5_json
    for name, rows in built.schedules.items():
        csv_path = stem.with_name(f"{case}-{name}.csv")
        xlsx_path = stem.with_name(f"{case}-{name}.xlsx")
        write_schedule_csv(rows, csv_path)
        write_schedule_xlsx(rows, xlsx_path, title=f"{name} {case}")
        files[f"{name.lower()}_csv"] = csv_path
        files[f"{name.lower()}_xlsx"] = xlsx_path
    built.timings["render"] = round(time.perf_counter() - t, 3)
    session.audit("disclosure", f"case:{case}", files=sorted(p.name for p in files.values()),
                  recipient=str(out))
    return {
        "case": case,
        "files": {k: str(v) for k, v in files.items()},
        "sentences": len(built.summary.sentences()),
        "pdf_pages": pdf_pages,
        "cited_reports": len(built.summary.cited_reports()),
        "suspects": len(built.info.suspects),
        "schedules": {k: len(v) for k, v in built.schedules.items()},
        "new_schedule_items": built.new_items,
        "timings_s": built.timings,
    }
