"""The MG5-style case summary, drafted from the workspace as a structured object.

A :class:`CaseSummary` is a list of sections, each a list of :class:`Sentence`; every
sentence carries its :class:`Citation` (report id, originator, grading, handling code)
or, for material that may not be used as evidence, a sanitised pointer to its MG6D
item (no originator, text or report id). The DOCX and PDF renderers
(:mod:`crosslink.cases.render`) draw from this one object, so both say the same.

What it says, in the order of an MG5:

1. headline: the suspects, offences, the span of the evidence;
2. chronology: dated facts (payments, calls, events, reports) in order;
3. each suspect: identity and recorded role, then, per offence element, the facts of
   the kinds the offence list names for it (a gap is said as a gap, not filled);
4. key communications and payments among the suspects and with others;
5. network extract: the evidenced shortest paths linking the principal suspect to the
   others, each hop citing its reports;
6. sources cited.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from crosslink.cases.offences import Offence, get_offence
from crosslink.cases.store import CaseInfo

__all__ = ["Citation", "CaseSummary", "Section", "Sentence", "draft_summary"]

#: Facts quoted per suspect and element (the rest are listed on the schedules/exports).
PER_ELEMENT = 4
#: Entries in the chronology and in each "key" list.
CHRONOLOGY_MAX = 150
KEY_MAX = 10
PATHS_MAX = 8


@dataclass(frozen=True)
class Citation:
    """Where a sentence comes from. A pointer cites a schedule item, never its source."""

    report_id: str | None
    originator: str | None = None
    grading: str | None = None
    handling: str | None = None
    title: str | None = None
    reported_at: str | None = None
    schedule_item: str | None = None

    def label(self) -> str:
        if self.schedule_item:
            return f"sensitive schedule item {self.schedule_item}"
        assert self.report_id is not None
        return f"{self.report_id[:12]} · {self.originator or 'originator not recorded'} · {self.grading or 'ungraded'} · {self.handling or 'no handling code'}"


@dataclass(frozen=True)
class Sentence:
    text: str
    citations: tuple[Citation, ...]
    pointer: bool = False


@dataclass
class Section:
    key: str
    title: str
    sentences: list[Sentence] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)
    #: Structural remarks that state no fact (a gap, a cap): rendered as notes.
    notes: list[str] = field(default_factory=list)

    def all_sentences(self) -> Iterable[Sentence]:
        yield from self.sentences
        for sub in self.subsections:
            yield from sub.all_sentences()


@dataclass
class CaseSummary:
    case: str
    title: str
    offences: list[str]
    generated_at: str
    generated_by: str
    marking: str
    sections: list[Section]
    sources: list[Citation]

    def sentences(self) -> list[Sentence]:
        return [s for sec in self.sections for s in sec.all_sentences()]

    def cited_reports(self) -> set[str]:
        return {c.report_id for s in self.sentences() if not s.pointer for c in s.citations if c.report_id}

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _cite(row: dict[str, Any]) -> Citation:
    return Citation(
        report_id=row["report_id"], originator=row["originator"], grading=row["grading"],
        handling=row["handling_code"] + (f" ({row['handling_conditions']})" if row.get("handling_conditions") else "")
        if row.get("handling_code") else None,
        title=row["title"], reported_at=row["reported_at"],
    )


def _day(value: str | None) -> str | None:
    return value[:10] if value else None


def _party(row: dict[str, Any]) -> str:
    name = row.get("counterpart_name") or (
        row["counterpart"] if row.get("counterpart") and str(row["counterpart"]).startswith("+") else None
    ) or "an unidentified party"
    role = row.get("counterpart_role")
    return f"{name} ({role})" if role else name


def _money(row: dict[str, Any]) -> str:
    amount = row.get("amount")
    try:
        shown = f"{float(amount):,.0f}" if amount is not None else "an unrecorded amount"
    except ValueError:
        shown = str(amount)
    return f"{shown} {row.get('currency') or ''}".strip()


def fact_sentence(row: dict[str, Any], who: str) -> str:
    """One fact as one plain sentence (the citation is added by the renderer)."""
    kind, day = row["kind"], _day(row.get("date"))
    on = f"On {day}, " if day else ""
    if kind == "payment":
        if row.get("side") == "payer":
            text = f"{on}{who} paid {_money(row)} to {_party(row)}"
        else:
            text = f"{on}{who} received {_money(row)} from {_party(row)}"
        return text + (f" ({row['detail']})." if row.get("detail") else ".")
    if kind == "call":
        mine, _, other = (row.get("detail") or " / ").partition(" / ")
        span = (f" between {_day(row['date'])} and {_day(row['date_end'])}"
                if row.get("date_end") and _day(row["date_end"]) != day else (f" on {day}" if day else ""))
        n = int(row.get("count") or 1)
        return (f"{who}'s phone {mine} and {other}, used by {_party(row)}, were in contact "
                f"{n} time{'' if n == 1 else 's'}{span}.")
    if kind == "event":
        return f"{on}{who} was recorded in an event: {row.get('detail') or 'details not recorded'}."
    if kind == "link":
        return f"{who} is linked to {_party(row)}" + (f": {row['detail']}." if row.get("detail") else ".")
    if kind == "mention":
        text = " ".join(str(row.get("detail") or "").split())
        quoted = text if len(text) <= 300 else text[:297] + "..."
        return f"{row.get('title') or 'A report'}{f' of {day}' if day else ''} records: \u201c{quoted}\u201d"
    if kind == "role":
        return f"{who} is recorded as a {row.get('detail')}."
    if kind == "identity":
        label = {"birthDate": "date of birth", "passportNumber": "passport number",
                 "idNumber": "identity number"}.get(str(row.get("side")), str(row.get("side")))
        return f"{who}'s recorded {label} is {row.get('detail')}."
    return f"{who}: {row.get('detail')}."


def draft_summary(
    info: CaseInfo,
    facts: pa.Table,
    *,
    pointers: dict[str, list[str]],
    paths: list[list[dict[str, Any]]],
    user: str,
    marking: str = "OFFICIAL-SENSITIVE",
) -> CaseSummary:
    """Draft the summary from the case, its facts (:func:`crosslink.cases.facts.case_facts`),
    the MG6D items per suspect (``pointers``) and evidenced network paths.

    Only facts whose report may be used as evidence are used; the rest is reachable only
    through ``pointers``. O(facts log facts).
    """
    offences = [get_offence(k) for k in info.offences]
    rows = [r for r in facts.to_pylist() if r["not_evidence"] is None]
    names = {s["id"]: s["name"] for s in info.suspects}
    by_suspect: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_suspect[r["suspect"]].append(r)
    sections = [
        _headline(info, offences, rows, names),
        _chronology(rows, names),
        _suspects(info, offences, by_suspect, pointers),
        _key(rows, names),
        _network(paths),
    ]
    sections = [s for s in sections if s.sentences or s.subsections or s.notes]
    cited: dict[str, Citation] = {}
    for sec in sections:
        for s in sec.all_sentences():
            for c in s.citations:
                if c.report_id and not s.pointer:
                    cited.setdefault(c.report_id, c)
    return CaseSummary(
        case=info.id, title=info.title or f"Case {info.id}", offences=[o.label for o in offences],
        generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), generated_by=user,
        marking=marking, sections=sections,
        sources=sorted(cited.values(), key=lambda c: (c.reported_at or "", c.report_id or "")),
    )


def _headline(info: CaseInfo, offences: list[Offence], rows: list[dict[str, Any]],
              names: dict[str, str]) -> Section:
    sec = Section("headline", "Headline")
    dated = sorted((r for r in rows if r.get("date")), key=lambda r: r["date"])
    if not rows:
        sec.notes.append("No evidential material about the suspects was found in the workspace.")
        return sec
    charged = "; ".join(o.label for o in offences)
    who = ", ".join(sorted(names.values())[:6]) + (f" and {len(names) - 6} others" if len(names) > 6 else "")
    cites = tuple(dict.fromkeys(_cite(r) for r in (dated[:1] + dated[-1:] or rows[:1])))
    reports = len({r["report_id"] for r in rows})
    span = (f" between {_day(dated[0]['date'])} and {_day(dated[-1]['date'])}" if dated else "")
    sec.sentences.append(Sentence(
        f"{len(names)} suspect{'' if len(names) == 1 else 's'} ({who}) are reported{span} in "
        f"{reports} evidential report{'' if reports == 1 else 's'} relevant to: {charged}.", cites))
    return sec


def _chronology(rows: list[dict[str, Any]], names: dict[str, str]) -> Section:
    sec = Section("chronology", "Chronology")
    dated = sorted((r for r in rows if r.get("date") and r["kind"] != "mention"
                    or r["kind"] == "mention" and r.get("date")), key=lambda r: (r["date"], r["report_id"]))
    seen: set[tuple[Any, ...]] = set()
    for r in dated:
        text = fact_sentence(r, names.get(r["suspect"], r["suspect"][:8]))
        key = _pair_key(r) or (text, r["report_id"])
        if key in seen:
            continue
        seen.add(key)
        if len(sec.sentences) >= CHRONOLOGY_MAX:
            sec.notes.append(f"The chronology shows the first {CHRONOLOGY_MAX} dated entries; "
                             "all dated facts are in the case file's facts export.")
            break
        sec.sentences.append(Sentence(text, (_cite(r),)))
    return sec


def _suspects(info: CaseInfo, offences: list[Offence], by_suspect: dict[str, list[dict[str, Any]]],
              pointers: dict[str, list[str]]) -> Section:
    sec = Section("suspects", "Suspects and the evidence for each element")
    for number, suspect in enumerate(info.suspects, start=1):
        who = suspect["name"]
        sub = Section(f"suspect-{suspect['id']}", f"Suspect {number}: {who} ({suspect['id'][:12]})")
        facts = by_suspect.get(suspect["id"], [])
        for kind in ("identity", "role"):
            for r in _unique(f for f in facts if f["kind"] == kind)[:PER_ELEMENT]:
                sub.sentences.append(Sentence(fact_sentence(r, who), (_cite(r),)))
        for offence in offences:
            for element in offence.elements:
                el = Section(f"{suspect['id']}-{offence.key}-{element.key}",
                             f"{offence.statute}: {element.text}")
                chosen = [
                    f for f in facts if f["kind"] in element.kinds
                    and (not element.counterpart_roles
                         or set((f.get("counterpart_role") or "").split(", ")) & set(element.counterpart_roles))
                ]
                for r in _unique(chosen)[:PER_ELEMENT]:
                    el.sentences.append(Sentence(fact_sentence(r, who), (_cite(r),)))
                if not el.sentences:
                    el.notes.append("No evidence for this element was found in the workspace.")
                sub.subsections.append(el)
        items = pointers.get(suspect["id"], [])
        if items:
            sub.sentences.append(Sentence(
                f"Further material concerning {who} may not be used as evidence; it is listed on the "
                f"sensitive schedule as item{'' if len(items) == 1 else 's'} {', '.join(items)}.",
                tuple(Citation(None, schedule_item=i) for i in items), pointer=True))
        sec.subsections.append(sub)
    return sec


def _unique(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Distinct facts, the best graded first within a day (the order of the facts table)."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for r in rows:
        key = (r["kind"], r.get("side"), r.get("counterpart"), r.get("detail"), _day(r.get("date")))
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def _pair_key(r: dict[str, Any]) -> tuple[Any, ...] | None:
    """Calls and payments between two suspects are found from both sides: one key for both."""
    if r["kind"] not in ("call", "payment") or not r.get("counterpart"):
        return None
    pair = tuple(sorted((r["suspect"], r["counterpart"])))
    return (r["kind"], pair, r["report_id"], r.get("date"), r.get("date_end"), r.get("amount"))


def _once_per_pair(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for r in rows:
        key = _pair_key(r)
        if key is None or key not in seen:
            out.append(r)
        if key is not None:
            seen.add(key)
    return out


def _key(rows: list[dict[str, Any]], names: dict[str, str]) -> Section:
    sec = Section("key", "Key communications and payments")
    calls = sorted((r for r in rows if r["kind"] == "call"), key=lambda r: (-int(r["count"] or 1), r["report_id"]))
    pays = []
    for r in rows:
        if r["kind"] == "payment":
            try:
                value = float(r["amount"] or 0)
            except ValueError:
                value = 0.0
            pays.append((value, r))
    pays.sort(key=lambda p: (-p[0], p[1]["report_id"], p[1]["evidence_id"]))
    comms = Section("communications", "Communications")
    calls = _once_per_pair(calls)
    kept = {id(r) for r in _once_per_pair([p[1] for p in pays])}
    pays = [p for p in pays if id(p[1]) in kept]
    for r in _unique(calls)[:KEY_MAX]:
        comms.sentences.append(Sentence(fact_sentence(r, names.get(r["suspect"], "")), (_cite(r),)))
    money = Section("payments", "Payments")
    for r in _unique(p[1] for p in pays)[:KEY_MAX]:
        money.sentences.append(Sentence(fact_sentence(r, names.get(r["suspect"], "")), (_cite(r),)))
    sec.subsections = [s for s in (comms, money) if s.sentences]
    return sec


#: How a network edge's link kinds read in a sentence.
_LINK_WORDS = {
    "Call": "calls", "Payment": "payments", "Associate": "an association", "Family": "family ties",
    "UnknownLink": "a recorded link", "Membership": "membership", "Ownership": "ownership",
    "Trip": "travel together", "Selector": "a phone or account in common", "Event": "an event",
}


def _network(paths: list[list[dict[str, Any]]]) -> Section:
    """Each hop: "A is linked to B by Payment, Call (3 records, first .., last ..)." """
    sec = Section("network", "Network extract: evidenced paths")
    for path in paths:
        if not path:
            continue
        sub = Section(f"path-{path[0]['source']}-{path[-1]['target']}",
                      f"{path[0]['source_label']} to {path[-1]['target_label']}")
        for hop in path:
            kinds = " and ".join(_LINK_WORDS.get(k, k) for k in hop.get("kinds") or ["UnknownLink"])
            dates = ""
            if hop.get("first_date"):
                dates = f", {hop['first_date'][:10]}" + (
                    f" to {hop['last_date'][:10]}" if hop.get("last_date") and hop["last_date"][:10] != hop["first_date"][:10] else "")
            n = int(hop.get("count") or 1)
            # A selector hop joins a person to their phone or account: say so plainly.
            verb = "is recorded with" if hop.get("kinds") == ["Selector"] else "is linked to"
            by = "" if verb == "is recorded with" else f" by {kinds}"
            sub.sentences.append(Sentence(
                f"{hop['source_label']} {verb} {hop['target_label']}{by} "
                f"({n} record{'' if n == 1 else 's'}{dates}).", tuple(hop["citations"])))
        sec.subsections.append(sub)
    return sec
