"""Output safety: text from intelligence data is untrusted.

Every value that reaches HTML is escaped; every CSV or spreadsheet cell that a
spreadsheet program would read as a formula is neutralised (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import html
from typing import TextIO

import pyarrow as pa

__all__ = ["csv_cell", "html_text", "write_csv"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A CSV cell that spreadsheet programs show as text, never run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        # A leading apostrophe makes Excel/LibreOffice treat the cell as text.
        return "'" + text
    return text


def html_text(value: object) -> str:
    """Escape a value for an HTML text node or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def write_csv(table: pa.Table, handle: TextIO) -> None:
    """Write an Arrow table as CSV with a header, every text cell passed through
    :func:`csv_cell`. Numbers are written as numbers (a negative amount is not a
    formula). Column by column, then csv.writer (in C): O(cells).
    """
    columns = []
    for name in table.column_names:
        column = table.column(name)
        values = column.to_pylist()
        if not (pa.types.is_integer(column.type) or pa.types.is_floating(column.type)):
            values = [None if v is None else csv_cell(v) for v in values]
        columns.append(values)
    writer = csv.writer(handle)
    writer.writerow(table.column_names)
    writer.writerows(zip(*columns, strict=True))
