"""Errors a user can act on.

Every error that reaches the command line names what is wrong and where: the
file, the row (1-based, counting the header as row 1 for tabular files) and the
column or field. The CLI turns a :class:`CrosslinkError` into exit code 1.
"""

from __future__ import annotations

__all__ = ["CrosslinkError", "InputError", "AccessDenied"]


class CrosslinkError(Exception):
    """A problem with the user's input or workspace (exit code 1)."""


class InputError(CrosslinkError):
    """Bad input, located as precisely as we can: file, row, column."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.reason = message
        where = []
        if file is not None:
            where.append(str(file))
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class AccessDenied(CrosslinkError):
    """The session's user may not see or do this (handling code, compartment, role)."""
