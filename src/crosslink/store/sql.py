"""Small DuckDB helpers.

DuckDB 2 refuses new work on a connection (registering an Arrow table, say) while
an earlier result has not been fetched to the end, and ``fetchone()`` leaves a
result open. :func:`one` fetches everything, which for the one-row queries it is
meant for costs nothing.
"""

from __future__ import annotations

from typing import Any

import duckdb

__all__ = ["one", "scalar"]


def one(result: duckdb.DuckDBPyConnection | duckdb.DuckDBPyRelation) -> tuple[Any, ...] | None:
    """The first row of a result (fully consumed), or None when there is none."""
    rows = result.fetchall()
    return rows[0] if rows else None


def scalar(result: duckdb.DuckDBPyConnection | duckdb.DuckDBPyRelation) -> Any:
    """The first column of the first row, or None."""
    row = one(result)
    return row[0] if row else None
