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

import hashlib
import queue
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from crosslink.api.search_index import SearchIndex
from crosslink.network.filters import NetworkFilter
from crosslink.network.graph import Network, from_workspace
from crosslink.store import Workspace, audit
from crosslink.store.session import Clearance, Session
from crosslink.store.sql import scalar
from crosslink.store.users import User, ensure_tables, user_for_token

__all__ = ["Service", "ServiceSession"]

SECRET_KEY = "service_secret"
_NETWORK_CACHE = 16
_POOL_SIZE = 32  # idle cursors kept per clearance (uvicorn's pool has 40 threads)


class _AuditWriter:
    """Group commit for audit entries: one thread appends everything queued in one
    transaction, then wakes the requests that wait for their entry. A consultation
    is answered only once its entry is committed (nothing shown goes unlogged), but
    sixteen concurrent readers cost one commit, not sixteen."""

    def __init__(self, con: duckdb.DuckDBPyConnection, lock: threading.RLock) -> None:
        self._con = con
        self._lock = lock
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="crosslink-audit", daemon=True)
        self._thread.start()

    def append(self, **entry: Any) -> None:
        pending = _Pending(entry)
        self._queue.put(pending)
        pending.done.wait()
        if pending.error is not None:
            raise pending.error

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while True:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._queue.put(None)
                    break
                batch.append(more)
            error: BaseException | None = None
            with self._lock:
                try:
                    self._con.execute("BEGIN TRANSACTION")
                    for pending in batch:
                        audit.append(self._con, **pending.entry)
                    self._con.execute("COMMIT")
                except BaseException as exc:  # handed to every waiting request
                    self._con.execute("ROLLBACK")
                    error = exc
            for pending in batch:
                pending.error = error
                pending.done.set()

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=30)
        self._con.close()


@dataclass
class _Pending:
    entry: dict[str, Any]
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None


class ServiceSession(Session):
    """A store session whose writes hold the service's lock and whose audit entries
    go through the group-commit writer (or, inside a write transaction, into that
    transaction, so a change and its entry commit together)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, *, user: str, purpose: str | None,
                 clearance: Clearance, service: Service, views_ready: bool = False) -> None:
        self._service = service
        self._views_ready = views_ready
        super().__init__(con, user=user, purpose=purpose, clearance=clearance)

    def _define_views(self) -> None:
        # A pooled cursor already has this clearance's views (Service.borrow).
        if not self._views_ready:
            super()._define_views()

    def audit(self, action: str, obj: str | None = None, **detail: object) -> None:
        if self._service.holding():  # inside a write: the entry joins it, under the lock
            super().audit(action, obj, **detail)
            return
        self._service.auditor.append(username=self.user, action=action, purpose=self.purpose,
                                     obj=obj, detail=dict(detail) or None)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._service.write(self.con), super().transaction():
            yield


class Service:
    """A served workspace. Create with :meth:`open`; :meth:`close` when done."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.lock = threading.RLock()
        self._held = threading.local()
        #: bumped on every write that can change what a page shows (judgements)
        self.version = 0
        self._networks: OrderedDict[tuple[object, ...], Network] = OrderedDict()
        self._network_lock = threading.Lock()
        self._memo: dict[tuple[object, ...], Any] = {}
        ensure_tables(workspace.con)
        self.secret = self._secret(workspace.con)
        self.auditor = _AuditWriter(workspace.con.cursor(), self.lock)
        # token hash -> (user, expiry): a token is checked on every request; the cache
        # is emptied by every write through the service (logout, disabling an account),
        # and nothing else can write while the service holds the workspace.
        self._tokens: dict[str, tuple[User, datetime]] = {}
        self._pool: dict[object, list[duckdb.DuckDBPyConnection]] = {}
        self._pool_lock = threading.Lock()
        self._closed = False
        # Names and selector forms of every statement, for /api/search (search_index.py)
        self.search_index = SearchIndex(self.cursor)
        self.search_index.build_now(self.version)

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
            self._held.depth = getattr(self._held, "depth", 0) + 1
            own = con is None
            cur = con if con is not None else self.cursor()
            try:
                yield cur
            finally:
                self._held.depth -= 1
                self._tokens.clear()
                if own:
                    cur.close()

    def holding(self) -> bool:
        """Does this thread hold the write lock?"""
        return getattr(self._held, "depth", 0) > 0

    def user_for_token(self, con: duckdb.DuckDBPyConnection, token: str) -> User | None:
        """The live token's user (cached until the next write), else None."""
        key = hashlib.sha256(token.encode()).hexdigest()
        now = datetime.now(UTC).replace(tzinfo=None)
        found = self._tokens.get(key)
        if found is not None and found[1] > now:
            return found[0]
        user = user_for_token(con, token)
        if user is not None:
            expires = con.execute("SELECT expires_at FROM service_tokens WHERE token_sha256 = ?",
                                  [key]).fetchall()[0][0]
            self._tokens[key] = (user, expires)
        return user

    def session(self, con: duckdb.DuckDBPyConnection, user: User, purpose: str,
                *, views_ready: bool = False) -> ServiceSession:
        return ServiceSession(con, user=user.username, purpose=purpose,
                              clearance=user.clearance, service=self, views_ready=views_ready)

    @contextmanager
    def borrow(self, clearance: Clearance | None) -> Iterator[duckdb.DuckDBPyConnection]:
        """A pooled cursor whose ``visible_*`` views are ``clearance``'s (None: a plain
        cursor). Defining the views costs three DDL statements; a pool per clearance
        saves them on every request. A cursor only ever serves the one clearance its
        views were made for; one left inside a transaction is discarded."""
        key = None if clearance is None else (
            None if clearance.compartments is None else tuple(sorted(clearance.compartments)),
            clearance.source_unit)
        with self._pool_lock:
            idle = self._pool.setdefault(key, [])
            con = idle.pop() if idle else None
        if con is None:
            con = self.cursor()
            if clearance is not None:
                Session(con, user="", purpose=None, clearance=clearance)  # defines the views
        clean = False
        try:
            yield con
            clean = True
        finally:
            with self._pool_lock:
                idle = self._pool.setdefault(key, [])
                if clean and len(idle) < _POOL_SIZE and not self._closed:
                    idle.append(con)
                    con = None
            if con is not None:
                con.close()

    def changed(self) -> None:
        """Something was written: cached networks and analyses are stale."""
        with self._network_lock:
            self.version += 1
            self._networks.clear()
            self._memo.clear()

    def memo(self, session: Session, name: str, compute: Callable[[], Any]) -> Any:
        """An analysis of the network ``session``'s clearance sees (key players),
        computed once per clearance until the next write."""
        c = session.clearance
        key = (name, None if c.compartments is None else tuple(sorted(c.compartments)),
               c.source_unit, self.version)
        with self._network_lock:
            if key in self._memo:
                return self._memo[key]
        value = compute()
        with self._network_lock:
            if key[-1] == self.version:
                self._memo[key] = value
                while len(self._memo) > _NETWORK_CACHE:
                    self._memo.pop(next(iter(self._memo)))
        return value

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
        with self._pool_lock:
            self._closed = True
            for idle in self._pool.values():
                for con in idle:
                    con.close()
            self._pool.clear()
        self.search_index.close()
        self.auditor.close()
        self.workspace.close()
