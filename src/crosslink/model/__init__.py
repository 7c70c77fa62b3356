"""crosslink's vocabulary: FtM schemata and statements, gradings, handling codes, reports."""

from crosslink.model.grading import SCHEMES, Grading, GradingError, parse_grading, parse_marking
from crosslink.model.handling import HANDLING_CODES, Handling, parse_handling
from crosslink.model.report import REPORT_SCHEMA, Report, make_id
from crosslink.model.safe import csv_cell, html_text
from crosslink.model.statement import (
    EXTENSION_PROPS,
    NON_SUSPECT_ROLES,
    ROLES,
    STATEMENT_SCHEMA,
)

__all__ = [
    "EXTENSION_PROPS",
    "HANDLING_CODES",
    "NON_SUSPECT_ROLES",
    "REPORT_SCHEMA",
    "ROLES",
    "SCHEMES",
    "STATEMENT_SCHEMA",
    "Grading",
    "GradingError",
    "Handling",
    "Report",
    "csv_cell",
    "html_text",
    "make_id",
    "parse_grading",
    "parse_handling",
    "parse_marking",
]
