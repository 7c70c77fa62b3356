"""The demo's sample case file: one group of the analysis, charged under s.25.

Kept small on purpose (one group, the one with the most recorded suspects): it shows
what `crosslink case export` writes without slowing `make demo` down.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crosslink.cases import add_group, export_case, list_cases, new_case
from crosslink.store.session import Session

__all__ = ["DEMO_CASE", "demo_case"]

DEMO_CASE = "KESTREL-1"


def demo_case(session: Session, analysis: dict[str, Any], out: Path) -> dict[str, Any] | None:
    """Open case KESTREL-1 on the group with most suspects and export it to ``out``."""
    groups = analysis.get("communities") or []
    if not groups:
        return None
    suspects = {r[0] for r in session.sql(
        "SELECT coalesce(c.canonical_id, s.entity_id) FROM visible_statements s "
        "LEFT JOIN canonical c USING (entity_id) WHERE s.prop = 'x:role' AND s.value = 'suspect'"
    ).fetchall()}
    best = max(groups, key=lambda g: (len(suspects & set(g["members"])), -int(g["id"])))
    if not suspects & set(best["members"]):
        return None
    if DEMO_CASE not in {c["id"] for c in list_cases(session)}:
        new_case(session, DEMO_CASE, ["s25", "poca_s328"], title="Operation KESTREL: sample case file")
    add_group(session, DEMO_CASE, best["members"], label=f"group {best['id']}")
    return export_case(session, DEMO_CASE, out)
