"""Preview and export a selection for a recipient: policy first, then one writer per format.

:func:`plan` decides every statement of the selection (:func:`crosslink.share.policy.decide`);
:func:`preview` summarises the plan and writes nothing but a consultation entry in the
audit log; :func:`export` writes the released statements in one format, whole or not at
all (a temporary file renamed into place), and records one disclosure in the audit log
(recipient, justification, format, the released entity and report ids and the counts,
DPA 2018 s.62(3)).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from crosslink.errors import InputError
from crosslink.share.policy import Policy, Recipient, decide, load_policy, reason_counts
from crosslink.store.session import Session

__all__ = ["FORMATS", "ExportResult", "SharePlan", "export", "plan", "preview"]

#: Export formats and the file suffix each is usually given.
FORMATS = {"ftm": ".ftm.json", "gexf": ".gexf", "graphml": ".graphml", "xlsx": ".xlsx", "anx": ".anx"}


@dataclass
class SharePlan:
    """What would go to a recipient: the released statements and the withheld counts."""

    recipient: Recipient
    decided: pa.Table
    withheld: list[tuple[str, int]] = field(default_factory=list)

    @property
    def released(self) -> pa.Table:
        return self.decided.filter(self.decided.column("released"))

    def counts(self) -> dict[str, int]:
        released = self.released
        return {
            "statements": self.decided.num_rows,
            "released": released.num_rows,
            "withheld": self.decided.num_rows - released.num_rows,
            "entities": len(pc.unique(released.column("entity_id"))),
            "reports": len(pc.unique(released.column("report_id"))),
        }

    def listing(self, limit: int = 50) -> list[dict[str, object]]:
        """What would go, one row per entity or link (caption, schema, statements, markings)."""
        from crosslink.share.items import assemble

        nodes, links = assemble(self.released)
        names = {item.id: item.caption for item in nodes}
        rows: list[dict[str, object]] = []
        for item in nodes:
            rows.append({"id": item.id, "schema": item.schema, "caption": item.caption,
                         "statements": sum(len(m) for m in item.sources.values()),
                         "handling": sorted({m.handling_code or "" for m in item.markings})})
        for link in links:
            rows.append({"id": link.id, "schema": link.kind, "caption": f"{names.get(link.source, link.source)} -> {names.get(link.target, link.target)}",
                         "statements": sum(len(m) for m in link.item.sources.values()) if link.item else len(link.stated_by),
                         "handling": sorted({m.handling_code or "" for m in link.markings})})
        rows.sort(key=lambda r: (-int(r["statements"]), str(r["id"])))  # type: ignore[call-overload]
        return rows[:limit]

    def summary(self) -> dict[str, object]:
        released = self.released
        by_schema: dict[str, int] = {}
        if released.num_rows:
            grouped = released.group_by("schema").aggregate([("entity_id", "count_distinct")])
            by_schema = dict(zip(grouped.column("schema").to_pylist(),
                                 grouped.column("entity_id_count_distinct").to_pylist(), strict=True))
        return {
            "recipient": self.recipient.name,
            "label": self.recipient.label,
            **self.counts(),
            "by_schema": dict(sorted(by_schema.items(), key=lambda kv: (-kv[1], kv[0]))),
            "withheld_by_reason": dict(self.withheld),
        }


@dataclass
class ExportResult:
    path: Path
    format: str
    sha256: str
    plan: SharePlan


def plan(
    session: Session, recipient: str, selection: list[str] | None = None, *, policy: Policy | None = None
) -> SharePlan:
    """Decide every visible statement of ``selection`` (None: the whole workspace) for ``recipient``."""
    rule = (policy or load_policy()).recipient(recipient)
    decided = decide(session, rule, selection)
    return SharePlan(rule, decided, reason_counts(decided))


def preview(
    session: Session, recipient: str, selection: list[str] | None = None, *, policy: Policy | None = None
) -> SharePlan:
    """:func:`plan`, audited as a consultation; nothing is written anywhere else."""
    result = plan(session, recipient, selection, policy=policy)
    session.audit("consultation", f"share preview {recipient}", **result.counts())
    return result


def _writer(fmt: str) -> Callable[[pa.Table, Path], None]:
    if fmt == "ftm":
        from crosslink.share.ftm import write_ftm

        return write_ftm
    if fmt == "gexf":
        from crosslink.share.graphs import write_gexf

        return write_gexf
    if fmt == "graphml":
        from crosslink.share.graphs import write_graphml

        return write_graphml
    if fmt == "xlsx":
        from crosslink.share.xlsx import write_xlsx

        return write_xlsx
    if fmt == "anx":
        from crosslink.share.anx import write_anx

        return write_anx
    raise InputError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}", column="--format")


def export(
    session: Session,
    recipient: str,
    fmt: str,
    out: Path,
    *,
    justification: str,
    selection: list[str] | None = None,
    policy: Policy | None = None,
) -> ExportResult:
    """Write what ``recipient`` may receive of ``selection`` to ``out`` and audit the disclosure."""
    if not justification or not justification.strip():
        raise InputError("a disclosure needs a justification (DPA 2018 s.62(3))", column="--justification")
    writer = _writer(fmt)
    result = plan(session, recipient, selection, policy=policy)
    if result.released.num_rows == 0:
        raise InputError(
            f"nothing may go to {recipient}: {result.counts()['withheld']} statements withheld "
            f"({'; '.join(f'{r}: {n}' for r, n in result.withheld) or 'nothing selected'})"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        writer(result.released, tmp)
        digest = hashlib.sha256(tmp.read_bytes()).hexdigest()
        released = result.released
        with session.transaction():
            session.audit(
                "disclosure",
                f"share {recipient}",
                recipient=recipient,
                justification=justification.strip(),
                format=fmt,
                file=out.name,
                sha256=digest,
                entity_ids=sorted(set(released.column("entity_id").to_pylist())),
                report_ids=sorted(set(released.column("report_id").to_pylist())),
                **result.counts(),
                withheld_by_reason=dict(result.withheld),
            )
            tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return ExportResult(out, fmt, digest, result)
