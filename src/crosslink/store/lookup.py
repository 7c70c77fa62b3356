"""Selector lookup: which entities and reports state a phone, e-mail, IBAN or plate.

The analyst types a selector the way they have it ("07911 123456", "gb82 west..."),
so the key is normalised the ways ingest and extraction normalise values, and
every candidate form is looked up.
"""

from __future__ import annotations

import re

import pyarrow as pa
from followthemoney import registry

from crosslink.store.session import Session

__all__ = ["find_selector", "selector_forms"]


def selector_forms(key: str, country: str = "GB") -> list[str]:
    """Every normalised form the key may have been stored under."""
    forms = {key.strip()}
    compact = re.sub(r"[\s\-]", "", key).upper()
    forms.update({compact, key.strip().lower()})
    for cleaned in (
        registry.phone.clean(key),
        registry.phone.clean(key, format=country),
        registry.email.clean(key),
    ):
        if cleaned:
            forms.add(cleaned)
    return sorted(f for f in forms if f)


def find_selector(session: Session, key: str) -> pa.Table:
    """Statements whose value is the selector, with their reports. Audited.

    Scans the statements' value column once (O(n)); DuckDB does it in parallel.
    """
    forms = selector_forms(key)
    table = session.con.sql(
        """
        SELECT s.entity_id, s.schema, s.prop, s.value, s.span_start, s.span_end, s.report_id,
               r.title AS report_title, r.originator, r.grading_scheme, r.grading,
               r.handling_code, r.compartment, r.reported_at
        FROM statements s JOIN visible_reports r ON s.report_id = r.id
        WHERE s.value IN (SELECT unnest(?::VARCHAR[]))
        ORDER BY r.reported_at, s.report_id, s.span_start
        """,
        params=[forms],
    ).to_arrow_table()
    session.audit("consultation", key, selector=True, statements=table.num_rows)
    return table
