"""What to share: a selection of entity ids, made in SQL over the session's visible views.

- :func:`entities`: the given entities (by id or unique prefix, canonical members
  included) and the link entities (Call, Payment, Associate...) between them;
- :func:`around`: everything within ``hops`` references of an entity, where one hop
  is one entity-typed statement (a Call is one hop from its caller, the receiver two);
- :func:`group`: the members of candidate group N as ``crosslink network analyse``
  numbers them (Leiden communities, largest first), mapped back to entity ids.

Only what the session may see is ever selected, so a selection cannot reveal an id.
"""

from __future__ import annotations

from crosslink.errors import InputError
from crosslink.store.session import Session

__all__ = ["around", "entities", "group"]


def _members(session: Session, ids: list[str]) -> list[str]:
    """Visible entity ids for the given ids or prefixes, with their canonical clusters."""
    found: list[str] = []
    for given in ids:
        rows = session.con.execute(
            """
            SELECT DISTINCT entity_id FROM visible_statements WHERE entity_id = ?
            UNION SELECT DISTINCT entity_id FROM visible_statements WHERE starts_with(entity_id, ?)
            """,
            [given, given],
        ).fetchall()
        exact = [r[0] for r in rows if r[0] == given]
        if not rows:
            raise InputError(f"no visible entity {given!r}", column="--entity")
        if not exact and len(rows) > 1:
            raise InputError(f"{given!r} is the start of {len(rows)} entity ids: give more of it", column="--entity")
        found.append(exact[0] if exact else rows[0][0])
    cluster = session.con.execute(
        """
        SELECT DISTINCT c2.entity_id FROM canonical c1 JOIN canonical c2 ON c1.canonical_id = c2.canonical_id
        WHERE c1.entity_id IN (SELECT unnest(?::VARCHAR[]))
          AND c2.entity_id IN (SELECT entity_id FROM visible_statements)
        """,
        [found],
    ).fetchall()
    return sorted(set(found) | {r[0] for r in cluster})


def _with_links(session: Session, members: list[str]) -> list[str]:
    """Add the entities whose every entity reference points into ``members`` (links between them)."""
    rows = session.con.execute(
        """
        SELECT entity_id FROM visible_statements WHERE prop_type = 'entity'
        GROUP BY entity_id
        HAVING bool_and(value IN (SELECT unnest($m::VARCHAR[])))
           AND count(DISTINCT value) >= 1
        """,
        {"m": members},
    ).fetchall()
    return sorted(set(members) | {r[0] for r in rows})


def entities(session: Session, ids: list[str]) -> list[str]:
    """The given entities and the links among them."""
    return _with_links(session, _members(session, ids))


def around(session: Session, start: str, hops: int = 2) -> list[str]:
    """Every visible entity within ``hops`` entity references of ``start`` (either direction)."""
    if hops < 0:
        raise InputError("hops must be 0 or more", column="--hops")
    seeds = _members(session, [start])
    rows = session.con.execute(
        """
        WITH RECURSIVE edges AS (
            SELECT DISTINCT entity_id AS a, value AS b FROM visible_statements WHERE prop_type = 'entity'
            UNION SELECT DISTINCT value AS a, entity_id AS b FROM visible_statements WHERE prop_type = 'entity'
        ),
        reach(id, depth) AS (
            SELECT unnest($seeds::VARCHAR[]), 0
            UNION
            SELECT e.b, r.depth + 1 FROM reach r JOIN edges e ON e.a = r.id WHERE r.depth < $hops
        )
        SELECT DISTINCT id FROM reach WHERE id IN (SELECT entity_id FROM visible_statements)
        """,
        {"seeds": seeds, "hops": hops},
    ).fetchall()
    return _with_links(session, sorted({r[0] for r in rows}))


def group(session: Session, number: int) -> list[str]:
    """The entities of candidate group ``number`` (1 = largest), as the network analysis numbers them."""
    from crosslink.network import from_workspace
    from crosslink.network.communities import communities

    net = from_workspace(session.con)
    if net.n == 0:
        raise InputError("the workspace has no network to take groups from", column="--group")
    parts = communities(net).members()
    if not 1 <= number <= len(parts):
        raise InputError(f"there are {len(parts)} groups; give --group 1 to {len(parts)}", column="--group")
    node_ids = [str(net.nodes.column("id")[int(i)]) for i in parts[number - 1]]
    rows = session.con.execute(
        """
        SELECT DISTINCT entity_id FROM visible_statements
        WHERE entity_id IN (SELECT unnest($n::VARCHAR[]))
           OR entity_id IN (SELECT entity_id FROM canonical WHERE canonical_id IN (SELECT unnest($n::VARCHAR[])))
        """,
        {"n": node_ids},
    ).fetchall()
    return _with_links(session, sorted({r[0] for r in rows}))
