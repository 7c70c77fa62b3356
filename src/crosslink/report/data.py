"""Assemble what the analyst's report shows, from any workspace and its analysis.

One report for every workspace: ``crosslink demo`` and ``crosslink network analyse
--html`` call the same :func:`build_report_data`. Everything is read through the
session's visible views, so the report shows only what its reader may see, and
protected-source material only sanitised.

What the report holds:

- ``entities``: every person, organisation or selector the report names anywhere (the
  picture, the groups, the plan, the brokers), each with its caption, role, group and
  its **evidence grouped per value** (each value once, with every report stating it).
  A name in a list opens its evidence whether or not the picture draws it.
- ``graph``: the picture (a few hundred nodes: the best-connected facilitators of the
  largest groups, key players, brokers, and the selectors two of them share).
- ``groups``: communities ranked by how many facilitators they hold; members ranked by
  role and centrality, so a group of 1,800 opens with the few who run it.
- ``search``: what the find box can find (names, phones, accounts, plates).

Sizes are bounded on purpose (``MAX_GROUPS``, ``MAX_GRAPH_NODES``, ``MEMBERS_LISTED``,
``EVIDENCE_PER_ENTITY``); the full lists are in the workspace and the JSON analysis.
Cost: one SQL pass over the statements of the listed entities, O(listed statements).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import igraph as ig
import numpy as np
import pyarrow as pa

from crosslink.model.statement import NON_SUSPECT_ROLES
from crosslink.network import Network
from crosslink.network.targets import kind_of
from crosslink.store.session import Session

__all__ = ["build_report_data", "report_citations", "workspace_overview"]

MAX_GROUPS = 8
MAX_GRAPH_NODES = 450
MEMBERS_LISTED = 25
EVIDENCE_PER_ENTITY = 40
SELECTOR_PREFIX = "Selector:"
#: Who leads a group, in the order the members list shows them (then by PageRank).
ROLE_RANK = {"organiser": 0, "suspect": 1, "facilitator": 2, "broker": 3, "recruiter": 4,
             "money_handler": 5, "driver": 6, "boat_pilot": 7}


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
    kinds = np.array([kind_of(s) for s in net.nodes.column("schema").to_pylist()], dtype=object)
    people_mask = np.isin(kinds, ["person", "unknown"])
    ranked = []
    for community in analysis["communities"]:
        idx = np.array([index[m] for m in community["members"] if m in index], dtype=np.int64)
        people = idx[people_mask[idx]] if idx.size else idx
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


def _rank_key(role: str | None, protected: bool, key_player: bool, pagerank: float) -> tuple[Any, ...]:
    return (protected, not key_player, ROLE_RANK.get(role or "", 50), -pagerank)


def _picture(net: Network, groups: list[dict[str, Any]], key_ids: set[str],
             brokers: set[str]) -> tuple[list[int], list[tuple[int, int, int]], np.ndarray]:
    """Which nodes the picture draws, its edges (edge id, local a, local b) and layout."""
    ids = net.ids
    schema = net.nodes.column("schema").to_pylist()
    targetable = net.targetable()
    degree_of = np.asarray(net.graph().degree())
    chosen: list[int] = []
    for group in groups:
        # The best-connected facilitators of each group, so the picture shows structure.
        people = sorted((int(i) for i in group["people"].tolist() if targetable[i]), key=lambda i: -degree_of[i])
        chosen.extend(people[: MAX_GRAPH_NODES // max(1, len(groups))])
    index = {node_id: i for i, node_id in enumerate(ids.tolist())}
    chosen.extend(index[k] for k in key_ids | brokers if k in index)
    shown = sorted(set(chosen))
    shown_set = set(shown)
    u, v = net.endpoints()
    # Shared selectors that join two or more shown people are shown too.
    extra: Counter[int] = Counter()
    for a, b in zip(u.tolist(), v.tolist(), strict=True):
        if a in shown_set and (schema[b] or "").startswith(SELECTOR_PREFIX):
            extra[b] += 1
        elif b in shown_set and (schema[a] or "").startswith(SELECTOR_PREFIX):
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
    return shown, edge_rows, _layout(len(shown), [(a, b) for _, a, b in edge_rows])


def _entity_evidence(session: Session, entity_ids: list[str], selector_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Evidence per entity, each value once with every report stating it.

    For an entity (or a canonical cluster): its own values. For a selector node
    (``phone:+44...``): who is stated to hold or mention it, and where.
    """
    con = session.con
    evidence: dict[str, list[dict[str, Any]]] = {}
    con.register("_report_entities", pa.table({"cid": entity_ids}, schema=pa.schema([("cid", pa.string())])))
    con.register("_report_selectors", pa.table({"sid": selector_ids}, schema=pa.schema([("sid", pa.string())])))
    try:
        rows = con.sql(
            f"""
            SELECT cid, prop, value, reason, reports FROM (
              SELECT cid, prop, value, any_value(reason) AS reason,
                     list(DISTINCT report_id ORDER BY report_id) AS reports,
                     row_number() OVER (PARTITION BY cid ORDER BY prop, value) AS k
              FROM (SELECT coalesce(c.canonical_id, s.entity_id) AS cid, s.* FROM visible_statements s
                    LEFT JOIN canonical c ON c.entity_id = s.entity_id)
              WHERE cid IN (SELECT cid FROM _report_entities) AND prop_type <> 'entity'
              GROUP BY cid, prop, value
            ) WHERE k <= {EVIDENCE_PER_ENTITY} ORDER BY cid, prop, value
            """  # noqa: S608  (a constant)
        ).fetchall()
        for cid, prop, value, reason, reports in rows:
            item: dict[str, Any] = {"prop": prop, "value": value, "reports": list(reports)}
            if reason:
                item["uncleaned"] = reason
            evidence.setdefault(str(cid), []).append(item)
        holders = con.sql(
            f"""
            SELECT sid, holder, props, reports FROM (
              SELECT s.prop_type || ':' || s.value AS sid, coalesce(c.canonical_id, s.entity_id) AS holder,
                     list(DISTINCT s.prop ORDER BY s.prop) AS props,
                     list(DISTINCT s.report_id ORDER BY s.report_id) AS reports,
                     row_number() OVER (PARTITION BY s.prop_type || ':' || s.value ORDER BY holder) AS k
              FROM visible_statements s LEFT JOIN canonical c ON c.entity_id = s.entity_id
              WHERE s.prop_type || ':' || s.value IN (SELECT sid FROM _report_selectors)
              GROUP BY 1, 2
            ) WHERE k <= {EVIDENCE_PER_ENTITY} ORDER BY sid, holder
            """  # noqa: S608  (a constant)
        ).fetchall()
    finally:
        con.unregister("_report_entities")
        con.unregister("_report_selectors")
    from crosslink.store.captions import captions

    names = captions(con, sorted({str(h) for _, h, _, _ in holders}))
    for sid, holder, props, reports in holders:
        evidence.setdefault(str(sid), []).append({
            "prop": " / ".join(props), "value": names.get(str(holder), str(holder)),
            "holder": str(holder), "reports": list(reports),
        })
    return evidence


def build_report_data(
    session: Session,
    net: Network,
    analysis: dict[str, Any],
    *,
    title: str,
    subtitle: str = "",
    marking: str = "",
) -> dict[str, Any]:
    """The report's data: overview, entities with evidence, picture, groups, plan."""
    ids = net.ids
    labels = net.nodes.column("label").to_pylist()
    roles = net.nodes.column("roles").to_pylist()
    schema = net.nodes.column("schema").to_pylist()
    index = {node_id: i for i, node_id in enumerate(ids.tolist())}
    groups = _groups(net, analysis)
    plan = analysis["key_players"]
    key_ids = {c["id"] for c in plan["chosen"]}
    broker_role = {b["id"]: max(("coordinator", "itinerant", "gatekeeper", "representative", "liaison"),
                                key=lambda r: b.get(r, 0)) for b in analysis["brokerage"]["top"][:15]}
    membership: dict[int, int] = {}
    for number, group in enumerate(groups):
        for i in group["people"].tolist():
            membership[int(i)] = number
    btw = {r["id"]: r["value"] for r in analysis["centrality"]["betweenness"]}
    pr = {r["id"]: r["value"] for r in analysis["centrality"]["pagerank"]}
    deg = {r["id"]: r["value"] for r in analysis["centrality"]["degree"]}

    shown, edge_rows, coords = _picture(net, groups, key_ids, set(broker_role))
    drawn = {str(ids[i]) for i in shown}

    # Every node the report names: the picture, each group's listed members, the plan.
    listed: dict[int, None] = dict.fromkeys(shown)
    ranked_groups = []
    for group in groups:
        people = sorted(
            (int(i) for i in group["people"].tolist()),
            key=lambda i: _rank_key(_primary_role(roles[i]), _primary_role(roles[i]) in NON_SUSPECT_ROLES,
                                    str(ids[i]) in key_ids, pr.get(str(ids[i]), 0.0)),
        )
        ranked_groups.append(people)
        listed.update(dict.fromkeys(people[:MEMBERS_LISTED]))
    listed.update(dict.fromkeys(index[k] for k in key_ids | set(broker_role) if k in index))

    def is_selector(i: int) -> bool:
        return (schema[i] or "").startswith(SELECTOR_PREFIX)

    entity_ids = [str(ids[i]) for i in listed if not is_selector(i)]
    selector_ids = [str(ids[i]) for i in listed if is_selector(i)]
    evidence = _entity_evidence(session, entity_ids, selector_ids)
    entities: dict[str, dict[str, Any]] = {}
    for i in listed:
        node_id = str(ids[i])
        role = _primary_role(roles[i])
        entities[node_id] = {
            "label": labels[i] or node_id[:12],
            "kind": "selector" if is_selector(i) else kind_of(schema[i]),
            "schema": (schema[i] or "").removeprefix(SELECTOR_PREFIX) or None,
            "role": role,
            "protected": bool(role in NON_SUSPECT_ROLES),
            "group": membership.get(i),
            "key_player": node_id in key_ids,
            "broker": broker_role.get(node_id),
            "drawn": node_id in drawn,
            "scores": {"degree": deg.get(node_id, 0), "pagerank": pr.get(node_id, 0.0),
                       "betweenness": btw.get(node_id, 0.0)} if node_id in deg else None,
            "evidence": evidence.get(node_id, []),
        }
    cited: set[str] = {r for e in entities.values() for item in e["evidence"] for r in item["reports"]}

    nodes = []
    for k, i in enumerate(shown):
        node_id = str(ids[i])
        e = entities[node_id]
        nodes.append({
            "id": node_id, "label": e["label"], "kind": e["kind"], "protected": e["protected"],
            "group": e["group"], "key_player": e["key_player"], "broker": e["broker"],
            "size": 8 if e["kind"] == "selector" else (22 if e["key_player"] else 14),
            "show_label": e["kind"] != "selector",
            "x": round(float(coords[k, 0]), 1), "y": round(float(coords[k, 1]), 1),
        })
    edge_table = net.edges
    kinds = edge_table.column("kinds").to_pylist()
    weights = edge_table.column("weight").to_pylist()
    report_lists = edge_table.column("report_ids").to_pylist() if "report_ids" in edge_table.column_names else None
    edges = []
    for eid, a, b in edge_rows:
        reports = (report_lists[eid] or [])[:EVIDENCE_PER_ENTITY] if report_lists else []
        cited.update(reports)
        what = " / ".join(sorted(set(kinds[eid] or [])))
        edges.append({
            "id": f"e{eid}", "from": nodes[a]["id"], "to": nodes[b]["id"], "kinds": what,
            "weight": round(float(weights[eid]), 2),
            "evidence": [{"what": what, "reports": reports}] if reports else [],
        })

    group_data = [
        _group_detail(session, net, number, group, people, entities, cited)
        for number, (group, people) in enumerate(zip(groups, ranked_groups, strict=True))
    ]
    for c in plan["chosen"]:
        if c["id"] in index:
            c["role"] = _primary_role(roles[index[c["id"]]])
    return {
        "title": title,
        "subtitle": subtitle,
        "marking": marking,
        "overview": {"cards": [], "sources": [], "stages": []},
        "entities": entities,
        "graph": {
            "nodes": nodes,
            "edges": edges,
            "note": (
                f"Showing {len(nodes)} of {net.n:,} nodes: the best-connected facilitators of the "
                f"{len(groups)} largest groups, key players, brokers, and the phones, accounts and "
                "plates that two or more of them share. Every name listed below opens its evidence, "
                "drawn or not. Migrants, victims and witnesses are drawn white and are never targets."
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
    people: list[int],
    entities: dict[str, dict[str, Any]],
    cited: set[str],
) -> dict[str, Any]:
    con = session.con
    ids = net.ids
    labels = net.nodes.column("label").to_pylist()
    member_ids = [str(ids[i]) for i in people]
    listed = [
        {"id": m, "label": entities[m]["label"], "role": entities[m]["role"],
         "protected": entities[m]["protected"], "key_player": entities[m]["key_player"]}
        for m in member_ids[:MEMBERS_LISTED]
    ]
    name: dict[str, str] = {str(ids[i]): str(labels[i] or ids[i]) for i in people}
    con.register("_members", pa.table({"cid": member_ids}))
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
                       max(CASE WHEN s.prop IN ('amount', 'amountEur') THEN s.value END) AS amount,
                       max(CASE WHEN s.prop = 'currency' THEN s.value
                                WHEN s.prop = 'amountEur' THEN 'EUR' END) AS currency,
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
            SELECT prop, value, list(DISTINCT cid) AS holders, list(DISTINCT report_id ORDER BY report_id) AS reports
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
            SELECT v.value, list(DISTINCT m.cid) AS holders, list(DISTINCT v.report_id ORDER BY v.report_id) AS reports
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
        # Dates the reports' text mentions ("met on 3 March"), each on the report's
        # note (extraction's x:eventDate), placed on the group's timeline too.
        mentioned = con.sql(
            """
            SELECT TRY_CAST(v.value AS DATE) AS day, r.title, r.id, list(DISTINCT m.cid) AS who,
                   any_value(v.original_value) AS written
            FROM visible_statements v
            JOIN (SELECT DISTINCT cid, report_id FROM _member_statements) m ON v.report_id = m.report_id
            JOIN visible_reports r ON r.id = v.report_id
            WHERE v.prop = 'x:eventDate' AND TRY_CAST(v.value AS DATE) IS NOT NULL
            GROUP BY ALL ORDER BY day DESC LIMIT 25
            """
        ).fetchall()
    finally:
        con.unregister("_members")
        con.execute("DROP TABLE IF EXISTS _member_statements")
    money_rows = []
    for payer, beneficiary, amount, currency, date, report in money:
        cited.add(report)
        money_rows.append({"payer": name.get(payer, "outside the group"), "beneficiary": name.get(beneficiary, "outside the group"),
                           "payer_id": payer if payer in entities else None,
                           "beneficiary_id": beneficiary if beneficiary in entities else None,
                           "amount": amount, "currency": currency or "", "date": date, "reports": [report]})
    phones: list[dict[str, Any]] = []
    vehicles: list[dict[str, Any]] = []
    for prop, value, holders, reports in selectors:
        cited.update(reports)
        row = _selector_row(value, holders, reports, name, entities)
        (vehicles if prop == "registrationNumber" else phones).append(row)
    known = {v["value"] for v in vehicles}
    for value, holders, reports in plates:
        if value not in known:
            cited.update(reports)
            vehicles.append(_selector_row(value, holders, reports, name, entities))
    events = []
    for date, title, report, who in timeline:
        cited.add(report)
        names = ", ".join(dict.fromkeys(name.get(w, w[:12]) for w in who[:4]))
        events.append({"date": date, "what": f"{names} in {title}", "reports": [report]})
    for day, title, report, who, written in mentioned:
        cited.add(report)
        names = ", ".join(dict.fromkeys(name.get(w, w[:12]) for w in who[:4]))
        events.append({"date": day, "reports": [report],
                       "what": f"{title} mentions {written or day} ({names})"})
    for row in money_rows:
        if row["date"]:
            events.append({"date": row["date"], "reports": row["reports"],
                           "what": f"payment {row['payer']} → {row['beneficiary']}, {row['amount']} {row['currency']}"})
    events.sort(key=lambda e: str(e["date"]), reverse=True)
    organisers = [m for m in listed if m["role"] == "organiser"]
    label = (f"led by {organisers[0]['label']}" if organisers
             else f"around {listed[0]['label']}" if listed else "")
    return {
        "id": number,
        "label": label,
        "size": len(people),
        "facilitators": group["facilitators"],
        "members": listed,
        "members_not_listed": max(0, len(people) - len(listed)),
        "key_players": [m for m in listed if m["key_player"]],
        "money": money_rows,
        "phones": phones[:12],
        "vehicles": vehicles[:12],
        "timeline": events,
    }


def _selector_row(value: str, holders: list[str], reports: list[str], name: dict[str, str],
                  entities: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A phone or plate with who holds it; each holder clickable when the report lists them."""
    seen: dict[str, dict[str, Any]] = {}
    for h in holders:
        label = name.get(h, h[:12])
        seen.setdefault(label, {"label": label, "id": h if h in entities else None})
    return {"value": value, "holders": list(seen.values())[:6], "reports": reports[:EVIDENCE_PER_ENTITY]}


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


def workspace_overview(
    session: Session,
    analysis: dict[str, Any],
    *,
    stages: list[tuple[str, float]] | None = None,
    extra_cards: list[tuple[str, Any]] | None = None,
) -> dict[str, Any]:
    """Overview cards and the sources table for any workspace, as the reader may see it."""
    summary = session.summary()
    sources = session.con.sql(
        """
        SELECT coalesce(r.originator, '(none)'), any_value(r.originator_kind),
               string_agg(DISTINCT r.grading_scheme, ', '), count(DISTINCT r.id), count(s.id)
        FROM visible_reports r LEFT JOIN visible_statements s ON s.report_id = r.id
        GROUP BY 1 ORDER BY 4 DESC
        """
    ).fetchall()
    people = session.con.sql(
        """
        SELECT count(DISTINCT coalesce(c.canonical_id, s.entity_id)) FROM visible_statements s
        LEFT JOIN canonical c ON c.entity_id = s.entity_id WHERE s.schema = 'Person'
        """
    ).fetchall()[0][0]
    cards: list[tuple[str, Any]] = [
        ("reports", f"{summary['reports']:,}"),
        ("statements", f"{summary['statements']:,}"),
        ("entities", f"{summary['entities']:,}"),
        ("values kept uncleaned", f"{summary['uncleaned']:,}"),
        ("people after resolution", f"{people:,}"),
        *(extra_cards or []),
        ("groups found", f"{analysis['summary']['communities']:,}"),
        ("network nodes / links", f"{analysis['summary']['nodes']:,} / {analysis['summary']['edges']:,}"),
    ]
    return {
        "cards": cards,
        "sources": [
            {"originator": o, "kind": k, "scheme": s, "reports": f"{n:,}", "statements": f"{m:,}"}
            for o, k, s, n, m in sources
        ],
        "stages": stages or [],
    }
