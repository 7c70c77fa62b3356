"""The case file's tables, as DDL, created on first use by :func:`ensure_tables`.

What a case holds that cannot be rebuilt from the statements: who decided which
suspects and evidence belong to it, the disclosure schedules' item numbers (immutable:
an item keeps its number for the life of the case, across continuation schedules and
re-generation) and every prosecutor decision (appended, never overwritten).
"""

from __future__ import annotations

import duckdb

__all__ = ["CASE_DDL", "ensure_tables"]

CASE_DDL = [
    """
    CREATE TABLE IF NOT EXISTS cases (
        id VARCHAR PRIMARY KEY,
        title VARCHAR,
        offences VARCHAR[] NOT NULL,
        created_by VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL
    )
    """,
    # Suspects are canonical entities (people or organisations), never people
    # recorded as migrant, victim or witness: those go to case_witnesses.
    """
    CREATE TABLE IF NOT EXISTS case_suspects (
        case_id VARCHAR NOT NULL,
        entity_id VARCHAR NOT NULL,
        via VARCHAR NOT NULL,
        added_by VARCHAR NOT NULL,
        added_at TIMESTAMP NOT NULL,
        PRIMARY KEY (case_id, entity_id)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS case_witnesses (
        case_id VARCHAR NOT NULL,
        entity_id VARCHAR NOT NULL,
        role VARCHAR NOT NULL,
        via VARCHAR NOT NULL,
        added_by VARCHAR NOT NULL,
        added_at TIMESTAMP NOT NULL,
        PRIMARY KEY (case_id, entity_id)
    )
    """,
    # Reports the officer in the case put forward as evidence or exhibits.
    """
    CREATE TABLE IF NOT EXISTS case_items (
        case_id VARCHAR NOT NULL,
        report_id VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        note VARCHAR,
        added_by VARCHAR NOT NULL,
        added_at TIMESTAMP NOT NULL,
        PRIMARY KEY (case_id, report_id)
    )
    """,
    # Disclosure schedule items: number is consecutive per (case, schedule) across
    # every sheet (sheet 1 the first schedule, 2.. its continuations) and is never
    # reused or changed; one report is scheduled once per case.
    """
    CREATE TABLE IF NOT EXISTS case_schedule (
        case_id VARCHAR NOT NULL,
        schedule VARCHAR NOT NULL,
        number INTEGER NOT NULL,
        sheet INTEGER NOT NULL,
        report_id VARCHAR NOT NULL,
        description VARCHAR NOT NULL,
        reason VARCHAR,
        scheduled_by VARCHAR NOT NULL,
        scheduled_at TIMESTAMP NOT NULL,
        PRIMARY KEY (case_id, schedule, number),
        UNIQUE (case_id, report_id)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS case_decisions (
        case_id VARCHAR NOT NULL,
        schedule VARCHAR NOT NULL,
        number INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        decision VARCHAR NOT NULL,
        reason VARCHAR,
        username VARCHAR NOT NULL,
        decided_at TIMESTAMP NOT NULL,
        PRIMARY KEY (case_id, schedule, number, seq)
    )
    """,
]


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the case tables when missing (idempotent, cheap)."""
    for ddl in CASE_DDL:
        con.execute(ddl)
