"""Property test: random workspaces x random policies x every format release nothing forbidden.

An oracle written independently of the SQL decides, per report, whether the policy lets
it go; every person's name is a unique token, so a token found in an export names the one
statement that carried it. The protected source's identity must appear in no output.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosslink.errors import InputError
from crosslink.model.handling import HANDLING_CODES
from crosslink.share.export import FORMATS, export
from crosslink.share.policy import Policy, Recipient
from crosslink.store import Clearance
from tests.share.conftest import SOURCE_IDENTITY, build, statement_row

CODES = [*HANDLING_CODES, None]
COMPARTMENTS = [None, "alpha", "bravo"]

report_spec = st.tuples(st.sampled_from(CODES), st.sampled_from(COMPARTMENTS), st.booleans())
recipient_spec = st.builds(
    Recipient,
    name=st.just("partner"),
    label=st.just("a partner"),
    # each code in or out with even odds (frozensets() would mostly draw tiny sets)
    handling=st.lists(st.booleans(), min_size=len(HANDLING_CODES), max_size=len(HANDLING_CODES)).map(
        lambda keep: frozenset(c for c, k in zip(HANDLING_CODES, keep, strict=True) if k)),
    judicial=st.booleans(),
    conditional=st.sampled_from(["carry", "withhold"]),
    compartments=st.frozensets(st.sampled_from(["alpha", "bravo"])),
    protected_source=st.sampled_from(["sanitised", "withhold"]),
)


def allowed(code: str | None, compartment: str | None, protected: bool, r: Recipient,
            user_compartments: frozenset[str] | None) -> bool:
    if compartment is not None and user_compartments is not None and compartment not in user_compartments:
        return False
    if compartment is not None and compartment not in r.compartments:
        return False
    if protected and r.protected_source == "withhold":
        return False
    if code is None or code in ("H2", "4", "5") or code not in r.handling:
        return False
    if code == "H1" and r.judicial:
        return False
    return not (code in ("C", "H3") and r.conditional == "withhold")


def _text(path: Path, fmt: str) -> str:
    if fmt == "xlsx":
        with zipfile.ZipFile(path) as z:  # every cell's text is in the zip's XML parts
            return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    return path.read_text("utf-8")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    reports=st.lists(report_spec, min_size=1, max_size=10),
    calls=st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11), st.integers(0, 5)), max_size=8),
    recipient=recipient_spec,
    fmt=st.sampled_from(sorted(FORMATS)),
    user_compartments=st.one_of(st.none(), st.frozensets(st.sampled_from(["alpha", "bravo"]))),
    source_unit=st.booleans(),
)
def test_nothing_forbidden_ever_leaves(reports, calls, recipient, fmt, user_compartments, source_unit):
    report_rows: list[dict[str, Any]] = []
    statements: list[dict[str, Any]] = []
    token_report: dict[str, int] = {}
    for i, (code, compartment, protected) in enumerate(reports):
        key = f"r{i}"
        from crosslink.model.report import make_id

        report_rows.append({
            "id": make_id("report", key), "title": SOURCE_IDENTITY if protected else f"title {key}",
            "originator": SOURCE_IDENTITY if protected else "Force", "originator_kind": "force",
            "reported_at": None, "compartment": compartment, "protected_source": protected,
            "grading_scheme": "uk-3x5x2", "grading_source": "1", "grading_info": "B", "grading": "1B",
            "handling_code": code, "handling_conditions": "cond" if code in ("C", "H3") else None,
            "source_file": None, "source_sha256": None, "ingest_id": "t",
            "text": SOURCE_IDENTITY if protected else None,
        })
        for j in range(2):
            token = f"Qz{i}x{j}Tok"
            token_report[token] = i
            statements.append(statement_row(f"p{i * 2 + j}", "Person", "name", token, key, "name"))
    people = len(reports) * 2
    for n, (a, b, via) in enumerate(calls):
        if a < people and b < people and a != b and via < len(reports):
            statements.append(statement_row(f"c{n}", "Call", "caller", f"p{a}", f"r{via}", "entity"))
            statements.append(statement_row(f"c{n}", "Call", "receiver", f"p{b}", f"r{via}", "entity"))
    with tempfile.TemporaryDirectory() as tmp:
        ws = build(Path(tmp) / "ws.duckdb", report_rows, statements)
        try:
            roles = frozenset({"source-unit"}) if source_unit else frozenset()
            s = ws.session("u", "t", clearance=Clearance(compartments=user_compartments, roles=roles))
            out = Path(tmp) / f"out.{fmt}"
            policy = Policy({"partner": recipient}, "generated")
            try:
                export(s, "partner", fmt, out, justification="property test", policy=policy)
            except InputError as exc:
                assert "nothing may go" in str(exc)
                assert not any(allowed(c, comp, p, recipient, user_compartments) for c, comp, p in reports)
                return
            text = _text(out, fmt)
            assert SOURCE_IDENTITY not in text
            for token, i in token_report.items():
                code, compartment, protected = reports[i]
                if token in text:
                    assert allowed(code, compartment, protected, recipient, user_compartments), (token, reports[i])
            # and what the policy allows does go (names are never dropped by a writer)
            for token, i in token_report.items():
                if allowed(*reports[i], recipient, user_compartments):
                    assert token in text, (token, reports[i], fmt)
        finally:
            ws.close()
