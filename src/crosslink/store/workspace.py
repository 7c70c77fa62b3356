"""A workspace: one DuckDB file holding reports, statements, judgements and audit.

Open one with :meth:`Workspace.create` or :meth:`Workspace.open`, then do all work
through a :class:`~crosslink.store.session.Session` from :meth:`Workspace.session`,
which knows the user, their clearance and the stated purpose.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

import duckdb

from crosslink.errors import CrosslinkError
from crosslink.store.schema import DDL, SCHEMA_VERSION
from crosslink.store.session import Clearance, Session
from crosslink.store.sql import one

__all__ = ["Workspace"]

#: Keep DuckDB well inside the machine so ingest's peak memory stays bounded;
#: DuckDB spills to disk beyond this.
DEFAULT_MEMORY_LIMIT = "1GB"


class Workspace:
    """A DuckDB workspace file. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: Path, con: duckdb.DuckDBPyConnection) -> None:
        self.path = path
        self.con = con

    @classmethod
    def create(cls, path: str | Path, *, exist_ok: bool = True) -> Workspace:
        """Create a workspace (or open it when it exists and ``exist_ok``)."""
        path = Path(path)
        if path.exists() and not exist_ok:
            raise CrosslinkError(f"{path}: a workspace already exists here")
        if path.suffix == "" and path.is_dir():
            raise CrosslinkError(f"{path}: is a directory; give a workspace file name")
        path.parent.mkdir(parents=True, exist_ok=True)
        con = cls._connect(path)
        for statement in DDL:
            con.execute(statement)
        con.execute(
            "INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT (key) DO NOTHING",
            [SCHEMA_VERSION],
        )
        return cls(path, con)

    @classmethod
    def open(cls, path: str | Path, *, create: bool = False) -> Workspace:
        """Open an existing workspace; with ``create`` make it when missing."""
        path = Path(path)
        if not path.exists():
            if create:
                return cls.create(path)
            raise CrosslinkError(
                f"{path}: no workspace here; create one with `crosslink init {path}`"
            )
        con = cls._connect(path)
        try:
            row = one(con.execute("SELECT value FROM meta WHERE key = 'schema_version'"))
        except duckdb.CatalogException:
            con.close()
            raise CrosslinkError(f"{path}: not a crosslink workspace") from None
        if row is None:
            con.close()
            raise CrosslinkError(f"{path}: not a crosslink workspace (no schema version)")
        for statement in DDL:  # tables added by later versions
            con.execute(statement)
        return cls(path, con)

    @staticmethod
    def _connect(path: Path) -> duckdb.DuckDBPyConnection:
        try:
            con = duckdb.connect(str(path))
        except duckdb.Error as exc:
            raise CrosslinkError(f"{path}: cannot open workspace: {exc}") from None
        con.execute(f"SET memory_limit = '{DEFAULT_MEMORY_LIMIT}'")
        con.execute("SET preserve_insertion_order = true")
        return con

    def session(
        self,
        user: str = "local",
        purpose: str | None = None,
        *,
        clearance: Clearance | None = None,
    ) -> Session:
        """A session for one user and purpose; all reads and writes go through it."""
        return Session(self.con, user=user, purpose=purpose, clearance=clearance or Clearance())

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
