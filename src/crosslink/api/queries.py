"""What the service's endpoints ask of the store, each through one user's session.

Every query reads ``visible_statements`` / ``visible_reports`` of the session, so an
entity the user may not see contributes nothing to a result or a count. Functions
here return plain JSON-ready values; the HTTP layer (:mod:`crosslink.api.app`)
only maps them to responses.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pyarrow as pa
import regex

from crosslink.api.search_index import Snapshot
from crosslink.errors import InputError
from crosslink.network.graph import Network
from crosslink.network.paths import edge_records
from crosslink.store.captions import caption_props
from crosslink.store.lookup import selector_forms
from crosslink.store.session import Session

__all__ = [
    "NeedsJustification",
    "choose_caption",
    "entity_graph",
    "entity_profile",
    "members",
    "search",
    "visible_ids",
]

#: Europol handling codes H0-H3 carry conditions on use: opening them needs a reason.
JUSTIFY_HANDLING_PREFIX = "H"
#: Fuzzy name threshold (Jaro-Winkler): "Karwen Aziz" finds "Karwan Aziz".
FUZZY = 0.88
_SHOUTING = regex.compile(r"\p{Lu}{3,}")  # "RASHID" as a log writes it, as store.captions


class NeedsJustification(Exception):  # noqa: N818  (a condition, not an error)
    """The entity holds protected-source or H-coded material and no reason was given."""


def members(session: Session, entity_id: str) -> list[str]:
    """The entity ids ``entity_id`` stands for: itself, and its cluster's members."""
    rows = session.con.execute(
        "SELECT entity_id FROM canonical WHERE canonical_id = ? "
        "UNION SELECT canonical_id FROM canonical WHERE entity_id = ? "
        "UNION SELECT ?",
        [entity_id, entity_id, entity_id],
    ).fetchall()
    return sorted(str(r[0]) for r in rows)


def visible_ids(session: Session, ids: list[str]) -> set[str]:
    """Which of ``ids`` (entity or canonical ids) the session may see any statement of."""
    if not ids:
        return set()
    rows = session.con.execute(
        """
        WITH keys AS (SELECT unnest(?::VARCHAR[]) AS key),
        m AS (SELECT k.key, coalesce(c.entity_id, k.key) AS entity_id
              FROM keys k LEFT JOIN canonical c ON c.canonical_id = k.key
              UNION SELECT key, key FROM keys)
        SELECT DISTINCT m.key FROM m
        WHERE EXISTS (SELECT 1 FROM visible_statements s
                      WHERE s.entity_hash = hash(m.entity_id) AND s.entity_id = m.entity_id)
        """,
        [sorted(set(ids))],
    ).fetchall()
    return {str(r[0]) for r in rows}


def search(session: Session, q: str, *, limit: int = 20,
           index: Snapshot | None = None) -> dict[str, Any]:
    """Entities whose name is like ``q`` (substring or fuzzy) or that hold ``q`` as a
    selector in any of its written forms. Resolved entities are answered once, by
    canonical id. ``total`` counts only what the session may see. Audited.

    With ``index`` (the service's current :class:`~crosslink.api.search_index.Snapshot`)
    the candidates come from it, checked against the session's visible reports;
    without it (or for a query matching too much to index) every visible statement is
    scanned. Both give the same answer."""
    q = q.strip()
    if not q:
        raise InputError("q: give a name or a selector to search for")
    forms = selector_forms(q)
    found = index.search(session, q, forms, FUZZY, limit) if index is not None else None
    if found is None:
        rows: list[tuple[Any, ...]] = _scan(session, q, forms, limit)
        names = quick_captions(session, [str(r[0]) for r in rows])
    else:
        rows, names = found
    total = int(rows[0][4]) if rows else 0
    results = [
        {"id": str(i), "schema": str(schema), "caption": names.get(str(i), str(i)),
         "score": round(float(score), 3), "match": "selector" if sel else "name"}
        for i, schema, score, sel, _ in rows
    ]
    session.audit("consultation", "search", q=q, results=len(results), total=total)
    return {"q": q, "total": total, "results": results}


def _scan(session: Session, q: str, forms: list[str], limit: int) -> list[tuple[Any, ...]]:
    """Every visible statement compared with ``q``: O(statements) per request."""
    return session.con.execute(
        """
        WITH hits AS (
          SELECT s.entity_id, any_value(s.schema) AS schema,
                 max(CASE WHEN list_contains($forms, s.value) THEN 1.0
                          WHEN s.value ILIKE $like THEN 0.99
                          ELSE jaro_winkler_similarity(lower(s.value), lower($q)) END) AS score,
                 bool_or(list_contains($forms, s.value)) AS by_selector
          FROM visible_statements s
          WHERE list_contains($forms, s.value)
             OR (s.prop_type = 'name' AND (s.value ILIKE $like
                 OR jaro_winkler_similarity(lower(s.value), lower($q)) >= $fuzzy))
          GROUP BY s.entity_id
        ),
        keyed AS (
          SELECT coalesce(c.canonical_id, h.entity_id) AS id, any_value(h.schema) AS schema,
                 max(h.score) AS score, bool_or(h.by_selector) AS by_selector
          FROM hits h LEFT JOIN canonical c ON c.entity_id = h.entity_id
          GROUP BY 1
        )
        SELECT id, schema, score, by_selector, count(*) OVER () AS total FROM keyed
        ORDER BY score DESC, id LIMIT $limit
        """,
        {"forms": forms, "like": f"%{_like_escape(q)}%", "q": q, "fuzzy": FUZZY,
         "limit": limit},
    ).fetchall()


@lru_cache(maxsize=1)
def _caption_order() -> dict[str, tuple[str, list[str], bool]]:
    """schema -> (label, caption properties in order, interval?) from FtM."""
    out: dict[str, tuple[str, list[str], bool]] = {}
    for row in caption_props().to_pylist():
        label, props, _ = out.setdefault(row["schema"], (row["label"], [], bool(row["prefix"])))
        if row["prop"]:
            props.append(row["prop"])
    return out


def quick_captions(session: Session, keys: list[str]) -> dict[str, str]:
    """Captions as :func:`crosslink.store.captions.captions` gives them (the most
    frequent value of the first caption property; ordinary capitalisation first),
    for the few entities one page shows. The store's version joins every statement
    (a full scan, tens of ms at 10 million statements); here the member ids are
    looked up through the ``entity_hash`` column first and the choice made in Python
    over a handful of rows."""
    if not keys:
        return {}
    pairs = session.con.execute(
        """WITH k AS (SELECT unnest(?::VARCHAR[]) AS key)
           SELECT k.key, coalesce(c.entity_id, k.key) FROM k
           LEFT JOIN canonical c ON c.canonical_id = k.key
           UNION SELECT key, key FROM k""",
        [sorted(set(keys))],
    ).fetchall()
    member_keys: dict[str, list[str]] = {}
    for key, member in pairs:
        member_keys.setdefault(str(member), []).append(str(key))
    rows = session.con.execute(
        """SELECT s.entity_id, s.schema, s.prop, s.value, min(r.title) AS title
           FROM statements s JOIN visible_reports r ON r.id = s.report_id
           WHERE s.entity_hash IN (SELECT hash(unnest(?::VARCHAR[])))
             AND s.entity_id IN (SELECT unnest(?::VARCHAR[]))
           GROUP BY ALL""",
        [list(member_keys), list(member_keys)],
    ).fetchall()
    by_key: dict[str, list[tuple[str, str, str, str | None]]] = {}
    for entity, schema, prop, value, title in rows:
        for key in member_keys.get(str(entity), ()):
            by_key.setdefault(key, []).append((str(schema), str(prop), str(value), title))
    return {key: choose_caption(found) for key, found in by_key.items()}


def choose_caption(found: list[tuple[str, str, str, str | None]]) -> str:
    """The caption from (schema, prop, value, report title) rows of one entity."""
    schema = _mode([f[0] for f in found])
    label, props, interval = _caption_order().get(schema, (schema, [], False))
    for prop in props:
        values = [f[2] for f in found if f[1] == prop]
        if values:
            counts: dict[str, int] = {}
            for v in values:
                counts[v] = counts.get(v, 0) + 1
            best = min(counts, key=lambda v: (-counts[v], _SHOUTING.search(v) is not None, v))
            return best if prop == "name" or not interval else f"{label}: {best}"
    titles = sorted(str(f[3]) for f in found if f[3])
    return f"{label} in {titles[0]}" if titles else label


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def entity_profile(session: Session, entity_id: str, *, justification: str | None = None,
                   ) -> dict[str, Any] | None:
    """Every visible value of an entity (or its cluster) with the report, grading and
    handling code it came from; None when the session may see nothing of it.

    Raises :class:`NeedsJustification` when any of it is protected-source or H-coded
    material and ``justification`` is empty. Audited as a consultation (with the
    justification when given).
    """
    ids = members(session, entity_id)
    table = session.con.sql(
        """
        SELECT s.entity_id, s.schema, s.prop, s.value, s.original_value, s.reason,
               s.report_id, r.title AS report_title, r.originator, r.grading_scheme,
               r.grading, r.handling_code, r.handling_conditions, r.compartment,
               r.reported_at, coalesce(r.protected_source, FALSE) AS protected_source
        FROM statements s JOIN visible_reports r ON s.report_id = r.id
        WHERE s.entity_hash IN (SELECT hash(unnest(?::VARCHAR[])))
          AND s.entity_id IN (SELECT unnest(?::VARCHAR[]))
        ORDER BY s.prop, s.value, r.reported_at, s.report_id
        """,
        params=[ids, ids],
    ).to_arrow_table()
    if table.num_rows == 0:
        return None
    rows = table.to_pylist()
    sensitive = [r["report_id"] for r in rows if r["protected_source"]
                 or str(r["handling_code"] or "").upper().startswith(JUSTIFY_HANDLING_PREFIX)]
    justification = (justification or "").strip() or None
    if sensitive and not justification:
        raise NeedsJustification(
            "this entity holds protected-source or H-coded material: give a justification "
            "(why you need to see it; it is recorded in the audit log)"
        )
    session.audit("consultation", entity_id, statements=len(rows),
                  sensitive_reports=sorted(set(sensitive)) or None,
                  justification=justification)
    schema = _mode([r["schema"] for r in rows])
    caption = choose_caption([(r["schema"], r["prop"], r["value"], r["report_title"])
                               for r in rows])
    reports: dict[str, dict[str, Any]] = {}
    for r in rows:
        reports.setdefault(r["report_id"], {
            k: r[k] for k in ("report_id", "report_title", "originator", "grading_scheme",
                              "grading", "handling_code", "handling_conditions",
                              "compartment", "reported_at", "protected_source")
        })
    values = [
        {k: r[k] for k in ("entity_id", "prop", "value", "original_value", "reason",
                           "report_id", "grading_scheme", "grading", "handling_code")}
        for r in rows
    ]
    timeline = [{"date": r["reported_at"], "report_id": r["report_id"],
                 "title": r["report_title"], "grading": r["grading"]}
                for r in reports.values() if r["reported_at"]]
    # dates the entity's reports mention in their text (extraction's x:eventDate)
    timeline += [{"date": day, "report_id": rid, "title": f"{reports[rid]['report_title'] or rid} "
                  f"mentions {written}", "grading": reports[rid]["grading"]}
                 for day, rid, written in event_dates(session, list(reports))]
    timeline.sort(key=lambda e: str(e["date"]))
    return {"id": entity_id, "schema": schema, "caption": caption, "members": ids,
            "values": values, "reports": list(reports.values()), "timeline": timeline}


def event_dates(session: Session, report_ids: list[str]) -> list[tuple[Any, str, str]]:
    """(date, report id, as written) for every event date the reports' text mentions."""
    if not report_ids:
        return []
    return [tuple(r) for r in session.sql(
        "SELECT DISTINCT TRY_CAST(value AS DATE) AS day, report_id, coalesce(original_value, value) "
        "FROM visible_statements WHERE prop = 'x:eventDate' AND report_id IN (SELECT unnest(?)) "
        "AND TRY_CAST(value AS DATE) IS NOT NULL ORDER BY 1, 2",
        params=[report_ids],
    ).fetchall()]


def _mode(values: list[Any]) -> str:
    counts: dict[str, int] = {}
    for v in values:
        counts[str(v)] = counts.get(str(v), 0) + 1
    return max(sorted(counts), key=lambda k: counts[k]) if counts else ""


def node_of(session: Session, net: Network, entity_id: str) -> int | None:
    """The network node an entity id (or canonical id) is, if it has any link."""
    for key in [entity_id, *_canonical(session, entity_id)]:
        try:
            return net.index(key)
        except InputError:
            continue
    return None


def _canonical(session: Session, entity_id: str) -> list[str]:
    rows = session.con.execute(
        "SELECT canonical_id FROM canonical WHERE entity_id = ?", [entity_id]
    ).fetchall()
    return [str(r[0]) for r in rows]


def entity_graph(session: Session, net: Network, entity_id: str, *, hops: int = 1,
                 limit: int = 200) -> dict[str, Any]:
    """Everyone within ``hops`` links of the entity, nearest first, at most ``limit``
    nodes; ``hidden`` says how many more the cap left out. Each edge carries its
    statement and report ids and gradings. O(size of the neighbourhood)."""
    center = node_of(session, net, entity_id)
    if center is None:  # visible, but linked to nothing under these filters
        nodes = [{"id": entity_id, "label": quick_captions(session, [entity_id]).get(
            entity_id, entity_id), "distance": 0}]
        result = {"center": entity_id, "hops": hops, "nodes": nodes, "edges": [], "hidden": 0}
        session.audit("consultation", entity_id, graph=True, nodes=1, hidden=0)
        return result
    g = net.graph()
    # Rings outward, so the cap keeps the nearest; each ring is igraph's BFS (C code)
    # bounded by the radius, never a walk of the whole component.
    kept_parts: list[np.ndarray] = []
    dist_parts: list[np.ndarray] = []
    reached = shown = 0
    for d in range(hops + 1):
        ring = np.asarray(g.neighborhood(center, order=d, mindist=d), dtype=np.int64)
        reached += ring.size
        take = ring[: max(limit - shown, 0)]
        shown += take.size
        kept_parts.append(take)
        dist_parts.append(np.full(take.size, d, dtype=np.int64))
    kept = np.concatenate(kept_parts)
    dist = np.concatenate(dist_parts)
    hidden = int(reached - kept.size)
    inside = np.zeros(net.n, dtype=bool)
    inside[kept] = True
    u, v = net.endpoints()
    inc = np.unique(np.fromiter(
        (e for x in kept.tolist() for e in g.incident(x)), dtype=np.int64))
    eids = inc[inside[u[inc]] & inside[v[inc]]] if inc.size else inc
    ids = net.ids
    labels = net.labels(kept)
    schemas = net.nodes.column("schema").take(pa.array(kept)).to_pylist()
    nodes = [{"id": str(ids[x]), "label": labels[i], "schema": schemas[i],
              "distance": int(dist[i])} for i, x in enumerate(kept.tolist())]
    edges = [{"source": str(ids[u[e]]), "target": str(ids[v[e]]), **_jsonable(rec)}
             for e, rec in zip(eids.tolist(), edge_records(net, eids), strict=True)]
    session.audit("consultation", entity_id, graph=True, hops=hops, nodes=len(nodes),
                  hidden=hidden)
    return {"center": str(ids[center]), "hops": hops, "nodes": nodes, "edges": edges,
            "hidden": hidden}


def _jsonable(rec: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in rec.items():
        if isinstance(v, float) and not np.isfinite(v):
            v = None
        elif hasattr(v, "isoformat"):
            v = v.isoformat()
        out[k] = v
    return out
