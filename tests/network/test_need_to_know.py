"""A network built through a session holds only entities the reader may see."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from crosslink.model import REPORT_SCHEMA, STATEMENT_SCHEMA, make_id
from crosslink.network import from_workspace
from crosslink.store import Clearance, Workspace


def _report(rid: str, compartment: str | None) -> dict[str, object]:
    row: dict[str, object] = {name: None for name in REPORT_SCHEMA.names}
    row.update(id=rid, compartment=compartment, grading="1B", grading_scheme="uk-3x5x2",
               handling_code="P", originator="Kent Police", text="text")
    return row


def _st(entity: str, schema: str, prop: str, prop_type: str, value: str, report: str) -> dict[str, object]:
    row: dict[str, object] = {name: None for name in STATEMENT_SCHEMA.names}
    row.update(id=make_id(report, entity, prop, value), entity_id=entity, schema=schema, prop=prop,
               prop_type=prop_type, value=value, report_id=report)
    return row


def test_the_far_end_of_a_visible_call_is_absent_when_all_its_own_facts_are_restricted(tmp_path: Path):
    # An open report records calls from Aram to Baran and from Aram to Dilan; everything
    # about Dilan is in a source-unit compartment. A reader without it must not learn
    # Dilan exists: no node, no edge, not even a bare id.
    rows = [
        _st("aram", "Person", "name", "name", "Aram Jaff", "open"),
        _st("baran", "Person", "name", "name", "Baran Kaya", "open"),
        _st("dilan", "Person", "name", "name", "Dilan Rashid", "dsu"),
        _st("c1", "Call", "caller", "entity", "aram", "open"),
        _st("c1", "Call", "receiver", "entity", "baran", "open"),
        _st("c2", "Call", "caller", "entity", "aram", "open"),
        _st("c2", "Call", "receiver", "entity", "dilan", "open"),
    ]
    with Workspace.create(tmp_path / "ws.duckdb") as ws:
        loader = ws.session("loader", "setup")
        loader.write_reports(pa.Table.from_pylist([_report("open", None), _report("dsu", "DSU")],
                                                  schema=REPORT_SCHEMA))
        loader.write_statements(pa.Table.from_pylist(rows, schema=STATEMENT_SCHEMA))
        cleared = from_workspace(ws.session("a", "t", clearance=Clearance(compartments=frozenset({"DSU"}))).con)
        assert set(cleared.nodes.column("id").to_pylist()) == {"aram", "baran", "dilan"}
        net = from_workspace(ws.session("b", "t", clearance=Clearance(compartments=frozenset())).con)
        assert set(net.nodes.column("id").to_pylist()) == {"aram", "baran"}
        assert net.edges.num_rows == 1
        assert all(s is not None for s in net.nodes.column("schema").to_pylist())
