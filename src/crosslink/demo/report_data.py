"""Assemble what the analyst's report shows, from the workspace and the analysis.

Everything here is read through the session's visible views, so the report shows
only what its reader may see, and protected-source material only sanitised.

Sizes are bounded on purpose: the picture shows the facilitators of the largest
groups (a few hundred nodes), each with at most ``EVIDENCE_PER_NODE`` facts; the
full lists are in the workspace and the JSON analysis.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import igraph as ig
import numpy as np
import pyarrow as pa

from crosslink.model.statement import NON_SUSPECT_ROLES
from crosslink.network import Network
from crosslink.store.session import Session

__all__ = ["build_report_data", "report_citations"]

MAX_GROUPS = 8
MAX_GRAPH_NODES = 450
EVIDENCE_PER_NODE = 40
SELECTOR_PREFIX = "Selector:"


def _primary_role(roles: list[str] | None) -> str | None:
    if not roles:
        return None
    counts = Counter(roles)
    # A person any source calls a suspect is shown as one; otherwise the commonest role.
    for role in ("organiser", "suspect", "facilitator"):
        if role in counts:
            return role
    return counts.most_common(1)[0][0]


def _groups(net: Network, analysis: dict[str, Any]) -> list[dict[str, Any]]:
    """Communities ranked by how many targetable people (facilitators) they hold."""
    index = {node_id: i for i, node_id in enumerate(net.ids.tolist())}
    targetable = net.targetable()
    schema = net.nodes.column("schema").to_numpy(zero_copy_only=False)
    ranked = []
    for community in analysis["communities"]:
        idx = np.array([index[m] for m in community["members"] if m in index], dtype=np.int64)
        people = idx[schema[idx] == "Person"] if idx.size else idx
        facilitators = int(targetable[people].sum()) if people.size else 0
        if facilitators >= 2:
            ranked.append((facilitators, community["id"], people))
    ranked.sort(key=lambda item: (-item[0], item[1]))
    return [
        {"community": cid, "facilitators": f, "people": people}
        for f, cid, people in ranked[:MAX_GROUPS]
    ]


def _layout(n: int, edges: list[tuple[int, int]], seed: int = 7) -> np.ndarray:
    graph = ig.Graph(n=n, edges=edges)
    layout = graph.layout_fruchterman_reingold(niter=500, seed=np.random.default_rng(seed).random((n, 2)).tolist())
    coords = np.array(layout.coords, dtype=np.float64) if n else np.zeros((0, 2))
    if n:
        coords -= coords.mean(axis=0)
        scale = np.abs(coords).max() or 1.0
        coords *= 700.0 / scale
    return coords


def _register(con: Any, name: str, table: pa.Table) -> None:
    con.register(name, table)


def build_report_data(
    session: Session,
    net: Network,
    analysis: dict[str, Any],
    *,
    title: str,
    subtitle: str = "",
    marking: str = "",
) -> dict[str, Any]:
    """The report's data: overview, picture (nodes, edges, evidence), groups, plan."""
    con = session.con
    ids = net.ids
    labels = net.nodes.column("label").to_pylist()
    roles = net.nodes.column("roles").to_pylist()
    schema = net.nodes.column("schema").to_pylist()
    groups = _groups(net, analysis)
    plan = analysis["key_players"]
    key_ids = {c["id"] for c in plan["chosen"]}
    broker_role = {b["id"]: max(("coordinator", "itinerant", "gatekeeper", "representative", "liaison"),
                                key=lambda r: b.get(r, 0)) for b in analysis["brokerage"]["top"][:15]}
    membership: dict[int, int] = {}
    for number, group in enumerate(groups):
        for i in group["people"].tolist():
            membership[int(i)] = number

    # -- which nodes the picture shows -----------------------------------------
    targetable = net.targetable()
    degree_of = np.asarray(net.graph().degree())
    chosen: list[int] = []
    for group in groups:
        # The best-connected facilitators of each group, so the picture shows structure.
        people = sorted((int(i) for i in group["people"].tolist() if targetable[i]), key=lambda i: -degree_of[i])
        chosen.extend(people[: MAX_GRAPH_NODES // max(1, len(groups))])
    index = {node_id: i for i, node_id in enumerate(ids.tolist())}
    chosen.extend(index[k] for k in key_ids if k in index)
    chosen.extend(index[k] for k in broker_role if k in index)
    shown = sorted(set(chosen))
    shown_set = set(shown)
    u, v = net.endpoints()
    # Shared selectors that join two or more shown people are shown too.
    extra: Counter[int] = Counter()
    for a, b in zip(u.tolist(), v.tolist(), strict=True):
        if a in shown_set and schema[b].startswith(SELECTOR_PREFIX):
            extra[b] += 1
        elif b in shown_set and schema[a].startswith(SELECTOR_PREFIX):
            extra[a] += 1
    shown.extend(sorted(i for i, count in extra.items() if count >= 2))
    # Drop people with no link to anyone else in the picture (key players stay).
    linked: set[int] = set()
    shown_now = set(shown)
    for a, b in zip(u.tolist(), v.tolist(), strict=True):
        if a in shown_now and b in shown_now:
            linked.update((a, b))
    shown = [i for i in shown if i in linked or str(ids[i]) in key_ids]
    local = {node: k for k, node in enumerate(shown)}
    edge_rows = [
        (e, local[a], local[b])
        for e, (a, b) in enumerate(zip(u.tolist(), v.tolist(), strict=True))
        if a in local and b in local
    ]
    coords = _layout(len(shown), [(a, b) for _, a, b in edge_rows])

    # -- evidence for shown nodes ------------------------------------------------
    person_ids = [str(ids[i]) for i in shown if not schema[i].startswith(SELECTOR_PREFIX)]
    _register(con, "_shown", pa.table({"cid": person_ids}))
    evidence_rows = con.sql(
        f"""
        SELECT cid, prop, value, report_id FROM (
            SELECT coalesce(c.canonical_id, s.entity_id) AS cid, s.prop, s.value, s.report_id,
                   row_number() OVER (PARTITION BY coalesce(c.canonical_id, s.entity_id)
                                      ORDER BY s.prop, s.value, s.report_id) AS k
            FROM visible_statements s LEFT JOIN canonical c ON c.entity_id = s.entity_id
            WHERE coalesce(c.canonical_id, s.entity_id) IN (SELECT cid FROM _shown)
              AND s.prop_type <> 'entity'
        ) WHERE k <= {EVIDENCE_PER_NODE}
        """  # noqa: S608  (a constant)
    ).fetchall()
    con.unregister("_shown")
    evidence: dict[str, list[dict[str, str]]] = {}
    cited: set[str] = set()
    for cid, prop, value, report in evidence_rows:
        evidence.setdefault(cid, []).append({"prop": prop, "value": value, "report": report})
        cited.add(report)

    btw = {r["id"]: r["value"] for r in analysis["centrality"]["betweenness"]}
    pr = {r["id"]: r["value"] for r in analysis["centrality"]["pagerank"]}
    deg = {r["id"]: r["value"] for r in analysis["centrality"]["degree"]}
    nodes = []
    for k, i in enumerate(shown):
        node_id = str(ids[i])
        role = _primary_role(roles[i])
        is_selector = schema[i].startswith(SELECTOR_PREFIX)
        nodes.append({
            "id": node_id,
            "label": labels[i] or node_id[:10],
            "kind": "selector" if is_selector else schema[i],
            "role": role,
            "protected": bool(role in NON_SUSPECT_ROLES),
            "group": membership.get(i),
            "key_player": node_id in key_ids,
            "broker": broker_role.get(node_id),
            "size": 8 if is_selector else (22 if node_id in key_ids else 14),
            "show_label": not is_selector,
            "x": round(float(coords[k, 0]), 1),
            "y": round(float(coords[k, 1]), 1),
            "scores": {"degree": deg.get(node_id, 0), "pagerank": pr.get(node_id, 0.0),
                       "betweenness": btw.get(node_id, 0.0)} if node_id in deg else None,
            "evidence": evidence.get(node_id, []),
        })
    edge_table = net.edges
    kinds = edge_table.column("kinds").to_pylist()
    weights = edge_table.column("weight").to_pylist()
    report_lists = edge_table.column("report_ids").to_pylist() if "report_ids" in edge_table.column_names else None
    edges = []
    for e, a, b in edge_rows:
        reports = (report_lists[e] or [])[:EVIDENCE_PER_NODE] if report_lists else []
        cited.update(reports)
        what = " / ".join(sorted(set(kinds[e] or [])))
        edges.append({
            "id": f"e{e}", "from": nodes[a]["id"], "to": nodes[b]["id"], "kinds": what,
            "weight": round(float(weights[e]), 2),
            "evidence": [{"what": what, "report": r} for r in reports],
        })

    group_data = [
        _group_detail(session, net, number, group, key_ids, labels, roles, cited)
        for number, group in enumerate(groups)
    ]
    for c in plan["chosen"]:
        if c["id"] in index:
            c["role"] = _primary_role(roles[index[c["id"]]])
    return {
        "title": title,
        "subtitle": subtitle,
        "marking": marking,
        "overview": {"cards": [], "sources": [], "stages": []},
        "graph": {
            "nodes": nodes,
            "edges": edges,
            "note": (
                f"Showing {len(nodes)} of {net.n} nodes: the facilitators of the {len(groups)} largest "
                "groups, key players, brokers, and the phones, accounts and plates that two or more of "
                "them share. Migrants, victims and witnesses are drawn white and are never targets."
            ),
        },
        "groups": group_data,
        "groups_note": analysis["policy"]["note"],
        "plan": plan,
        "policy_note": analysis["policy"]["note"],
        "reports": report_citations(session, cited),
    }


def _group_detail(
    session: Session,
    net: Network,
    number: int,
    group: dict[str, Any],
    key_ids: set[str],
    labels: list[str],
    roles: list[list[str] | None],
    cited: set[str],
) -> dict[str, Any]:
    con = session.con
    ids = net.ids
    people = group["people"].tolist()
    members = sorted(
        (
            {
                "id": str(ids[i]),
                "label": labels[i] or str(ids[i])[:10],
                "role": _primary_role(roles[i]),
                "protected": _primary_role(roles[i]) in NON_SUSPECT_ROLES,
                "key_player": str(ids[i]) in key_ids,
            }
            for i in people
        ),
        key=lambda m: (m["protected"], not m["key_player"], m["label"]),
    )
    member_ids = [m["id"] for m in members]
    _register(con, "_members", pa.table({"cid": member_ids}))
    try:
        # Statement ids of members, through canonical ids, once.
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE _member_statements AS
            SELECT coalesce(c.canonical_id, s.entity_id) AS cid, s.*
            FROM visible_statements s LEFT JOIN canonical c ON c.entity_id = s.entity_id
            WHERE coalesce(c.canonical_id, s.entity_id) IN (SELECT cid FROM _members)
            """
        )
        money = con.sql(
            """
            WITH pay AS (
                SELECT s.entity_id, s.report_id,
                       max(CASE WHEN s.prop = 'payer' THEN coalesce(c.canonical_id, s.value) END) AS payer,
                       max(CASE WHEN s.prop = 'beneficiary' THEN coalesce(c.canonical_id, s.value) END) AS beneficiary,
                       max(CASE WHEN s.prop = 'amount' THEN s.value END) AS amount,
                       max(CASE WHEN s.prop = 'currency' THEN s.value END) AS currency,
                       max(CASE WHEN s.prop = 'date' THEN s.value END) AS date
                FROM visible_statements s LEFT JOIN canonical c ON c.entity_id = s.value
                WHERE s.schema = 'Payment'
                GROUP BY s.entity_id, s.report_id
            )
            SELECT payer, beneficiary, amount, currency, date, report_id FROM pay
            WHERE payer IN (SELECT cid FROM _members) OR beneficiary IN (SELECT cid FROM _members)
            ORDER BY date DESC NULLS LAST LIMIT 12
            """
        ).fetchall()
        selectors = con.sql(
            """
            SELECT prop, value, list(DISTINCT cid) AS holders, min(report_id) AS report_id
            FROM _member_statements
            WHERE prop IN ('phone', 'registrationNumber', 'iban', 'email') AND reason IS NULL
            GROUP BY prop, value ORDER BY len(list(DISTINCT cid)) DESC, value LIMIT 30
            """
        ).fetchall()
        # Plates are rarely a person's own property in intelligence: they are read by
        # ANPR or named in a report about someone. A vehicle is shown with the members
        # named in the same reports.
        plates = con.sql(
            """
            SELECT v.value, list(DISTINCT m.cid) AS holders, min(v.report_id) AS report_id
            FROM visible_statements v
            JOIN (SELECT DISTINCT cid, report_id FROM _member_statements) m ON v.report_id = m.report_id
            WHERE v.schema = 'Vehicle' AND v.prop = 'registrationNumber' AND v.reason IS NULL
            GROUP BY v.value ORDER BY count(DISTINCT v.report_id) DESC, v.value LIMIT 12
            """
        ).fetchall()
        timeline = con.sql(
            """
            SELECT r.reported_at, r.title, r.id, list(DISTINCT m.cid) AS who
            FROM _member_statements m JOIN visible_reports r ON r.id = m.report_id
            WHERE r.reported_at IS NOT NULL
            GROUP BY ALL ORDER BY r.reported_at DESC LIMIT 25
            """
        ).fetchall()
    finally:
        con.unregister("_members")
        con.execute("DROP TABLE IF EXISTS _member_statements")
    name: dict[str, str] = {str(m["id"]): str(m["label"]) for m in members}
    money_rows = []
    for payer, beneficiary, amount, currency, date, report in money:
        cited.add(report)
        money_rows.append({"payer": name.get(payer, "outside the group"), "beneficiary": name.get(beneficiary, "outside the group"),
                           "amount": amount, "currency": currency or "", "date": date, "report": report})
    phones: list[dict[str, Any]] = []
    vehicles: list[dict[str, Any]] = []
    for prop, value, holders, report in selectors:
        cited.add(report)
        # Distinct names: unresolved records of one person show once.
        holder_names = list(dict.fromkeys(name.get(h, h[:8]) for h in holders))
        row = {"value": value, "holders": holder_names[:6], "report": report}
        (vehicles if prop == "registrationNumber" else phones).append(row)
    known = {v["value"] for v in vehicles}
    for value, holders, report in plates:
        if value not in known:
            cited.add(report)
            holder_names = list(dict.fromkeys(name.get(h, h[:8]) for h in holders))
            vehicles.append({"value": value, "holders": holder_names[:6], "report": report})
    events = []
    for date, title, report, who in timeline:
        cited.add(report)
        names = ", ".join(name.get(w, w[:8]) for w in who[:4])
        events.append({"date": date, "what": f"{names} in {title}", "report": report})
    for row in money_rows:
        if row["date"]:
            events.append({"date": row["date"], "report": row["report"],
                           "what": f"payment {row['payer']} → {row['beneficiary']}, {row['amount']} {row['currency']}"})
    events.sort(key=lambda e: str(e["date"]), reverse=True)
    organisers = [m for m in members if m["role"] == "organiser"]
    label = f"led by {organisers[0]['label']}" if organisers else f"around {members[0]['label']}" if members else ""
    return {
        "id": number,
        "label": label,
        "size": len(members),
        "facilitators": group["facilitators"],
        "members": members,
        "key_players": [m for m in members if m["key_player"]],
        "money": money_rows,
        "phones": phones[:12],
        "vehicles": vehicles[:12],
        "timeline": events,
    }


def report_citations(session: Session, report_ids: set[str]) -> dict[str, dict[str, Any]]:
    """Citation data for reports, through the visible view (sanitised as the reader sees it)."""
    if not report_ids:
        return {}
    session.con.register("_cited", pa.table({"id": sorted(report_ids)}))
    try:
        rows = session.con.sql(
            """
            SELECT id, title, originator, grading_scheme, grading, handling_code,
                   handling_conditions, protected_source, reported_at
            FROM visible_reports WHERE id IN (SELECT id FROM _cited)
            """
        ).fetchall()
    finally:
        session.con.unregister("_cited")
    return {
        r[0]: {"title": r[1], "originator": r[2], "scheme": r[3], "grading": r[4],
               "handling": r[5] + (f" ({r[6]})" if r[6] else "") if r[5] else None,
               "protected": bool(r[7]), "date": r[8]}
        for r in rows
    }
