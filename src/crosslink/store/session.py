"""Sessions: every read and write in a workspace goes through one.

A session knows the user, their clearance (compartments, roles) and the stated
purpose. Reads go through the views ``visible_reports`` and ``visible_statements``,
which the session defines for its own clearance, so compartment rules hold on every
path (CLI, API, exports) and not only in a user interface:

- a report in a compartment the user is not cleared for is invisible, and so are
  its statements;
- a report from a protected human source shows only its sanitised form (no text,
  originator withheld) unless the user holds the ``source-unit`` role.

Every write and every consultation is audited (see :mod:`crosslink.store.audit`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from crosslink.model.statement import STATEMENT_SCHEMA
from crosslink.store import audit
from crosslink.store.sql import one

__all__ = ["Clearance", "Session", "SOURCE_UNIT_ROLE"]

SOURCE_UNIT_ROLE = "source-unit"
SANITISED_ORIGINATOR = "[protected source]"


@dataclass(frozen=True)
class Clearance:
    """What a user may see. ``compartments=None`` means every compartment."""

    compartments: frozenset[str] | None = None
    roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def source_unit(self) -> bool:
        return SOURCE_UNIT_ROLE in self.roles


class Session:
    """One user's access to a workspace, for one stated purpose."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        *,
        user: str,
        purpose: str | None,
        clearance: Clearance,
    ) -> None:
        self.con = con
        self.user = user
        self.purpose = purpose
        self.clearance = clearance
        #: statements not written because their report or entity was erased
        self.erased_skipped = 0
        self._define_views()

    # -- access policy -----------------------------------------------------

    def _define_views(self) -> None:
        con = self.con
        con.execute("CREATE OR REPLACE TEMP TABLE _clearance (compartment VARCHAR)")
        if self.clearance.compartments:
            con.executemany(
                "INSERT INTO _clearance VALUES (?)",
                [[c] for c in sorted(self.clearance.compartments)],
            )
        all_compartments = self.clearance.compartments is None
        source_unit = self.clearance.source_unit
        # The two flags are booleans we control, not user text: safe to inline.
        visible = (
            "TRUE" if all_compartments
            else "(r.compartment IS NULL OR r.compartment IN (SELECT compartment FROM _clearance))"
        )
        sanitise = "FALSE" if source_unit else "coalesce(r.protected_source, FALSE)"
        con.execute(
            f"""
            CREATE OR REPLACE TEMP VIEW visible_reports AS
            SELECT r.* REPLACE (
                CASE WHEN {sanitise} THEN NULL ELSE r.text END AS text,
                CASE WHEN {sanitise} THEN '{SANITISED_ORIGINATOR}' ELSE r.originator END
                    AS originator,
                CASE WHEN {sanitise} THEN NULL ELSE r.source_file END AS source_file
            )
            FROM reports r WHERE {visible}
            """  # noqa: S608
        )
        con.execute(
            """
            CREATE OR REPLACE TEMP VIEW visible_statements AS
            SELECT s.* FROM statements s SEMI JOIN visible_reports r ON s.report_id = r.id
            """
        )

    # -- audit and transactions --------------------------------------------

    def audit(self, action: str, obj: str | None = None, **detail: object) -> None:
        audit.append(
            self.con,
            username=self.user,
            action=action,
            purpose=self.purpose,
            obj=obj,
            detail=dict(detail) or None,
        )

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing: on any exception the workspace is left as it was."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    # -- bulk writes (Arrow in, SQL inside) ----------------------------------

    def write_reports(self, reports: pa.Table) -> int:
        """Insert reports that are not there yet (by id). Returns how many were new."""
        self.con.register("_new_reports", reports)
        try:
            before = self._count("reports")
            self.con.execute(
                "INSERT INTO reports BY NAME SELECT * FROM _new_reports "
                "WHERE id NOT IN (SELECT target FROM erasures WHERE kind = 'report') "
                "ON CONFLICT (id) DO NOTHING"
            )
            return self._count("reports") - before
        finally:
            self.con.unregister("_new_reports")

    def write_statements(self, statements: pa.Table | str, *, unique: bool | None = None) -> int:
        """Insert statements whose id is new; returns how many were added.

        ``statements`` is an Arrow table with :data:`STATEMENT_SCHEMA` columns, or the
        name of a DuckDB relation/table holding them. Duplicates within the input and
        against the workspace are dropped (a statement id includes its report id, so
        only statements of the same reports are compared). ``unique`` says whether
        the caller already knows the ids are distinct (None: find out). O(n) hashing
        in the new statements plus O(k) in the existing statements of the same reports.
        """
        source = statements if isinstance(statements, str) else "_new_statements"
        if not isinstance(statements, str):
            self.con.register("_new_statements", statements)
        columns = ", ".join(f"n.{name}" for name in STATEMENT_SCHEMA.names)
        try:
            before = self._count("statements")
            # Each step is skipped when it cannot matter: deduplication when every id is
            # already distinct, the anti-join when none of these reports has statements yet.
            if unique is None:
                total, distinct = self.con.execute(
                    f"SELECT count(*), count(DISTINCT id) FROM {source}"  # noqa: S608
                ).fetchall()[0]
                unique = total == distinct
            rows = (
                source if unique
                else f"(SELECT * FROM {source} QUALIFY row_number() OVER (PARTITION BY id) = 1)"  # noqa: S608
            )
            seen = self.con.execute(
                f"SELECT count(*) FROM statements WHERE report_id IN (SELECT DISTINCT report_id FROM {source})"  # noqa: S608
            ).fetchall()[0][0]
            anti = (
                f"ANTI JOIN (SELECT id FROM statements WHERE report_id IN "  # noqa: S608
                f"(SELECT DISTINCT report_id FROM {source})) e ON n.id = e.id"
                if seen else ""
            )
            # Erased reports and entities stay erased (see crosslink.store.erasure);
            # the check costs nothing in a workspace that never erased anything.
            erased = ""
            if self._count("erasures"):
                erased = """WHERE n.report_id NOT IN (SELECT target FROM erasures WHERE kind = 'report')
                    AND NOT EXISTS (SELECT 1 FROM erasures e WHERE e.kind = 'entity'
                                    AND e.target = n.entity_id AND e.report_id = n.report_id)
                    AND NOT (n.prop_type = 'entity' AND EXISTS (
                        SELECT 1 FROM erasures e WHERE e.kind = 'entity'
                        AND e.target = n.value AND e.report_id = n.report_id))"""
                offered = int(self.con.execute(
                    f"SELECT count(*) FROM {rows} n {anti}"  # noqa: S608
                ).fetchall()[0][0])
            # Statements have no order; letting DuckDB write row groups in any order
            # lets both threads compress and write at once.
            self.con.execute("SET preserve_insertion_order = false")
            self.con.execute(
                f"""
                INSERT INTO statements
                SELECT {columns}, hash(n.entity_id) AS entity_hash FROM {rows} n
                {anti} {erased}
                """  # noqa: S608  (source is our own relation name, not user text)
            )
            added = self._count("statements") - before
            if erased:
                self.erased_skipped += offered - added
            return added
        finally:
            self.con.execute("SET preserve_insertion_order = true")
            if not isinstance(statements, str):
                self.con.unregister("_new_statements")

    def _count(self, table: str) -> int:
        row = one(self.con.execute(f"SELECT count(*) FROM {table}"))  # noqa: S608
        return int(row[0]) if row else 0

    # -- reads -------------------------------------------------------------

    def sql(self, query: str, params: list[object] | None = None) -> duckdb.DuckDBPyRelation:
        """Run a read query. Stages query ``visible_reports`` / ``visible_statements``."""
        return self.con.sql(query, params=params)

    def summary(self) -> dict[str, object]:
        """Counts of what the workspace holds, as this session may see it."""
        con = self.con
        row = one(con.execute(
            """
            SELECT
              (SELECT count(*) FROM visible_reports),
              (SELECT count(*) FROM visible_statements),
              (SELECT count(DISTINCT entity_id) FROM visible_statements),
              (SELECT count(*) FROM visible_statements WHERE reason IS NOT NULL),
              (SELECT count(*) FROM ingests)
            """
        ))
        assert row is not None
        by_schema = con.execute(
            "SELECT schema, count(DISTINCT entity_id) AS n FROM visible_statements "
            "GROUP BY schema ORDER BY n DESC, schema"
        ).fetchall()
        by_originator = con.execute(
            "SELECT coalesce(originator, '(none)'), grading_scheme, count(*) AS n "
            "FROM visible_reports GROUP BY ALL ORDER BY n DESC, 1"
        ).fetchall()
        return {
            "reports": row[0],
            "statements": row[1],
            "entities": row[2],
            "uncleaned": row[3],
            "ingests": row[4],
            "by_schema": by_schema,
            "by_originator": by_originator,
        }

    def statements_for(self, entity_id: str) -> pa.Table:
        """Every visible statement about an entity (or its canonical cluster), with the
        report, grading and handling code of each. Audited as a consultation.

        Looks up by entity id; when the id is a canonical id, all member entities
        are included. A parallel scan of the integer entity_hash column, then the
        ids: O(statements), about 30 ms at 10 million statements on 2 cores.
        """
        members = [
            r[0]
            for r in self.con.execute(
                "SELECT entity_id FROM canonical WHERE canonical_id = ? "
                "UNION SELECT canonical_id FROM canonical WHERE entity_id = ? "
                "UNION SELECT ?",
                [entity_id, entity_id, entity_id],
            ).fetchall()
        ]
        table = self.con.sql(
            """
            SELECT s.entity_id, s.schema, s.prop, s.value, s.original_value, s.reason,
                   s.span_start, s.span_end, s.report_id, r.title AS report_title,
                   r.originator, r.grading_scheme, r.grading, r.handling_code,
                   r.handling_conditions, r.compartment, r.reported_at, s.dataset, s.id
            FROM statements s
            JOIN visible_reports r ON s.report_id = r.id
            WHERE s.entity_hash IN (SELECT hash(unnest(?::VARCHAR[])))
              AND s.entity_id IN (SELECT unnest(?::VARCHAR[]))
            ORDER BY s.prop, s.value, r.reported_at, s.report_id
            """,
            params=[members, members],
        ).to_arrow_table()
        self.audit("consultation", entity_id, statements=table.num_rows)
        return table

    def entities(
        self,
        *,
        schema: str | None = None,
        name: str | None = None,
        grading: str | None = None,
        limit: int = 50,
    ) -> pa.Table:
        """Entities with their names, statement counts and best grading.

        ``name`` matches any name-typed value case-insensitively; ``grading`` keeps
        entities stated by at least one report with that written grading.
        """
        where = ["TRUE"]
        params: list[object] = []
        if schema:
            where.append("s.schema = ?")
            params.append(schema)
        if grading:
            where.append("upper(r.grading) = upper(?)")
            params.append(grading)
        having = ""
        if name:
            having = "HAVING bool_or(s.prop_type = 'name' AND s.value ILIKE ?)"
            params.append(f"%{name}%")
        params.append(limit)
        return self.con.sql(
            f"""
            SELECT s.entity_id, any_value(s.schema) AS schema,
                   string_agg(DISTINCT s.value, '; ' ORDER BY s.value)
                       FILTER (WHERE s.prop_type = 'name') AS names,
                   count(*) AS statements,
                   count(DISTINCT s.report_id) AS reports,
                   string_agg(DISTINCT r.grading, ' ' ORDER BY r.grading) AS gradings
            FROM statements s JOIN visible_reports r ON s.report_id = r.id
            WHERE {" AND ".join(where)}
            GROUP BY s.entity_id
            {having}
            ORDER BY reports DESC, statements DESC, s.entity_id
            LIMIT ?
            """,  # noqa: S608  (only fixed SQL fragments are interpolated)
            params=params,
        ).to_arrow_table()

    def uncleaned(self, *, schema: str | None = None, limit: int = 50) -> pa.Table:
        """Values kept as given because they did not clean, with the reason and report."""
        return self.con.sql(
            """
            SELECT s.entity_id, s.schema, s.prop, s.value, s.reason, r.title AS report_title,
                   r.source_file, r.originator
            FROM statements s JOIN visible_reports r ON s.report_id = r.id
            WHERE s.reason IS NOT NULL AND (?::VARCHAR IS NULL OR s.schema = ?)
            ORDER BY s.schema, s.prop, s.value
            LIMIT ?
            """,
            params=[schema, schema, limit],
        ).to_arrow_table()
