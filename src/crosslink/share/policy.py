"""The disclosure policy: per recipient, what may be released, and one decision per statement.

The policy is data (``policy.yml`` beside this module, or a file given with ``--policy``);
:func:`decide` applies it in one SQL query over the session's ``visible_statements``
joined to ``visible_reports``, so the user's own clearance (compartments, protected
sources) holds first and the recipient's rules are applied on top. Every statement in the
selection comes back once, ``released`` or withheld with the first reason that applies:

1. its report's compartment is not releasable to the recipient;
2. it comes from a protected human source and the recipient takes none;
3. its report has no handling code (nothing can be decided);
4. Europol H2: not to be disseminated further without the provider's permission;
5. 5x5x5 code 4 or 5: originating agency only / refer to the originator;
6. the handling code is not one the recipient may receive;
7. Europol H1 and the recipient uses material in judicial proceedings;
8. conditional material (C, H3) and the recipient does not accept conditions;
9. it refers to an entity that is not released (else an edge would reveal it).

Rules 4, 5 and the sanitising of protected sources hold whatever the policy file says.
Released protected-source statements carry a sanitised report: no originator, title,
text or file name leaves, only the report id, grading and handling code.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import yaml

from crosslink.errors import InputError
from crosslink.model.handling import HANDLING_CODES
from crosslink.store.session import SANITISED_ORIGINATOR, Session

__all__ = [
    "RECIPIENT_KINDS",
    "SANITISED_TITLE",
    "Policy",
    "Recipient",
    "decide",
    "load_policy",
    "reason_counts",
]

RECIPIENT_KINDS = ("uk-force", "nca", "europol", "eu-member-state", "cps")
SANITISED_TITLE = "[sanitised report]"
#: Codes that never leave, whatever a policy file says.
NEVER_RELEASED = ("4", "5", "H2")
_KEYS = {"label", "handling", "judicial", "conditional", "compartments", "protected_source"}


@dataclass(frozen=True)
class Recipient:
    """One recipient's rules (see ``policy.yml`` for what each field means)."""

    name: str
    label: str
    handling: frozenset[str]
    judicial: bool = False
    conditional: Literal["carry", "withhold"] = "carry"
    compartments: frozenset[str] = frozenset()
    protected_source: Literal["sanitised", "withhold"] = "sanitised"


@dataclass(frozen=True)
class Policy:
    recipients: dict[str, Recipient]
    source: str

    def recipient(self, name: str) -> Recipient:
        try:
            return self.recipients[name]
        except KeyError:
            raise InputError(
                f"unknown recipient {name!r}: the policy names {', '.join(sorted(self.recipients))}",
                file=self.source,
            ) from None


def _recipient(name: str, spec: Any, source: str) -> Recipient:
    def bad(message: str) -> InputError:
        return InputError(f"recipient {name}: {message}", file=source, column=name)

    if not isinstance(spec, dict):
        raise bad("expected a mapping of rules")
    unknown = set(spec) - _KEYS
    if unknown:
        raise bad(f"unknown rule {sorted(unknown)[0]!r}; rules are {', '.join(sorted(_KEYS))}")
    codes = [str(c).upper() for c in spec.get("handling") or []]
    for code in codes:
        if code not in HANDLING_CODES:
            raise bad(f"unknown handling code {code!r}")
    conditional = spec.get("conditional", "carry")
    protected = spec.get("protected_source", "sanitised")
    if conditional not in ("carry", "withhold"):
        raise bad(f"conditional must be carry or withhold, not {conditional!r}")
    if protected not in ("sanitised", "withhold"):
        raise bad(f"protected_source must be sanitised or withhold, not {protected!r}")
    return Recipient(
        name=name,
        label=str(spec.get("label") or name),
        handling=frozenset(codes),
        judicial=bool(spec.get("judicial", False)),
        conditional=conditional,
        compartments=frozenset(str(c) for c in spec.get("compartments") or []),
        protected_source=protected,
    )


def load_policy(path: Path | None = None) -> Policy:
    """The policy from ``path``, or the shipped default. Errors name the file and recipient."""
    if path is None:
        text = resources.files("crosslink.share").joinpath("policy.yml").read_text("utf-8")
        source = "policy.yml (default)"
    else:
        try:
            text = path.read_text("utf-8")
        except OSError as exc:
            raise InputError(f"cannot read policy: {exc.strerror}", file=str(path)) from None
        source = str(path)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(f"policy is not valid YAML: {exc}", file=source) from None
    if not isinstance(data, dict) or not isinstance(data.get("recipients"), dict):
        raise InputError("policy needs a 'recipients' mapping", file=source)
    recipients = {str(n): _recipient(str(n), s, source) for n, s in data["recipients"].items()}
    return Policy(recipients, source)


def _reason_sql() -> str:
    """The CASE that names the first rule a statement breaks (NULL: released).

    Parameters, in order: compartments, recipient name (x2), protected withhold flag,
    allowed codes, recipient name, judicial flag, conditional-withhold flag.
    """
    return """
        CASE
          WHEN r.compartment IS NOT NULL AND NOT list_contains($compartments, r.compartment)
            THEN 'compartment ' || r.compartment || ' not releasable to ' || $recipient
          WHEN coalesce(r.protected_source, FALSE) AND $protected_withhold
            THEN 'protected source: withheld from ' || $recipient
          WHEN r.handling_code IS NULL THEN 'no handling code on the report'
          WHEN upper(r.handling_code) = 'H2'
            THEN 'H2: not to be disseminated without the provider''s permission'
          WHEN upper(r.handling_code) IN ('4', '5')
            THEN 'handling code ' || upper(r.handling_code) || ': not to leave the originating agency'
          WHEN NOT list_contains($codes, upper(r.handling_code))
            THEN 'handling code ' || upper(r.handling_code) || ' not releasable to ' || $recipient
          WHEN upper(r.handling_code) = 'H1' AND $judicial
            THEN 'H1: not for judicial proceedings without the provider''s permission'
          WHEN upper(r.handling_code) IN ('C', 'H3') AND $conditional_withhold
            THEN 'conditional material (' || upper(r.handling_code) || ') not accepted by ' || $recipient
        END
    """


def decide(session: Session, recipient: Recipient, selection: list[str] | None = None) -> pa.Table:
    """Every visible statement of the selection (entity ids; None: all), released or
    withheld with a reason, with its report's marking (sanitised for protected sources).

    One SQL query plus a fixed-point pass over entity references: O(statements selected).
    """
    con = session.con
    con.execute("CREATE OR REPLACE TEMP TABLE _share_selection (entity_id VARCHAR)")
    if selection is not None:
        con.execute(
            "INSERT INTO _share_selection SELECT DISTINCT unnest(?::VARCHAR[])", [list(selection)]
        )
    where = "" if selection is None else "WHERE s.entity_id IN (SELECT entity_id FROM _share_selection)"
    params: dict[str, object] = {
        "compartments": sorted(recipient.compartments),
        "recipient": recipient.name,
        "protected_withhold": recipient.protected_source == "withhold",
        "codes": sorted(recipient.handling - set(NEVER_RELEASED)),
        "judicial": recipient.judicial,
        "conditional_withhold": recipient.conditional == "withhold",
        "sanitised_originator": SANITISED_ORIGINATOR,
        "sanitised_title": SANITISED_TITLE,
    }
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _share_decided AS
        SELECT s.id, s.entity_id, s.schema, s.prop, s.prop_type, s.value, s.original_value,
               s.lang, s.dataset, s.first_seen, s.last_seen, s.report_id,
               CASE WHEN coalesce(r.protected_source, FALSE) THEN $sanitised_title
                    ELSE r.title END AS report_title,
               CASE WHEN coalesce(r.protected_source, FALSE) THEN $sanitised_originator
                    ELSE r.originator END AS originator,
               r.reported_at, r.grading_scheme, r.grading_source, r.grading_info, r.grading,
               upper(r.handling_code) AS handling_code, r.handling_conditions, r.compartment,
               coalesce(r.protected_source, FALSE) AS protected_source,
               {_reason_sql()} AS reason
        FROM visible_statements s JOIN visible_reports r ON s.report_id = r.id
        {where}
        """,  # noqa: S608  (fixed SQL; every value is a named parameter)
        params,
    )
    # An entity reference (a Call's caller, a Passport's holder) to an entity that is
    # not released would reveal that entity; withhold such references until none is left.
    for _ in range(10):
        changed = con.execute(
            """
            UPDATE _share_decided d SET reason = 'refers to an entity not released'
            WHERE d.reason IS NULL AND d.prop_type = 'entity'
              AND d.value NOT IN (SELECT entity_id FROM _share_decided WHERE reason IS NULL)
            """
        ).fetchall()
        if not changed or not changed[0][0]:
            break
    table = con.sql(
        "SELECT *, reason IS NULL AS released FROM _share_decided ORDER BY entity_id, prop, value, report_id"
    ).to_arrow_table()
    con.execute("DROP TABLE IF EXISTS _share_decided")
    con.execute("DROP TABLE IF EXISTS _share_selection")
    return table


def reason_counts(decided: pa.Table) -> list[tuple[str, int]]:
    """Withheld statements per reason, most frequent first."""
    import duckdb

    con = duckdb.connect()
    con.register("decided", decided)
    rows = con.execute(
        "SELECT reason, count(*) AS n FROM decided WHERE NOT released GROUP BY reason ORDER BY n DESC, reason"
    ).fetchall()
    con.close()
    return [(str(r), int(n)) for r, n in rows]
