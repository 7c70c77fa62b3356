"""Ids a person can type: any unique prefix of an entity or canonical id, as in git.

Entity ids are 40 hex characters (a SHA-1 of the dataset, schema and keys). Commands
that take an id (``show``, ``judge``, ``explain``, ``network disrupt --arrest``) accept
the whole id or any prefix of at least :data:`MIN_PREFIX` characters that names exactly
one entity or cluster the user may see; output prints :func:`short_id`.

A prefix is looked up through the session's visible views, so a hidden entity is no
more findable by prefix than by its full id. One scan of the entity ids (O(statements),
parallel in DuckDB), only when the exact id is not found.
"""

from __future__ import annotations

from crosslink.errors import InputError
from crosslink.store.session import Session

__all__ = ["MIN_PREFIX", "SHORT", "canonical_of", "find_id", "resolve_id", "resolve_report", "short_id"]

#: Shortest prefix looked up (shorter ones match too much to be worth a scan).
MIN_PREFIX = 4
#: Characters of an id that output shows: 48 bits, unique in any realistic workspace.
SHORT = 12


def short_id(entity_id: str) -> str:
    """The id as output shows it: the first SHORT characters of a hex id, else whole."""
    if len(entity_id) == 40 and all(c in "0123456789abcdef" for c in entity_id):
        return entity_id[:SHORT]
    return entity_id


def resolve_id(session: Session, text: str) -> str:
    """The one visible entity or canonical id ``text`` is or begins; InputError otherwise."""
    found = _lookup(session, text, required=True)
    assert found is not None
    return found


def find_id(session: Session, text: str) -> str | None:
    """Like :func:`resolve_id`, but None when nothing matches (several still raise)."""
    return _lookup(session, text, required=False)


def _lookup(session: Session, text: str, *, required: bool) -> str | None:
    """The one visible entity or canonical id that ``text`` is, or is a prefix of.

    Exact ids win. A prefix matching several ids raises InputError listing a few of them
    (with their names); no match raises InputError when ``required``, else returns None.
    """
    key = text.strip()
    if not key:
        if required:
            raise InputError("give an entity id (or a unique prefix of one)")
        return None
    con = session.con
    exact = con.execute(
        """
        SELECT 1 FROM visible_statements WHERE entity_hash = hash(?) AND entity_id = ?
        UNION ALL
        SELECT 1 FROM canonical c JOIN visible_statements s ON s.entity_id = c.entity_id
        WHERE c.canonical_id = ? LIMIT 1
        """,
        [key, key, key],
    ).fetchall()
    if exact:
        return key
    if len(key) < MIN_PREFIX:
        if required:
            raise InputError(f"no entity {key!r}: give at least {MIN_PREFIX} characters of an id")
        return None
    matches = [
        r[0]
        for r in con.execute(
            """
            SELECT DISTINCT id FROM (
              SELECT entity_id AS id FROM visible_statements WHERE starts_with(entity_id, ?)
              UNION
              SELECT c.canonical_id FROM canonical c
              WHERE starts_with(c.canonical_id, ?)
                AND c.entity_id IN (SELECT entity_id FROM visible_statements)
            ) ORDER BY id LIMIT 6
            """,
            [key, key],
        ).fetchall()
    ]
    if len(matches) == 1:
        return str(matches[0])
    if not matches:
        if required:
            raise InputError(f"no entity {key!r} in the workspace (or none you may see)")
        return None
    from crosslink.store.captions import captions

    names = captions(con, matches)
    listed = ", ".join(f"{short_id(m)} ({names.get(m, '?')})" for m in matches[:5])
    more = " and more" if len(matches) > 5 else ""
    raise InputError(f"{key!r} is the start of several ids: {listed}{more}; type more of it")


def canonical_of(session: Session, entity_id: str) -> str:
    """The canonical id an entity resolved to (itself when it stands alone)."""
    row = session.con.execute(
        "SELECT canonical_id FROM canonical WHERE entity_id = ?", [entity_id]
    ).fetchone()
    return str(row[0]) if row else entity_id


def resolve_report(session: Session, text: str) -> str:
    """A visible report by id, unique id prefix, or unique title ("KNT-24-0004")."""
    key = text.strip()
    rows = session.con.execute(
        """
        SELECT id, title, 0 AS rank FROM visible_reports WHERE id = ?
        UNION ALL SELECT id, title, 1 FROM visible_reports WHERE title = ?
        UNION ALL SELECT id, title, 2 FROM visible_reports
        WHERE length(?) >= ? AND starts_with(id, ?)
        ORDER BY rank, id LIMIT 6
        """,
        [key, key, key, MIN_PREFIX, key],
    ).fetchall()
    if not rows:
        raise InputError(f"no report {key!r} in the workspace (or none you may see)")
    best = [r for r in rows if r[2] == rows[0][2]]
    if len({r[0] for r in best}) > 1:
        listed = ", ".join(f"{short_id(r[0])} ({r[1]})" for r in best[:5])
        raise InputError(f"{key!r} names several reports: {listed}; give the id")
    return str(best[0][0])
