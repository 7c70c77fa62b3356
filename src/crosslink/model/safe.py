"""Output safety: text from intelligence data is untrusted.

Every value that reaches HTML is escaped; every CSV or spreadsheet cell that a
spreadsheet program would read as a formula is neutralised (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import html
import re
from typing import TextIO

import pyarrow as pa

__all__ = ["LIST_SEPARATOR", "csv_cell", "html_text", "write_csv"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: What a spreadsheet reads as a plain value even though it starts with + or -: a
#: number, or a phone number in E.164 ("+447911123456"). These run no formula, and a
#: prefixed apostrophe would corrupt them for every tool that reads the file.
_PLAIN = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?|\.\d+)|\+\d{6,15}")
#: How list-valued columns are written in one CSV cell (documented in docs/mappings.md).
LIST_SEPARATOR = "; "


def csv_cell(value: object, *, excel_safe: bool = True) -> str:
    """A CSV cell as text. With ``excel_safe`` (for files a person opens in a
    spreadsheet), a cell that a spreadsheet would run as a formula gets a leading
    apostrophe, which Excel and LibreOffice show as text. Numbers and E.164 phones
    are left alone. Lists are joined with :data:`LIST_SEPARATOR`.
    """
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        text = LIST_SEPARATOR.join("" if v is None else str(v) for v in value)
    else:
        text = str(value)
    if excel_safe and text.startswith(_FORMULA_START) and not _PLAIN.fullmatch(text):
        return "'" + text
    return text


def html_text(value: object) -> str:
    """Escape a value for an HTML text node or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def write_csv(table: pa.Table, handle: TextIO, *, excel_safe: bool = True) -> None:
    """Write an Arrow table as CSV with a header, every text cell passed through
    :func:`csv_cell` (lists joined with :data:`LIST_SEPARATOR`). ``excel_safe``: on for
    files meant for people's spreadsheets, off for CSV piped to other tools. Numbers
    are written as numbers. Column by column, then csv.writer (in C): O(cells).
    """
    columns = []
    for name in table.column_names:
        column = table.column(name)
        values = column.to_pylist()
        if not (pa.types.is_integer(column.type) or pa.types.is_floating(column.type)):
            values = [None if v is None else csv_cell(v, excel_safe=excel_safe) for v in values]
        columns.append(values)
    writer = csv.writer(handle)
    writer.writerow([csv_cell(n, excel_safe=excel_safe) for n in table.column_names])
    writer.writerows(zip(*columns, strict=True))
