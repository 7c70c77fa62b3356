"""The service's hold on one workspace: the connection, the write lock, the caches.

One server process owns the DuckDB file (DuckDB lets one process open it for
writing). Each request gets its own cursor (a DuckDB connection to the same
database, so its own temporary ``visible_*`` views for its user's clearance) and a
:class:`ServiceSession` on it. Reads run in parallel; every write, including the
audit entry every consultation appends, takes one process-wide lock, so the audit
hash chain never forks and two judgements never race on the same rows (DuckDB would
otherwise abort one of two conflicting transactions).

The network (canonical entities and evidenced links) is built once per clearance and
filter and kept until the next write: graph expansion and key players then cost a
breadth-first search, not a rebuild from the statements.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from crosslink.network.filters import NetworkFilter
from crosslink.network.graph import Network, from_workspace
from crosslink.store import Workspace
from crosslink.store.session import Clearance, Session
from crosslink.store.sql import scalar
from crosslink.store.users import User, ensure_tables

__all__ = ["Service", "ServiceSession"]

SECRET_KEY = "service_secret"
_NETWORK_CACHE = 16


class ServiceSession(Session):
    """A store session whose writes (audit entries included) hold the service's lock."""

    def __init__(self, con: duckdb.DuckDBPyConnection, *, user: str, purpose: str | None,
                 clearance: Clearance, lock: threading.RLock) -> None:
        self._lock = lock
        super().__init__(con, user=user, purpose=purpose, clearance=clearance)

    def audit(self, action: str, obj: str | None = None, **detail: object) -> None:
        with self._lock:
            super().audit(action, obj, **detail)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock, super().transaction():
            yield


class Service:
    """A served workspace. Create with :meth:`open`; :meth:`close` when done."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.lock = threading.RLock()
        #: bumped on every write that can change what a page shows (judgements)
        self.version = 0
        self._networks: OrderedDict[tuple[object, ...], Network] = OrderedDict()
        self._network_lock = threading.Lock()
        ensure_tables(workspace.con)
        self.secret = self._secret(workspace.con)

    @classmethod
    def open(cls, path: str | Path) -> Service:
        return cls(Workspace.open(path))

    @staticmethod
    def _secret(con: duckdb.DuckDBPyConnection) -> bytes:
        # Per-workspace key for CSRF tokens, made on first serve and kept in the
        # workspace's meta table: never in code or configuration files.
        found = scalar(con.execute("SELECT value FROM meta WHERE key = ?", [SECRET_KEY]))
        if found is None:
            found = secrets.token_hex(32)
            con.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
                        [SECRET_KEY, found])
            found = scalar(con.execute("SELECT value FROM meta WHERE key = ?", [SECRET_KEY]))
        return bytes.fromhex(str(found))

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self.workspace.con.cursor()

    @contextmanager
    def write(self, con: duckdb.DuckDBPyConnection | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        """Hold the write lock; yields a cursor (``con`` or a new one)."""
        with self.lock:
            own = con is None
            cur = con if con is not None else self.cursor()
            try:
                yield cur
            finally:
                if own:
                    cur.close()

    def session(self, con: duckdb.DuckDBPyConnection, user: User, purpose: str) -> ServiceSession:
        return ServiceSession(con, user=user.username, purpose=purpose,
                              clearance=user.clearance, lock=self.lock)

    def changed(self) -> None:
        """Something was written: cached networks are stale."""
        with self._network_lock:
            self.version += 1
            self._networks.clear()

    def network(self, session: Session, flt: NetworkFilter) -> Network:
        """The network as ``session``'s clearance sees it under ``flt`` (cached)."""
        c = session.clearance
        key = (None if c.compartments is None else tuple(sorted(c.compartments)),
               c.source_unit, flt, self.version)
        with self._network_lock:
            found = self._networks.get(key)
            if found is not None:
                self._networks.move_to_end(key)
                return found
        # Built outside the lock (seconds on a big workspace); two users of the same
        # clearance asking at once may both build it, which costs time, not correctness.
        net = from_workspace(session.con, flt)
        with self._network_lock:
            if key[-1] == self.version:
                self._networks[key] = net
                while len(self._networks) > _NETWORK_CACHE:
                    self._networks.popitem(last=False)
        return net

    def close(self) -> None:
        self.workspace.close()
