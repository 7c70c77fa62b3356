"""XLSX: one sheet per schema, plus a Provenance sheet with every released statement.

Written with openpyxl. Every text cell passes through :func:`crosslink.model.safe.csv_cell`
(a leading apostrophe on anything a spreadsheet would run as a formula) and is stored as
a string cell, so ``=HYPERLINK(...)`` in intelligence text is shown, never run. Entity
sheets have one row per entity: id, caption, one column per property (values joined by
"; "), then the reports, gradings and handling codes behind the row.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from crosslink.model.safe import csv_cell
from crosslink.share.graphs import _provenance
from crosslink.share.items import Item, assemble

__all__ = ["PROVENANCE_SHEET", "write_xlsx"]

PROVENANCE_SHEET = "Provenance"
_PROVENANCE_COLUMNS = ("entity_id", "schema", "prop", "value", "report_id", "report_title", "originator",
                       "reported_at", "grading_scheme", "grading", "handling_code", "handling_conditions",
                       "protected_source")
_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _cell(sheet: WriteOnlyWorksheet, value: object) -> object:
    if value is None or isinstance(value, bool | int | float):
        return value
    cell = WriteOnlyCell(sheet, value=csv_cell(value))
    cell.data_type = "s"  # never a formula, whatever the text starts with
    return cell


def _write_rows(sheet: WriteOnlyWorksheet, header: list[str], rows: list[list[object]]) -> None:
    # Write-only mode streams rows to the file: several times faster than cell by cell.
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, name) for name in header])
    for values in rows:
        sheet.append([_cell(sheet, v) for v in values])


def _entity_sheet(book: Workbook, schema: str, items: list[Item]) -> None:
    sheet = book.create_sheet(_SHEET_CHARS.sub("_", schema)[:31])
    props = sorted({p for item in items for p in item.props})
    header = ["id", "caption", *props, "reports", "gradings", "handling", "protected_source"]
    rows: list[list[object]] = []
    for item in items:
        prov = _provenance(item.markings)
        rows.append([item.id, item.caption, *(item.joined(p) or None for p in props),
                     prov["reports"], prov["gradings"], prov["handling"], prov["protected_source"]])
    _write_rows(sheet, header, rows)


def write_xlsx(released: pa.Table, path: Path) -> None:
    nodes, links = assemble(released)
    entities = {i.id: i for i in nodes}
    for link in links:
        if link.item is not None:
            entities[link.item.id] = link.item
    by_schema: dict[str, list[Item]] = {}
    for eid in sorted(entities):
        by_schema.setdefault(entities[eid].schema, []).append(entities[eid])
    book = Workbook(write_only=True)
    for schema in sorted(by_schema):
        _entity_sheet(book, schema, by_schema[schema])
    sheet = book.create_sheet(PROVENANCE_SHEET)
    table = released.select(list(_PROVENANCE_COLUMNS))
    _write_rows(sheet, list(_PROVENANCE_COLUMNS), [list(r.values()) for r in table.to_pylist()])
    book.save(path)
