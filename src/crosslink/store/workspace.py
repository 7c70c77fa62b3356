"""A workspace: one DuckDB file holding reports, statements, judgements and audit.

Open one with :meth:`Workspace.create` or :meth:`Workspace.open`, then do all work
through a :class:`~crosslink.store.session.Session` from :meth:`Workspace.session`,
which knows the user, their clearance and the stated purpose.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from types import TracebackType

import duckdb

from crosslink.errors import CrosslinkError
from crosslink.store.schema import DDL, SCHEMA_VERSION
from crosslink.store.session import Clearance, Session
from crosslink.store.sql import one

__all__ = ["Workspace"]

#: Seconds to wait for a workspace another process holds (0: fail at once).
LOCK_WAIT_ENV = "CROSSLINK_LOCK_WAIT"
_LOCK_HELD = re.compile(r"Conflicting lock is held in (?P<program>.*?) \(PID (?P<pid>\d+)\)")

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
        # DuckDB lets one process hold a database file (it takes an OS lock). A second
        # process (a CLI write while `crosslink serve` runs, two ingests at once) waits
        # up to $CROSSLINK_LOCK_WAIT seconds, then gets one line naming the holder.
        deadline = time.monotonic() + _lock_wait()
        while True:
            try:
                con = duckdb.connect(str(path))
                break
            except duckdb.IOException as exc:
                held = _LOCK_HELD.search(str(exc))
                if held is None:
                    raise CrosslinkError(f"{path}: cannot open workspace: {exc}") from None
                if time.monotonic() >= deadline:
                    raise CrosslinkError(_in_use(path, int(held["pid"]))) from None
                time.sleep(0.2)
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

    def user_session(
        self,
        username: str,
        purpose: str | None = None,
        *,
        con: duckdb.DuckDBPyConnection | None = None,
    ) -> Session:
        """A session for a named service account (:mod:`crosslink.store.users`), with
        that account's clearance. ``con`` is a cursor of this workspace's connection
        (the service gives each request its own, so each has its own views).
        Raises :class:`CrosslinkError` for an unknown or disabled account."""
        from crosslink.store.users import get_user

        user = get_user(self.con, username)
        if user is None or user.disabled:
            raise CrosslinkError(f"{username!r}: no such enabled account in {self.path}")
        return Session(con or self.con, user=username, purpose=purpose,
                       clearance=user.clearance)

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


def _lock_wait() -> float:
    raw = os.environ.get(LOCK_WAIT_ENV, "0").strip() or "0"
    try:
        seconds = float(raw)
    except ValueError:
        raise CrosslinkError(f"${LOCK_WAIT_ENV}: {raw!r} is not a number of seconds") from None
    return max(seconds, 0.0)


def _in_use(path: Path, pid: int) -> str:
    """"<path>: workspace is in use by PID N (its command line); try again ..."."""
    import psutil  # only on this error path

    try:
        command = " ".join(psutil.Process(pid).cmdline())
    except (psutil.Error, OSError):
        command = ""
    doing = f" ({_shorten(command)})" if command else ""
    return (
        f"{path}: workspace is in use by PID {pid}{doing}; try again when it has finished, "
        f"or set {LOCK_WAIT_ENV}=SECONDS to wait"
    )


def _shorten(command: str, width: int = 80) -> str:
    # The holder is usually `.../bin/crosslink serve ws.duckdb`: show the program's
    # name, not the full path of the interpreter.
    parts = command.split()
    if parts:
        parts[0] = Path(parts[0]).name
    if len(parts) > 1 and parts[0].startswith("python"):
        if parts[1].endswith("crosslink"):
            parts = ["crosslink", *parts[2:]]
        elif parts[1] == "-c":
            parts = [parts[0], "-c", "…"]
    text = " ".join(parts)
    return text if len(text) <= width else text[: width - 1] + "…"
