"""Reports: the unit of provenance every statement belongs to.

A report is an intelligence report, a document, or one imported file (or one
report-keyed group of rows in a file). It carries the grading with its scheme,
the handling code and conditions, the originator, dates, compartment and whether
it derives from a protected human source.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field

import pyarrow as pa

from crosslink.model.grading import Grading
from crosslink.model.handling import Handling

__all__ = ["ORIGINATOR_KINDS", "REPORT_SCHEMA", "Report", "make_id"]

ORIGINATOR_KINDS = ("force", "agency", "partner", "open-source", "other")

REPORT_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("title", pa.string()),
        ("originator", pa.string()),
        ("originator_kind", pa.string()),
        ("reported_at", pa.string()),
        ("compartment", pa.string()),
        ("protected_source", pa.bool_()),
        ("grading_scheme", pa.string()),
        ("grading_source", pa.string()),
        ("grading_info", pa.string()),
        ("grading", pa.string()),
        ("handling_code", pa.string()),
        ("handling_conditions", pa.string()),
        ("source_file", pa.string()),
        ("source_sha256", pa.string()),
        ("ingest_id", pa.string()),
        ("text", pa.string()),
    ]
)


def make_id(*parts: object) -> str:
    """A stable id from parts (sha1 hex, as FollowTheMoney's ``make_id``)."""
    digest = hashlib.sha1()
    for part in parts:
        digest.update(b"\x1f")
        digest.update(str(part if part is not None else "").encode("utf-8"))
    return digest.hexdigest()


@dataclass
class Report:
    """Provenance for a group of statements."""

    id: str
    title: str | None = None
    originator: str | None = None
    originator_kind: str | None = None
    reported_at: str | None = None
    compartment: str | None = None
    protected_source: bool = False
    grading: Grading | None = None
    handling: Handling | None = None
    source_file: str | None = None
    source_sha256: str | None = None
    ingest_id: str | None = None
    text: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def row(self) -> dict[str, object]:
        """The report as a row of :data:`REPORT_SCHEMA`."""
        data = asdict(self)
        grading, handling = self.grading, self.handling
        return {
            "id": self.id,
            "title": self.title,
            "originator": self.originator,
            "originator_kind": self.originator_kind,
            "reported_at": self.reported_at,
            "compartment": self.compartment,
            "protected_source": bool(data["protected_source"]),
            "grading_scheme": grading.scheme if grading else None,
            "grading_source": grading.source if grading else None,
            "grading_info": grading.info if grading else None,
            "grading": str(grading) if grading else None,
            "handling_code": handling.code if handling else None,
            "handling_conditions": handling.conditions if handling else None,
            "source_file": self.source_file,
            "source_sha256": self.source_sha256,
            "ingest_id": self.ingest_id,
            "text": self.text,
        }
