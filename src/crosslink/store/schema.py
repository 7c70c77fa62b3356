"""The workspace's tables, as DDL. One place, so every stage agrees on them.

Derived tables (entities, clusters, graphs) are rebuilt from statements plus
judgements; the tables here are the ones that hold what cannot be rebuilt.
"""

from __future__ import annotations

__all__ = ["DDL", "SCHEMA_VERSION"]

SCHEMA_VERSION = "1"

DDL = [
    """
    CREATE TABLE IF NOT EXISTS meta (
        key VARCHAR PRIMARY KEY,
        value VARCHAR
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS reports (
        id VARCHAR PRIMARY KEY,
        title VARCHAR,
        originator VARCHAR,
        originator_kind VARCHAR,
        reported_at VARCHAR,
        compartment VARCHAR,
        protected_source BOOLEAN,
        grading_scheme VARCHAR,
        grading_source VARCHAR,
        grading_info VARCHAR,
        grading VARCHAR,
        handling_code VARCHAR,
        handling_conditions VARCHAR,
        source_file VARCHAR,
        source_sha256 VARCHAR,
        ingest_id VARCHAR,
        text VARCHAR
    )
    """,
    # No primary key or index on statements: either would slow bulk loads several
    # times over. Writes deduplicate by anti-join on id instead (see
    # Session.write_statements). entity_hash is hash(entity_id): a lookup by entity
    # scans this integer column (cheap) before comparing any id strings.
    """
    CREATE TABLE IF NOT EXISTS statements (
        id VARCHAR NOT NULL,
        entity_id VARCHAR NOT NULL,
        schema VARCHAR NOT NULL,
        prop VARCHAR NOT NULL,
        prop_type VARCHAR,
        value VARCHAR NOT NULL,
        original_value VARCHAR,
        reason VARCHAR,
        lang VARCHAR,
        dataset VARCHAR,
        origin VARCHAR,
        first_seen TIMESTAMP,
        last_seen TIMESTAMP,
        report_id VARCHAR NOT NULL,
        span_start INTEGER,
        span_end INTEGER,
        ingest_id VARCHAR,
        entity_hash UBIGINT
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS ingests (
        id VARCHAR PRIMARY KEY,
        source_file VARCHAR,
        source_sha256 VARCHAR,
        mapping_sha256 VARCHAR,
        options_sha256 VARCHAR,
        dataset VARCHAR,
        username VARCHAR,
        ingested_at TIMESTAMP,
        rows BIGINT,
        reports BIGINT,
        entities BIGINT,
        statements BIGINT,
        uncleaned BIGINT
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS canonical (
        entity_id VARCHAR PRIMARY KEY,
        canonical_id VARCHAR NOT NULL,
        schema VARCHAR,
        confidence DOUBLE,
        updated_at TIMESTAMP
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS audit_log (
        seq BIGINT PRIMARY KEY,
        logged_at TIMESTAMP NOT NULL,
        username VARCHAR NOT NULL,
        action VARCHAR NOT NULL,
        purpose VARCHAR,
        object VARCHAR,
        detail VARCHAR,
        prev_hash VARCHAR NOT NULL,
        hash VARCHAR NOT NULL
    )
    """,
    # Analyst match decisions (owned by resolve/judgements.py). Never updated except
    # to mark a row superseded (by a later judgement on the same pair) or deleted.
    """
    CREATE TABLE IF NOT EXISTS judgements (
        id VARCHAR PRIMARY KEY,
        a VARCHAR NOT NULL,
        b VARCHAR NOT NULL,
        decision VARCHAR NOT NULL,
        reason VARCHAR,
        username VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        superseded_by VARCHAR,
        deleted_at TIMESTAMP
    )
    """,
    # Tombstones of erased reports and entities (owned by store/erasure.py): ids
    # only, so a later ingest cannot bring erased data back. An erased entity is
    # tombstoned per report that stated it (report_id), so re-ingesting those
    # reports does not restore it while new intelligence about it is accepted;
    # an erased report has report_id ''.
    """
    CREATE TABLE IF NOT EXISTS erasures (
        kind VARCHAR NOT NULL,
        target VARCHAR NOT NULL,
        report_id VARCHAR NOT NULL,
        erased_at TIMESTAMP NOT NULL,
        username VARCHAR NOT NULL,
        PRIMARY KEY (kind, target, report_id)
    )
    """,
    # Scored candidate pairs from the last resolution (a < b), kept for review,
    # explanation and incremental re-clustering. Derived: rebuilt by a full run.
    # gammas/weights hold each comparison's level and match weight, in the order
    # of the saved model's comparisons.
    """
    CREATE TABLE IF NOT EXISTS resolution_pairs (
        a VARCHAR NOT NULL,
        b VARCHAR NOT NULL,
        schema VARCHAR NOT NULL,
        match_weight DOUBLE,
        match_probability DOUBLE,
        gammas TINYINT[],
        weights FLOAT[],
        scored_at TIMESTAMP
    )
    """,
    # The online referral queue (owned by online/queue.py). One row per post
    # (platform, post id); the evidence snapshot is the post as captured (JSON)
    # with its SHA-256 and capture time, and the post is also a report
    # (report_id), so compartments and handling codes apply to it like any other.
    """
    CREATE TABLE IF NOT EXISTS referrals (
        id VARCHAR PRIMARY KEY,
        platform VARCHAR NOT NULL,
        post_id VARCHAR NOT NULL,
        report_id VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        label VARCHAR NOT NULL,
        score DOUBLE,
        indicators VARCHAR[],
        selectors VARCHAR,
        lang VARCHAR,
        campaign VARCHAR,
        snapshot VARCHAR NOT NULL,
        content_sha256 VARCHAR NOT NULL,
        captured_at TIMESTAMP NOT NULL,
        created_by VARCHAR NOT NULL,
        updated_at TIMESTAMP NOT NULL,
        platform_ref VARCHAR
    )
    """,
    # Every status change of a referral: who, when, from, to, why (also audited).
    """
    CREATE TABLE IF NOT EXISTS referral_events (
        referral_id VARCHAR NOT NULL,
        seq INTEGER NOT NULL,
        from_status VARCHAR,
        to_status VARCHAR NOT NULL,
        username VARCHAR NOT NULL,
        changed_at TIMESTAMP NOT NULL,
        note VARCHAR,
        PRIMARY KEY (referral_id, seq)
    )
    """,
]
