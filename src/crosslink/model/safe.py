"""Output safety: text from intelligence data is untrusted.

Every value that reaches HTML is escaped; every CSV or spreadsheet cell that a
spreadsheet program would read as a formula is neutralised (OWASP "CSV injection").
"""

from __future__ import annotations

import html

__all__ = ["csv_cell", "html_text"]

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
