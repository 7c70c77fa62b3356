"""Report metadata for an ingest: per file or per row, from the mapping and the CLI.

Gradings and handling codes are parsed once per distinct written form (there are
few) and joined back in SQL, so a million one-row reports cost a million SQL rows,
not a million Python calls.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import duckdb
import pyarrow as pa

from crosslink.errors import InputError
from crosslink.ingest.mapping import ReportField
from crosslink.model.grading import SCHEMES, Grading, GradingError, parse_marking
from crosslink.model.handling import Handling, parse_handling
from crosslink.model.report import ORIGINATOR_KINDS
from crosslink.store.sql import one

__all__ = ["ReportOptions", "build_reports", "merged_fields", "options_marking"]

TRUE_WORDS = {"true", "yes", "y", "1", "t"}
FALSE_WORDS = {"false", "no", "n", "0", "f", ""}


@dataclass(frozen=True)
class ReportOptions:
    """Report metadata given on the command line for a whole file.

    A value given here fills a field the mapping leaves open; it never overrides
    what the mapping says (a directory ingest with --grading must not regrade files
    whose mappings carry their own grading).
    """

    title: str | None = None
    originator: str | None = None
    originator_kind: str | None = None
    reported_at: str | None = None
    compartment: str | None = None
    protected_source: bool | None = None
    grading: str | None = None
    grading_scheme: str | None = None
    handling: str | None = None
    handling_conditions: str | None = None
    country: str | None = None  # default phone country hint, not report metadata
    dataset: str | None = None

    def key(self) -> str:
        return repr(sorted((f.name, getattr(self, f.name)) for f in fields(self)))


def merged_fields(mapping_fields: dict[str, ReportField], options: ReportOptions) -> dict[str, ReportField]:
    merged = dict(mapping_fields)
    for name in (
        "title", "originator", "originator_kind", "reported_at", "compartment",
        "grading", "grading_scheme", "handling", "handling_conditions",
    ):
        value = getattr(options, name)
        if value is not None and name not in merged:
            merged[name] = ReportField(literal=str(value))
    if options.protected_source is not None and "protected_source" not in merged:
        merged["protected_source"] = ReportField(literal="true" if options.protected_source else "false")
    return merged


def _expr(field: ReportField | None, params: list[object]) -> str:
    if field is None or (field.literal is None and field.column is None):
        return "NULL::VARCHAR"
    if field.column is not None:
        return '"' + field.column.replace('"', '""') + '"'
    params.append(field.literal)
    return "?::VARCHAR"


def build_reports(
    con: duckdb.DuckDBPyConnection,
    *,
    rows_table: str,
    report_fields: dict[str, ReportField],
    file_label: str,
    source_sha256: str,
    dataset: str,
    ingest_id: str,
) -> tuple[str, pa.Table]:
    """Assign each row its report id (adds column ``_report`` to ``rows_table``) and
    return the SQL expression used plus the reports as an Arrow table.

    Raises InputError naming the first row of a report whose grading or handling
    code is missing or invalid.
    """
    params: list[object] = []
    id_field = report_fields.get("id")
    if id_field is not None and id_field.column is not None:
        # A report keyed by its own reference is the same report in any export that
        # carries it: the id does not depend on the file's bytes.
        key = _expr(id_field, params)
        params[:0] = [dataset]
        report_expr = f"sha1(concat(chr(31), ?, chr(31), 'report', chr(31), coalesce({key}, '')))"
    else:
        params.extend([source_sha256, dataset])
        report_expr = "sha1(concat(chr(31), ?, chr(31), ?, chr(31), 'report', chr(31), ''))"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {rows_table} AS "  # noqa: S608
        f"SELECT *, {report_expr} AS _report FROM {rows_table}",
        params,
    )

    select_params: list[object] = []
    names = [
        "title", "originator", "originator_kind", "reported_at", "compartment", "protected_source",
        "grading", "grading_scheme", "handling", "handling_conditions", "text",
    ]
    exprs = [f"arg_min({_expr(report_fields.get(n), select_params)}, _row) AS {n}" for n in names]
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _reports_raw AS
        SELECT _report AS id, min(_row) AS first_row, {", ".join(exprs)}
        FROM {rows_table} GROUP BY _report
        """,  # noqa: S608
        select_params,
    )
    _check_required(con, report_fields, file_label)
    markings = con.execute(
        "SELECT DISTINCT grading, grading_scheme, handling, handling_conditions FROM _reports_raw"
    ).fetchall()
    parsed_rows = []
    for grading_text, scheme, handling_text, conditions in markings:
        parsed_rows.append(
            _parse_marking(con, report_fields, file_label, grading_text, scheme, handling_text, conditions)
        )
    parsed = pa.table(
        {
            name: pa.array([row[i] for row in parsed_rows], pa.string())
            for i, name in enumerate(
                ["grading_text", "scheme_text", "handling_text", "conditions_text",
                 "grading_scheme", "grading_source", "grading_info", "grading", "handling_code",
                 "handling_conditions"]
            )
        }
    )
    _check_values(con, report_fields, file_label)
    con.register("_markings", parsed)
    try:
        table = con.sql(
            """
            SELECT r.id, r.title, r.originator, lower(r.originator_kind) AS originator_kind,
                   r.reported_at, r.compartment,
                   coalesce(lower(trim(r.protected_source)) IN ('true','yes','y','1','t'), FALSE)
                       AS protected_source,
                   m.grading_scheme, m.grading_source, m.grading_info, m.grading,
                   m.handling_code, m.handling_conditions,
                   ? AS source_file, ? AS source_sha256, ? AS ingest_id, r.text
            FROM _reports_raw r JOIN _markings m
              ON r.grading IS NOT DISTINCT FROM m.grading_text
             AND r.grading_scheme IS NOT DISTINCT FROM m.scheme_text
             AND r.handling IS NOT DISTINCT FROM m.handling_text
             AND r.handling_conditions IS NOT DISTINCT FROM m.conditions_text
            """,
            params=[file_label, source_sha256, ingest_id],
        ).to_arrow_table()
    finally:
        con.unregister("_markings")
    return report_expr, table


def _first_row(con: duckdb.DuckDBPyConnection, condition: str, params: list[object]) -> int | None:
    row = one(con.execute(f"SELECT min(first_row) FROM _reports_raw WHERE {condition}", params))  # noqa: S608
    return int(row[0]) if row and row[0] is not None else None


def _check_required(con: duckdb.DuckDBPyConnection, report_fields: dict[str, ReportField], file_label: str) -> None:
    for name, hint in (("grading", "--grading"), ("handling", "--handling")):
        field = report_fields.get(name)
        if field is None or (field.literal is None and field.column is None):
            raise InputError(
                f"no {name}: every report needs one; give `{name}:` in the mapping's report "
                f"section or {hint} on the command line",
                file=file_label,
            )
        if field.column is not None:
            row = _first_row(con, f"{name} IS NULL OR trim({name}) = ''", [])
            if row is not None:
                raise InputError(f"{name} is empty", file=file_label, row=row, column=field.column)


def _check_values(con: duckdb.DuckDBPyConnection, report_fields: dict[str, ReportField], file_label: str) -> None:
    row = _first_row(
        con,
        "originator_kind IS NOT NULL AND lower(originator_kind) NOT IN (SELECT unnest(?::VARCHAR[]))",
        [list(ORIGINATOR_KINDS)],
    )
    if row is not None:
        field = report_fields.get("originator_kind")
        raise InputError(
            f"originator kind must be one of {', '.join(ORIGINATOR_KINDS)}",
            file=file_label, row=row, column=field.column if field else None,
        )
    allowed = sorted(TRUE_WORDS | FALSE_WORDS)
    row = _first_row(
        con,
        "protected_source IS NOT NULL AND lower(trim(protected_source)) NOT IN (SELECT unnest(?::VARCHAR[]))",
        [allowed],
    )
    if row is not None:
        field = report_fields.get("protected_source")
        raise InputError(
            "protected_source must be true or false", file=file_label, row=row,
            column=field.column if field else None,
        )


def _parse_marking(
    con: duckdb.DuckDBPyConnection,
    report_fields: dict[str, ReportField],
    file_label: str,
    grading_text: str | None,
    scheme: str | None,
    handling_text: str | None,
    conditions: str | None,
) -> list[str | None]:
    try:
        if scheme is not None and scheme.strip().lower() not in SCHEMES:
            raise GradingError(f"unknown grading scheme {scheme!r}: use one of {', '.join(SCHEMES)}")
        grading, inline = parse_marking(grading_text or "", scheme.strip().lower() if scheme else None)
        handling = parse_handling(handling_text or "", conditions) if handling_text else inline
        if handling is None:
            raise GradingError("no handling code")
        if inline is not None and handling_text and inline.code != handling.code:
            raise GradingError(
                f"grading {grading_text!r} carries handling code {inline.code} but the "
                f"handling field says {handling.code}"
            )
    except GradingError as exc:
        bad_field = "handling" if "handling" in str(exc) else "grading"
        row = _first_row(
            con,
            "grading IS NOT DISTINCT FROM ? AND handling IS NOT DISTINCT FROM ?",
            [grading_text, handling_text],
        )
        field = report_fields.get(bad_field)
        raise InputError(
            str(exc), file=file_label, row=row, column=field.column if field else None
        ) from None
    return [
        grading_text, scheme, handling_text, conditions,
        grading.scheme, grading.source, grading.info, str(grading),
        handling.code, handling.conditions,
    ]


def options_marking(options: ReportOptions, file_label: str) -> tuple[Grading, Handling]:
    """The grading and handling code given on the command line, for a whole file."""
    if not options.grading:
        raise InputError("no grading: give --grading (e.g. 1B, B2, A2)", file=file_label)
    try:
        grading, inline = parse_marking(options.grading, options.grading_scheme)
        handling = (
            parse_handling(options.handling, options.handling_conditions) if options.handling else inline
        )
    except GradingError as exc:
        raise InputError(str(exc), file=file_label) from None
    if handling is None:
        raise InputError("no handling code: give --handling (P, C, H0-H3 or 1-5)", file=file_label)
    return grading, handling
