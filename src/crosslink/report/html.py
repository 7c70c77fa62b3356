"""The analyst's report: one self-contained HTML file that opens offline, for any workspace.

Static sections are rendered here with every data value escaped
(:func:`crosslink.model.safe.html_text`); the interactive network is drawn by
vis-network (the copy that the ``pyvis`` package ships, inlined) and our own
``assets/report.js``, which reads the data from an inert JSON script element and
inserts text only with ``textContent``.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from crosslink.model.safe import html_text as h

__all__ = ["PALETTE", "render_report"]

PALETTE = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b",
    "#e377c2", "#bcbd22", "#393b79", "#637939", "#843c39", "#7b4173", "#3182bd",
]


def _asset(name: str) -> str:
    return (resources.files("crosslink.report") / "assets" / name).read_text(encoding="utf-8")


def _vis_js() -> str:
    # vis-network ships inside the pyvis wheel; we inline it so the report opens offline.
    lib = resources.files("pyvis") / "lib"
    versions = sorted(p.name for p in lib.iterdir() if p.name.startswith("vis-"))
    return (lib / versions[-1] / "vis-network.min.js").read_text(encoding="utf-8")


def _json_for_script(data: Any) -> str:
    """JSON safe inside <script type="application/json">: no '</' can close the element."""
    text = json.dumps(data, ensure_ascii=False, default=str, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _cite(reports: dict[str, dict[str, Any]], report_id: str | None) -> str:
    if not report_id:
        return ""
    r = reports.get(report_id, {})
    protected = ' <span class="note">(protected source: sanitised)</span>' if r.get("protected") else ""
    return (
        f'<span class="note">{h(r.get("title") or report_id)} — {h(r.get("originator") or "?")}</span> '
        f'<span class="grade">{h(r.get("scheme"))} {h(r.get("grading"))}</span> '
        f'<span class="hc">{h(r.get("handling"))}</span>{protected}'
    )


def _cites(reports: dict[str, dict[str, Any]], report_ids: list[str] | None, shown: int = 3) -> str:
    """Every report behind a fact, one a line (the first few; the rest counted)."""
    ids = list(report_ids or [])
    lines = "<br>".join(_cite(reports, r) for r in ids[:shown])
    more = f'<br><span class="note">and {len(ids) - shown} more reports</span>' if len(ids) > shown else ""
    return lines + more


def _name(entity_id: str | None, label: str) -> str:
    """A name that opens its evidence (any listed entity), or plain text."""
    if entity_id:
        return f'<a href="#network" data-node="{h(entity_id)}">{h(label)}</a>'
    return h(label)


def _person(member: dict[str, Any]) -> str:
    role = member.get("role")
    protected = " protected" if member.get("protected") else ""
    badge = f' <span class="role{protected}">{h(role)}</span>' if role else ""
    kp = ' <span class="kp">key player</span>' if member.get("key_player") else ""
    return f'{_name(member["id"], member["label"])}{badge}{kp}'


def _overview(data: dict[str, Any]) -> str:
    cards = "".join(
        f'<div class="card"><div class="n">{h(value)}</div><div class="l">{h(label)}</div></div>'
        for label, value in data["overview"]["cards"]
    )
    rows = "".join(
        f"<tr><td>{h(s['originator'])}</td><td>{h(s['kind'])}</td><td>{h(s['scheme'])}</td>"
        f'<td class="num">{h(s["reports"])}</td><td class="num">{h(s["statements"])}</td></tr>'
        for s in data["overview"]["sources"]
    )
    stages = " · ".join(f"{h(name)} {seconds:.1f}s" for name, seconds in data["overview"].get("stages", []))
    return f"""
<section id="overview"><h2>Overview</h2>
<div class="cards">{cards}</div>
<h3>Sources ingested</h3>
<table class="data"><thead><tr><th>Originator</th><th>Kind</th><th>Grading scheme</th>
<th>Reports</th><th>Statements</th></tr></thead><tbody>{rows}</tbody></table>
{f'<p class="note">Pipeline: {stages}</p>' if stages else ""}
</section>"""


def _network(data: dict[str, Any]) -> str:
    groups = data.get("groups", [])
    legend = "".join(
        f'<span><i class="swatch" style="background:{PALETTE[g["id"] % len(PALETTE)]}"></i>'
        f'group {h(g["id"])} ({h(g["size"])})</span>'
        for g in groups[:12]
    )
    return f"""
<section id="network"><h2>Network</h2>
<div class="toolbar"><input id="find" placeholder="Find a person, phone, account..." aria-label="find">
<div id="find-results" role="status" aria-live="polite"></div>
<div class="legend">{legend}<span>● person ◆ broker ■ shared selector · red ring = key player · white = migrant/victim/witness</span></div></div>
<div class="netwrap"><div id="graph" role="img" aria-label="network"></div>
<aside id="panel"><h3>Evidence</h3><p class="note">Click a person or a link to see every
fact behind it, with its report, originator, grading and handling code.</p></aside></div>
<p class="note">{h(data["graph"].get("note", ""))}</p>
</section>"""


def _list(items: list[str], empty: str = "none recorded") -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>" if items else f'<p class="note">{h(empty)}</p>'


def _holders(row: dict[str, Any]) -> str:
    return ", ".join(_name(x.get("id"), x["label"]) for x in row["holders"])


def _groups(data: dict[str, Any]) -> str:
    reports = data["reports"]
    parts = []
    for g in data.get("groups", []):
        members = _list([_person(m) for m in g["members"]])
        hidden = g.get("members_not_listed", 0)
        more = (f'<p class="note">and {hidden:,} more (ranked below these by role and centrality; '
                'all are in the JSON analysis)</p>') if hidden else ""
        money = _list([
            f'{_name(m.get("payer_id"), m["payer"])} → {_name(m.get("beneficiary_id"), m["beneficiary"])}: '
            f'<b>{h(m["amount"])} {h(m["currency"])}</b> {h(m.get("date") or "")}<br>{_cites(reports, m.get("reports"))}'
            for m in g.get("money", [])[:12]
        ])
        phones = _list([
            f'<code>{h(p["value"])}</code> — {_holders(p)}<br>{_cites(reports, p.get("reports"))}'
            for p in g.get("phones", [])[:12]
        ])
        vehicles = _list([
            f'<code>{h(v["value"])}</code> — {_holders(v)}<br>{_cites(reports, v.get("reports"))}'
            for v in g.get("vehicles", [])[:12]
        ])
        timeline = "".join(
            f'<div><b>{h(t["date"])}</b> {h(t["what"])} {_cites(reports, t.get("reports"), 1)}</div>'
            for t in g.get("timeline", [])[:25]
        ) or '<p class="note">no dated activity</p>'
        key = ", ".join(_person(k) for k in g.get("key_players", [])) or '<span class="note">none</span>'
        parts.append(f"""
<article class="group" id="group-{h(g['id'])}"><header><h3>Group {h(g['id'])}: {h(g.get('label', ''))}</h3>
<span class="badge">{h(f"{g['size']:,}")} people · {h(f"{g.get('facilitators', 0):,}")} not recorded as migrant, victim or witness</span></header>
<p>Key players: {key}</p>
<div class="cols"><div><h4>Members, by role and centrality</h4>{members}{more}</div>
<div><h4>Money flows</h4>{money}</div>
<div><h4>Phones</h4>{phones}<h4>Vehicles</h4>{vehicles}</div>
<div><h4>Timeline</h4><div class="timeline">{timeline}</div></div></div>
</article>""")
    return f'<section id="groups"><h2>Groups</h2><p class="note">{h(data.get("groups_note", ""))}</p>{"".join(parts)}</section>'


def _plan(data: dict[str, Any]) -> str:
    plan = data.get("plan")
    if not plan:
        return ""
    if not plan["chosen"]:
        return f"""
<section id="plan"><h2>Disruption plan</h2>
<p>No one to target in this network.</p>
<p class="note">{h(data.get("policy_note", ""))}</p>
</section>"""
    chosen = "".join(
        f'<li>{_person({"id": c["id"], "label": c["label"], "role": c.get("role")})}</li>' for c in plan["chosen"]
    )
    rows = [("Now", plan["fragmentation_before"], False), (f"Key-player plan (k={plan['k']})", plan["fragmentation_after"], False)]
    for name, base in plan.get("baselines", {}).items():
        rows.append((f"Top-{plan['k']} by {name}", base["fragmentation_after"], True))
    bars = "".join(
        f'<div>{h(label)}</div><div><div class="bar{" base" if base else ""}" style="width:{max(0.5, 100 * value):.1f}%"></div></div>'
        f'<div class="num">{value:.3f}</div>'
        for label, value, base in rows
    )
    return f"""
<section id="plan"><h2>Disruption plan</h2>
<p>Arresting these people, in this order, fragments the facilitator network most
(Borgatti's fragmentation: the share of pairs that can no longer reach each other).</p>
<ol>{chosen}</ol>
<div class="bars">{bars}</div>
<p class="note">Largest connected group: {h(plan["largest_component_before"])} → {h(plan["largest_component_after"])} people.
{h(data.get("policy_note", ""))}</p>
</section>"""


def _evaluation(data: dict[str, Any]) -> str:
    ev = data.get("evaluation")
    if not ev:
        return ""
    rows = "".join(f"<tr><td>{h(k)}</td><td class=\"num\">{h(v)}</td></tr>" for k, v in ev["figures"])
    return f"""
<section id="evaluation"><h2>Evaluation against the simulated truth</h2>
<div class="eval"><span class="tag">EVALUATION ONLY</span>
<p>{h(ev["note"])}</p>
<table class="data"><tbody>{rows}</tbody></table></div>
</section>"""


def render_report(data: dict[str, Any]) -> str:
    """The whole report as one HTML string (vis-network, CSS and data inlined)."""
    payload = {
        "entities": data.get("entities", {}),
        "graph": data["graph"],
        "reports": data["reports"],
        "palette": PALETTE,
    }
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{h(data["title"])}</title>
<style>{_asset("report.css")}</style>
</head><body>
<header class="top"><h1>{h(data["title"])}</h1><span class="sub">{h(data.get("subtitle", ""))}</span>
{f'<span class="marking">{h(data["marking"])}</span>' if data.get("marking") else ""}</header>
<nav class="toc"><a href="#overview">Overview</a><a href="#network">Network</a><a href="#groups">Groups</a>
<a href="#plan">Disruption plan</a>{'<a href="#evaluation">Evaluation</a>' if data.get("evaluation") else ""}</nav>
<main>
{_overview(data)}
{_network(data)}
{_plan(data)}
{_groups(data)}
{_evaluation(data)}
<footer>Generated by crosslink {h(data.get("version", ""))} on {h(data.get("generated_at", ""))}.
Every fact cites its report, originator, grading and handling code. Material from a protected
source appears only in sanitised form.</footer>
</main>
<script type="application/json" id="crosslink-data">{_json_for_script(payload)}</script>
<script>{_vis_js()}</script>
<script>{_asset("report.js")}</script>
</body></html>
"""
