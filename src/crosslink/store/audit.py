"""The audit log: append-only and hash-chained (Data Protection Act 2018 s.62).

Each entry records who did what, when and why: collection (ingest), alteration,
consultation (show, search), disclosure (export, share), combination (resolution
merges) and erasure. Each entry's hash covers its content and the previous hash,
so editing or deleting any entry breaks the chain from there on, which
:func:`verify` reports. Erasure entries hold metadata only, never the erased data.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from crosslink.store.sql import one

__all__ = ["ACTIONS", "AuditEntry", "append", "verify"]

ACTIONS = ("collection", "alteration", "consultation", "disclosure", "combination", "erasure")
GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: datetime
    username: str
    action: str
    purpose: str | None
    object: str | None
    detail: str | None
    prev_hash: str
    hash: str


def _digest(prev_hash: str, seq: int, at: datetime, username: str, action: str,
            purpose: str | None, obj: str | None, detail: str | None) -> str:
    body = json.dumps(
        [prev_hash, seq, at.isoformat(), username, action, purpose, obj, detail],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def append(
    con: duckdb.DuckDBPyConnection,
    *,
    username: str,
    action: str,
    purpose: str | None,
    obj: str | None = None,
    detail: dict[str, object] | None = None,
) -> AuditEntry:
    """Append one entry, chained to the last. O(1): reads only the last entry."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    last = one(con.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"))
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    # Naive UTC: DuckDB TIMESTAMP has no zone, and the digest must round-trip.
    at = datetime.now(UTC).replace(tzinfo=None)
    text = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str) if detail else None
    digest = _digest(prev, seq, at, username, action, purpose, obj, text)
    con.execute(
        "INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [seq, at, username, action, purpose, obj, text, prev, digest],
    )
    return AuditEntry(seq, at, username, action, purpose, obj, text, prev, digest)


def verify(con: duckdb.DuckDBPyConnection) -> int | None:
    """Check the chain. Returns None when intact, else the first bad sequence number.

    O(n) over the log, streamed in order.
    """
    prev = GENESIS
    expected_seq = 1
    cur = con.execute(
        "SELECT seq, logged_at, username, action, purpose, object, detail, prev_hash, hash "
        "FROM audit_log ORDER BY seq"
    )
    while rows := cur.fetchmany(10_000):
        for seq, at, user, action, purpose, obj, detail, prev_hash, digest in rows:
            if seq != expected_seq or prev_hash != prev:
                return int(expected_seq)
            if _digest(prev_hash, seq, at, user, action, purpose, obj, detail) != digest:
                return int(seq)
            prev, expected_seq = digest, seq + 1
    return None
