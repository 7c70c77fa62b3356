"""Write the analysis report as JSON and as a one-page HTML summary.

Every string that came from data (ids, labels, provenance) is HTML-escaped.
"""

from __future__ import annotations

import json
import math
from html import escape
from pathlib import Path
from typing import Any

__all__ = ["write_json", "write_html", "render_html"]


def _default(o: Any) -> Any:
    if hasattr(o, "isoformat"):
        return o.isoformat()
    if hasattr(o, "tolist"):
        return o.tolist()
    return str(o)


def _clean(o: Any) -> Any:
    if isinstance(o, float) and not math.isfinite(o):
        return None
    if isinstance(o, dict):
        return {k: _clean(v) for k, v in o.items()}
    if isinstance(o, list):
        return [_clean(v) for v in o]
    return o


def write_json(report: dict[str, Any], path: Path) -> None:
    """Write the report (UTF-8, NaN/inf as null so any JSON reader accepts it)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        json.dump(_clean(report), fh, ensure_ascii=False, default=_default, allow_nan=False)


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(_fmt(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return "" if v is None else str(v)


def render_html(report: dict[str, Any], *, members_shown: int = 15) -> str:
    """A self-contained HTML summary (no scripts, no external resources)."""
    s = report.get("summary", {})
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        "<title>crosslink network analysis</title>",
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;"
        "margin-bottom:1.5em}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}"
        ".note{background:#fff6d5;padding:.5em}</style></head><body>",
        "<h1>Network analysis</h1>",
        _table(["measure", "value"], [[k, v] for k, v in s.items()]),
    ]
    policy = report.get("policy", {})
    if policy:
        parts.append(f"<p class='note'>{escape(str(policy.get('note', '')))}</p>")
    comms = report.get("communities", [])[:50]
    parts.append("<h2>Candidate groups (Leiden communities)</h2>")
    parts.append(
        _table(
            ["group", "size", "stability", "members"],
            [
                [
                    c["id"],
                    c["size"],
                    c.get("stability"),
                    ", ".join(c["members"][:members_shown])
                    + (" ..." if len(c["members"]) > members_shown else ""),
                ]
                for c in comms
            ],
        )
    )
    cent = report.get("centrality", {})
    for name in ("degree", "pagerank", "betweenness"):
        rows = cent.get(name, [])[:20]
        parts.append(f"<h2>Top by {escape(name)}</h2>")
        parts.append(
            _table(["id", "label", name], [[r["id"], r["label"], r["value"]] for r in rows])
        )
    brk = report.get("brokerage", {})
    if brk:
        roles = brk.get("roles", [])
        parts.append("<h2>Brokers between groups (Gould-Fernandez)</h2>")
        parts.append(
            _table(
                ["id", "label", *roles, "total"],
                [
                    [b["id"], b["label"], *[b[r] for r in roles], b["total"]]
                    for b in brk.get("top", [])[:20]
                ],
            )
        )
    kp = report.get("key_players") or report.get("plan")
    if kp:
        parts.append("<h2>Key players (disruption plan)</h2>")
        parts.append(
            _table(
                ["order", "id", "label"],
                [[i + 1, c["id"], c["label"]] for i, c in enumerate(kp["chosen"])],
            )
        )
        rows = [["key-player plan", kp["fragmentation_after"], kp["largest_component_after"]]]
        rows += [
            [f"top-{kp['k']} by {name}", b["fragmentation_after"], b["largest_component_after"]]
            for name, b in kp.get("baselines", {}).items()
        ]
        parts.append(
            f"<p>Fragmentation before: {escape(_fmt(kp['fragmentation_before']))}; "
            f"largest component before: {escape(_fmt(kp['largest_component_before']))}</p>"
        )
        parts.append(_table(["removal", "fragmentation after", "largest component after"], rows))
    parts.append("</body></html>")
    return "".join(parts)


def write_html(report: dict[str, Any], path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(report), encoding="utf-8")
