"""Small workspaces and graphs whose analysis results are known by construction."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import count
from pathlib import Path

import duckdb
import pytest

from crosslink.store.schema import DDL
from crosslink.store.session import Clearance, Session

ENTITY_PROPS = {
    "caller",
    "receiver",
    "payer",
    "beneficiary",
    "person",
    "associate",
    "involved",
    "vehicle",
    "subject",
    "object",
    "member",
    "organization",
}


class WorkspaceBuilder:
    """Writes reports and statements the way the store does (one row per property value)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, *, create: bool = True) -> None:
        self.con = con
        self._ids = count(1)
        if create:
            # The store's own tables, and a session's views (the network reads through
            # visible_reports / visible_statements, as every stage does).
            for ddl in DDL:
                con.execute(ddl)
            Session(con, user="test", purpose="network tests", clearance=Clearance())

    def report(
        self,
        rid: str,
        grading: str,
        scheme: str,
        handling: str = "P",
        compartment: str | None = None,
        reported_at: str = "2024-01-01",
    ) -> None:
        self.con.execute(
            "INSERT INTO reports (id, grading, grading_scheme, handling_code, compartment, "
            "reported_at) VALUES (?, ?, ?, ?, ?, ?)",
            [rid, grading, scheme, handling, compartment, reported_at],
        )

    def entity(self, eid: str, schema: str, report: str, **props: str | list[str]) -> None:
        for prop, values in props.items():
            prop = prop.replace("x_", "x:")
            for value in values if isinstance(values, list) else [values]:
                if prop in ENTITY_PROPS:
                    ptype = "entity"
                elif prop in ("phone", "callerNumber", "receiverNumber", "phoneMentioned"):
                    ptype = "phone"
                elif prop in ("date", "startDate"):
                    ptype = "date"
                else:
                    ptype = "string"
                self.con.execute(
                    "INSERT INTO statements (id, entity_id, schema, prop, prop_type, value, "
                    "report_id, dataset, origin) VALUES (?, ?, ?, ?, ?, ?, ?, 'test', 'ingest')",
                    [f"s{next(self._ids)}", eid, schema, prop, ptype, value, report],
                )

    def merge(self, canonical_id: str, *entity_ids: str) -> None:
        for e in entity_ids:
            self.con.execute(
                "INSERT INTO canonical (entity_id, canonical_id, schema, confidence) "
                "VALUES (?, ?, 'Person', 1.0)",
                [e, canonical_id],
            )


def build_small_workspace(
    con: duckdb.DuckDBPyConnection, *, create: bool = True
) -> WorkspaceBuilder:
    """Five people, two calls, a trip, a payment, an association and a shared phone.

    Known by construction:
    - p1-p2: 2 calls (R1, 60 s + 30 s) and 1 trip (R1) -> count 3, kinds Call+Trip;
    - c4 (= p4 + p4b resolved) - p1: a payment of 1000 (R2: graded 3E, compartment SECRET);
    - p2-p3: an association (R3, Europol B2); p3 is a migrant (never a target);
    - c4 and p5 share a phone -> a selector node between them (R1).
    """
    w = WorkspaceBuilder(con, create=create)
    w.report("R1", "1A", "uk-3x5x2", "P", None, "2024-01-10")
    w.report("R2", "3E", "uk-3x5x2", "C", "SECRET", "2024-03-01")
    w.report("R3", "B2", "europol-4x4", "H1", None, "2024-02-01")
    w.entity("p1", "Person", "R1", name="Alice", x_role="organiser")
    w.entity("p2", "Person", "R1", name="Bob", x_role="driver")
    w.entity("p3", "Person", "R3", name="Carol", x_role="migrant")
    w.entity("p4", "Person", "R1", name="Dan", phone="+447700900001")
    w.entity("p4b", "Person", "R2", name="Daniel")
    w.entity("p5", "Person", "R1", name="Eve", phone="+447700900001")
    w.entity("v1", "Vehicle", "R1", name="Van")
    w.merge("c4", "p4", "p4b")
    w.entity("call1", "Call", "R1", caller="p1", receiver="p2", date="2024-01-05", duration="60")
    w.entity("call2", "Call", "R1", caller="p2", receiver="p1", date="2024-02-01", duration="30")
    w.entity("trip1", "Trip", "R1", involved=["p1", "p2"], vehicle="v1", startDate="2024-01-20")
    w.entity(
        "pay1", "Payment", "R2", payer="p4b", beneficiary="p1", amount="1000", date="2024-03-01"
    )
    w.entity("assoc1", "Associate", "R3", person="p2", associate="p3")
    return w


@pytest.fixture
def small_workspace(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(tmp_path / "ws.duckdb"))
    build_small_workspace(con)
    yield con
    con.close()


def two_cliques_with_bridge(size: int = 5) -> list[tuple[str, str]]:
    """Two cliques a0..a{size-1}, b0..b{size-1}; only 'bridge' joins them (a0-bridge-b0)."""
    edges = []
    for p in ("a", "b"):
        for i in range(size):
            for j in range(i + 1, size):
                edges.append((f"{p}{i}", f"{p}{j}"))
    edges += [("a0", "bridge"), ("bridge", "b0")]
    return edges
