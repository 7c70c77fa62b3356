"""Service accounts: who may log in to the workbench, with which role and clearance.

Accounts live in the workspace (table ``users``), so a workspace carries its own
access list. Passwords are hashed with argon2id (``argon2-cffi``, the reference
implementation's bindings, with its current recommended parameters). What a role may
do is data (``roles.yml`` beside this module), resolved in one place
(:func:`permissions`), never ``if role == ...`` in handlers.

A user's clearance is their compartments (``*`` for every compartment) and, when the
account was vetted for it (``--source-unit``, only for roles that may hold it), the
source-unit role that shows protected-source material unsanitised.

Bearer tokens for the API are random (256 bits from :mod:`secrets`) and only their
SHA-256 is stored (table ``service_tokens``), with an expiry; a stolen copy of the
workspace holds no usable token. SHA-256 rather than argon2 for tokens is deliberate:
a 256-bit random secret cannot be brute-forced, and a token is checked on every request.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

import duckdb
import yaml
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from crosslink.errors import InputError
from crosslink.store.session import SOURCE_UNIT_ROLE, Clearance, Session

__all__ = [
    "ALL_COMPARTMENTS",
    "PERMISSIONS",
    "Role",
    "User",
    "add_user",
    "authenticate",
    "disable_user",
    "ensure_tables",
    "get_user",
    "issue_token",
    "list_users",
    "permissions",
    "revoke_token",
    "roles",
    "token_role",
    "user_for_token",
]

ALL_COMPARTMENTS = "*"
PERMISSIONS = frozenset({
    "search", "view", "judge", "ingest", "disclose", "audit", "source_unit", "manage_users", "cases",
})
MIN_PASSWORD = 10
TOKEN_TTL = timedelta(hours=8)  # one working shift
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
_hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory profile by default

DDL = [
    """
    CREATE TABLE IF NOT EXISTS users (
        username VARCHAR PRIMARY KEY,
        password_hash VARCHAR NOT NULL,
        role VARCHAR NOT NULL,
        compartments VARCHAR[] NOT NULL,
        source_unit BOOLEAN NOT NULL,
        created_at TIMESTAMP NOT NULL,
        created_by VARCHAR NOT NULL,
        disabled_at TIMESTAMP,
        disabled_by VARCHAR
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS service_tokens (
        token_sha256 VARCHAR PRIMARY KEY,
        username VARCHAR NOT NULL,
        issued_at TIMESTAMP NOT NULL,
        expires_at TIMESTAMP NOT NULL,
        revoked_at TIMESTAMP
    )
    """,
]


@dataclass(frozen=True)
class Role:
    name: str
    description: str
    permissions: frozenset[str]


@dataclass(frozen=True)
class User:
    username: str
    role: str
    compartments: tuple[str, ...]
    source_unit: bool
    disabled: bool = False

    @property
    def clearance(self) -> Clearance:
        every = ALL_COMPARTMENTS in self.compartments
        return Clearance(
            compartments=None if every else frozenset(self.compartments),
            roles=frozenset({SOURCE_UNIT_ROLE}) if self.source_unit else frozenset(),
        )

    @property
    def permissions(self) -> frozenset[str]:
        return permissions(self.role)

    def as_dict(self) -> dict[str, Any]:
        return {
            "username": self.username, "role": self.role,
            "compartments": list(self.compartments), "source_unit": self.source_unit,
            "disabled": self.disabled, "permissions": sorted(self.permissions),
        }


@lru_cache(maxsize=1)
def roles() -> dict[str, Role]:
    """The role table from ``roles.yml``, checked once."""
    text = resources.files("crosslink.store").joinpath("roles.yml").read_text("utf-8")
    data = yaml.safe_load(text)
    out: dict[str, Role] = {}
    for name, spec in data["roles"].items():
        perms = frozenset(spec.get("permissions") or ())
        unknown = perms - PERMISSIONS
        if unknown:  # a typo in the table must not silently grant or deny
            raise ValueError(f"roles.yml: role {name}: unknown permission(s) {sorted(unknown)}")
        out[str(name)] = Role(str(name), str(spec.get("description", "")), perms)
    return out


def permissions(role: str) -> frozenset[str]:
    """What ``role`` may do (nothing for a role no longer in the table)."""
    found = roles().get(role)
    return found.permissions if found else frozenset()


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    for statement in DDL:
        con.execute(statement)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _user(row: tuple[Any, ...]) -> User:
    username, role, compartments, source_unit, disabled_at = row
    return User(str(username), str(role), tuple(compartments or ()), bool(source_unit),
                disabled_at is not None)


_USER_COLUMNS = "username, role, compartments, source_unit, disabled_at"


def get_user(con: duckdb.DuckDBPyConnection, username: str) -> User | None:
    ensure_tables(con)
    rows = con.execute(
        f"SELECT {_USER_COLUMNS} FROM users WHERE username = ?", [username]  # noqa: S608
    ).fetchall()
    return _user(rows[0]) if rows else None


def list_users(con: duckdb.DuckDBPyConnection) -> list[User]:
    ensure_tables(con)
    rows = con.execute(f"SELECT {_USER_COLUMNS} FROM users ORDER BY username").fetchall()  # noqa: S608
    return [_user(r) for r in rows]


def add_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    *,
    compartments: list[str] | tuple[str, ...] = (),
    source_unit: bool = False,
) -> User:
    """Create an account; audited as an alteration (never with the password)."""
    if not _NAME.match(username):
        raise InputError(
            f"user name {username!r}: use 1-64 letters, digits, '.', '_', '@' or '-'"
        )
    if role not in roles():
        raise InputError(f"role {role!r}: choose one of {', '.join(roles())}")
    if source_unit and "source_unit" not in permissions(role):
        allowed = [r for r, spec in roles().items() if "source_unit" in spec.permissions]
        raise InputError(
            f"role {role} may not hold source-unit clearance (roles that may: {', '.join(allowed)})"
        )
    if len(password) < MIN_PASSWORD:
        raise InputError(f"password: at least {MIN_PASSWORD} characters")
    cleaned = sorted({c.strip() for c in compartments if c.strip()})
    con = session.con
    ensure_tables(con)
    if get_user(con, username) is not None:
        raise InputError(f"user {username!r} already exists")
    with session.transaction():
        con.execute(
            "INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
            [username, _hasher.hash(password), role, cleaned, source_unit, _now(), session.user],
        )
        session.audit("alteration", f"user:{username}", account="added", role=role,
                      compartments=cleaned, source_unit=source_unit)
    return User(username, role, tuple(cleaned), source_unit)


def disable_user(session: Session, username: str) -> User:
    """Disable an account (the row stays, for the audit trail) and revoke its tokens."""
    con = session.con
    user = get_user(con, username)
    if user is None:
        raise InputError(f"no user {username!r}")
    if user.disabled:
        return user
    now = _now()
    with session.transaction():
        con.execute("UPDATE users SET disabled_at = ?, disabled_by = ? WHERE username = ?",
                    [now, session.user, username])
        con.execute("UPDATE service_tokens SET revoked_at = ? "
                    "WHERE username = ? AND revoked_at IS NULL", [now, username])
        session.audit("alteration", f"user:{username}", account="disabled")
    return User(user.username, user.role, user.compartments, user.source_unit, True)


# A hash to verify against when the user does not exist, so a wrong name takes as
# long as a wrong password and response times do not reveal which accounts exist.
_DUMMY = _hasher.hash(secrets.token_urlsafe(16))


def authenticate(con: duckdb.DuckDBPyConnection, username: str, password: str) -> User | None:
    """The user when the name and password are right and the account enabled, else None."""
    ensure_tables(con)
    rows = con.execute(
        f"SELECT {_USER_COLUMNS}, password_hash FROM users WHERE username = ?",  # noqa: S608
        [username],
    ).fetchall()
    stored = str(rows[0][-1]) if rows else _DUMMY
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if not rows:
        return None
    user = _user(rows[0][:-1])
    if user.disabled:
        return None
    if _hasher.check_needs_rehash(stored):  # parameters raised since it was set
        con.execute("UPDATE users SET password_hash = ? WHERE username = ?",
                    [_hasher.hash(password), username])
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(
    con: duckdb.DuckDBPyConnection, user: User, ttl: timedelta = TOKEN_TTL
) -> tuple[str, datetime]:
    """A new bearer token for ``user`` and when it expires; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    now = _now()
    con.execute("INSERT INTO service_tokens VALUES (?, ?, ?, ?, NULL)",
                [_token_hash(token), user.username, now, now + ttl])
    return token, now + ttl


def user_for_token(con: duckdb.DuckDBPyConnection, token: str) -> User | None:
    """The enabled user a live (unexpired, unrevoked) token belongs to, else None."""
    rows = con.execute(
        f"""SELECT {", ".join("u." + c for c in _USER_COLUMNS.split(", "))}
            FROM service_tokens t JOIN users u ON u.username = t.username
            WHERE t.token_sha256 = ? AND t.revoked_at IS NULL AND t.expires_at > ?
              AND u.disabled_at IS NULL""",  # noqa: S608  (column names are ours)
        [_token_hash(token), _now()],
    ).fetchall()
    return _user(rows[0]) if rows else None


def token_role(con: duckdb.DuckDBPyConnection, token: str) -> str:
    """The role of a live token's user ('' when the token is not live)."""
    user = user_for_token(con, token)
    return user.role if user else ""


def revoke_token(con: duckdb.DuckDBPyConnection, token: str) -> bool:
    """Revoke a token (logout). True when it was live."""
    found = con.execute(
        "UPDATE service_tokens SET revoked_at = ? WHERE token_sha256 = ? AND revoked_at IS NULL "
        "RETURNING username",
        [_now(), _token_hash(token)],
    ).fetchall()
    return bool(found)
