"""Statements: one fact each, FollowTheMoney's statement fields plus provenance.

The columns are FtM's ``followthemoney.statement.Statement`` fields (entity_id,
schema, prop, value, original_value, lang, dataset, origin, first_seen, last_seen)
and crosslink's additions:

- ``report_id``: the report that states the fact (grading and handling live there);
- ``prop_type``: the FtM property type, so SQL can find every phone without the model;
- ``reason``: NULL when the value cleaned; otherwise why not, and ``value`` then holds
  the raw input (FtM would drop it; crosslink keeps it);
- ``span_start``/``span_end``: character offsets into the report's text for mentions
  found by extraction;
- ``ingest_id``: the ingest run that wrote it.

Extension properties (``x:role``, ``x:cellSite``) are crosslink's own and are
dropped by exporters that speak plain FtM.

A statement id is ``make_id(report_id, entity_id, prop, value)``: the same fact from
the same report deduplicates; the same fact from two reports is two statements,
because each report is separate evidence.
"""

from __future__ import annotations

import pyarrow as pa

__all__ = [
    "EXTENSION_PROPS",
    "FACILITATOR_ROLES",
    "NON_SUSPECT_ROLES",
    "PROTECTED_ROLES",
    "ROLES",
    "STATEMENT_SCHEMA",
]

STATEMENT_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("entity_id", pa.string()),
        ("schema", pa.string()),
        ("prop", pa.string()),
        ("prop_type", pa.string()),
        ("value", pa.string()),
        ("original_value", pa.string()),
        ("reason", pa.string()),
        ("lang", pa.string()),
        ("dataset", pa.string()),
        ("origin", pa.string()),
        ("first_seen", pa.timestamp("us")),
        ("last_seen", pa.timestamp("us")),
        ("report_id", pa.string()),
        ("span_start", pa.int32()),
        ("span_end", pa.int32()),
        ("ingest_id", pa.string()),
    ]
)

#: Facilitation roles in a smuggling network (what `x:role` may say of a suspect).
FACILITATOR_ROLES = (
    "organiser",
    "recruiter",
    "driver",
    "boat_supplier",
    "money_handler",
    "safe_house",
    "forger",
    "pilot",
    "facilitator",
)
#: People who are smuggled, exploited or witnesses: never suspects, never targets.
PROTECTED_ROLES = ("migrant", "victim", "witness")
#: Every value `x:role` may take.
ROLES = (*FACILITATOR_ROLES, "suspect", *PROTECTED_ROLES, "unknown")
NON_SUSPECT_ROLES = frozenset(PROTECTED_ROLES)

#: crosslink's own properties, valid on any schema: name -> FtM-like type name.
EXTENSION_PROPS: dict[str, str] = {
    "x:role": "string",
    "x:cellSite": "string",
    "x:imei": "identifier",
    "x:platePartial": "string",
    "x:moneyMentioned": "string",
    "x:dobMentioned": "date",
    "x:eventDate": "date",
}
