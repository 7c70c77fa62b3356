"""Resolve the people and things in a workspace into stable canonical entities.

:func:`resolve_workspace` reads the statements of one schema (Person by default;
also Organization with Company, Vehicle, BankAccount, UserAccount, Vessel: see
:data:`SCHEMAS`, and :func:`resolve_all` for all of them) through the session's
``visible_statements`` view, pivots them to one record per entity, and runs the
same prepare / Splink / constrained-clustering core as ``crosslink dedupe``, in a
private in-memory DuckDB (Splink's scratch tables never reach the workspace file).
It then writes

* ``canonical``: every resolved entity's stable canonical id (see
  :mod:`crosslink.resolve.canonical`) and its cluster's confidence;
* ``resolution_pairs``: every scored pair at or above the model's predict
  threshold, with each comparison's level and match weight, for ``review``,
  ``explain`` and incremental runs;
* ``meta``: the trained model (Splink settings JSON), what it was trained on,
  and the statement watermark of the run;

and audits one ``combination`` entry.

Full and incremental runs
-------------------------
A *full* run trains the model (u by random sampling, m by EM) and scores all
blocked pairs: O(n + candidate pairs) SQL plus training on capped samples. It runs
when there is no saved model, when the model file or the kinds of evidence present
changed, when more than half the records are new, or on request.

Otherwise the run is *incremental*, for every schema (the engine must be
DuckDB). A record is *new* when it has no canonical row or has statements newer
than the last run of its schema (the watermark). New records are
scored against all records (Splink ``predict_between`` new x all, blocking on the
model's rules) and among themselves (``predict_within``) with the saved model: old
x old pairs are never re-scored. Only the clusters the new pairs touch (plus the
new records, plus whatever judgements tie to them) are re-clustered, from the
stored pairs and the new ones; every other canonical row is left alone. Cost:
O(new x block size) scoring and O(touched clusters) clustering; the pivot,
feature preparation and term-frequency tables remain O(n) vectorised SQL (a few
seconds at 10^6 records), which the scoring and training costs dominate.

Name-only records
-----------------
Mentions extracted from free text often carry a name and nothing else. They
resolve against structured records when the model scores the pair high enough
and nothing conflicts, but a name-only record whose strong matches include
records with incompatible dates of birth (namesakes) is ambiguous: it is kept
apart and its pairs go to the review queue instead.

Compartments: the run sees what the session may see; the canonical table it
writes covers those entities only (rows of entities it cannot see are untouched).

Schemas other than Person
-------------------------
Vehicles, bank and user accounts, vessels and organisations take the plain path:
features from :mod:`crosslink.resolve.prepare_things`, full and incremental runs
as above (the same rules for when each applies, the saved model of the schema),
then :func:`cluster_pairs` with the model's ``conflicts``, the judgements, and
certain links for records equal on an identifier (``CERTAIN_RULES``: same plate,
IBAN, IMO ...; a small workspace gives EM too little to score those high). An
incremental run adds to its scope the records a new record is certainly linked
to (one hash join of new against all records), and the certain links are drawn
among the scope's records only. The Person-only steps (name-only records, thin
records, dates of birth) do not apply. Canonical rows carry
the model's schema (Company entities resolve with, and as, Organization); the
trained model and watermark are kept per schema in ``meta``
(``resolve:<schema>:...``), and ``resolution_pairs`` rows carry the schema.

Where the parts live
--------------------
This module is the run: it decides full or incremental, scores, and writes the
result. The steps it calls live beside it:

* :mod:`crosslink.resolve.records`: reading each schema's records from the
  statements, and the feature tables built from them;
* :mod:`crosslink.resolve.scoring`: training, scoring and the saved model;
* :mod:`crosslink.resolve.incremental`: new-record detection, closing the
  scope an incremental run re-clusters, and :func:`recluster` after a judgement;
* :mod:`crosslink.resolve.cluster_scope`: clustering that scope (the Person
  name-only rules, certain links on identifiers);
* :mod:`crosslink.resolve.canonical`: stable canonical ids.

The names other modules use from here (:func:`entity_records`,
:func:`recluster`, :func:`saved_model` ...) stay importable from here.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa

from crosslink.resolve.canonical import write_canonical
from crosslink.resolve.cluster_scope import cluster_scope
from crosslink.resolve.incremental import (
    INCREMENTAL_MAX_SHARE,
    certain_partners,
    close_scope,
    load_scope,
    new_record_ids,
    recluster,
)
from crosslink.resolve.judgements import effective_judgements
from crosslink.resolve.model import ResolutionModel, load_model
from crosslink.resolve.priors import PriorWeight
from crosslink.resolve.records import (
    RESOLVED_PROPERTIES,
    SCHEMA,
    SCHEMAS,
    canonical_ids,
    check_schema,
    entity_records,
    entity_schema,
    load_features,
    memory_connection,
    person_records,
    resolvable_schemas,
    schema_family,
)
from crosslink.resolve.scoring import (
    NAME_ONLY_MIN_WEIGHT,
    SavedModel,
    comparison_names,
    explaining_settings,
    model_signature,
    pairs_sql,
    save_meta,
    saved_model,
    score_full,
    score_full_spark,
    score_name_only,
    score_new,
    split_thin,
    tf_columns,
    training_meta,
)
from crosslink.store.session import Session
from crosslink.store.sql import scalar

__all__ = [
    "ENGINES",
    "NAME_ONLY_MIN_WEIGHT",
    "SavedModel",
    "SCHEMAS",
    "canonical_ids",
    "entity_records",
    "entity_schema",
    "resolvable_schemas",
    "resolve_all",
    "comparison_names",
    "explaining_settings",
    "pairs_sql",
    "review_count",
    "tf_columns",
    "RESOLVED_PROPERTIES",
    "load_features",
    "memory_connection",
    "person_records",
    "recluster",
    "resolve_workspace",
    "saved_model",
]

ENGINES = ("duckdb", "spark")


def _noop(_message: str) -> None:
    return None

# -- the run ---------------------------------------------------------------------


def resolve_workspace(
    session: Session,
    *,
    schema: str = SCHEMA,
    engine: str = "duckdb",
    progress: Callable[[str], None] | None = None,
    full: bool = False,
) -> dict[str, Any]:
    """Resolve the workspace's entities of ``schema`` (Person by default); see the
    module docstring.

    Returns ``records, clusters`` (people after resolution), ``merged_records``
    (records that joined another), ``review`` (scored pairs in the model's review
    band without a judgement), ``mode`` (full|incremental), ``new_records``,
    ``scored_pairs`` (pairs scored in this run), ``ambiguous`` (name-only records
    held back), ``kept_ids``/``new_ids`` (clusters that kept or got a canonical id)
    and ``seconds``. For a schema other than Person ``ambiguous`` is 0; ``mode``
    is ``skipped`` when its records hold nothing the model can compare (no
    canonical rows are written then).
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    check_schema(schema)
    started = time.perf_counter()
    now = datetime.now(UTC).replace(tzinfo=None)
    step = progress or _noop
    con = session.con
    model = load_model(schema)
    person = schema == SCHEMA

    step(f"reading {schema} records")
    records = entity_records(session, schema)
    empty = _result(records.num_rows, 0, 0, 0, "full", 0, 0, 0, None, started)
    if records.num_rows == 0:
        return empty
    watermark = records.column("seen").to_pylist()
    newest = max((w for w in watermark if w is not None), default=None)
    saved = saved_model(con, schema)

    mem = memory_connection()
    try:
        step("preparing features (names, dates, selectors)" if person else "preparing features")
        available = load_features(mem, records, "xl_features", schema)
        if not person and (
            not model.usable_comparisons(available) or not model.prediction_rules(available)
        ):
            step(f"nothing comparable in the {schema} records")
            return _result(
                records.num_rows, records.num_rows, 0, 0, "skipped", 0, 0, 0, None, started
            )
        signature = model_signature(model, available)
        new_ids = new_record_ids(con, records, saved)
        incremental = (
            not full
            and engine == "duckdb"
            and saved is not None
            and saved.signature == signature
            and len(new_ids) <= INCREMENTAL_MAX_SHARE * records.num_rows
        )
        weight: PriorWeight | None = None  # how much data a full run trained on
        if incremental and not new_ids:
            step("nothing new to resolve")
            return _finish(session, model, records.num_rows, "incremental", 0, 0, 0, None, started)
        if incremental:
            assert saved is not None
            settings = saved.settings
            mem.register("_xl_new_ids", pa.table({"id": pa.array(sorted(new_ids), pa.string())}))
            mem.execute("CREATE OR REPLACE TEMP TABLE xl_new_ids AS SELECT id FROM _xl_new_ids")
            mem.unregister("_xl_new_ids")
            mem.execute(
                "CREATE OR REPLACE TEMP TABLE xl_new AS SELECT * FROM xl_features "
                "SEMI JOIN xl_new_ids ON unique_id = id"
            )
            mem.execute(
                "CREATE OR REPLACE TEMP TABLE xl_old AS SELECT * FROM xl_features "
                "ANTI JOIN xl_new_ids ON unique_id = id"
            )
            scored = score_new(mem, model, settings, step)
            if person:
                step("matching name-only records")
                split_thin(mem, "xl_new")
                split_thin(mem, "xl_old")
                split_thin(mem, "xl_features")
                scored = score_name_only(
                    mem, settings,
                    [("xl_new_thin", "xl_features_rich"), ("xl_new_rich", "xl_old_thin")],
                )
        else:
            if engine == "spark":
                settings, scored = score_full_spark(mem, model, available, step)  # weight not measured
            else:
                settings, scored, weight = score_full(mem, model, available, step)
            if person:
                step("matching name-only records")
                split_thin(mem, "xl_features")
                scored = score_name_only(
                    mem, settings, [("xl_features_thin", "xl_features_rich")]
                )

        step("clustering")
        same, different, _unsure = effective_judgements(con)
        scope = None
        if incremental:
            # Pairs between the two thresholds cannot move a record between
            # clusters; strong pairs, name-only candidates and (for a lone
            # record's comparison with whole clusters) pairs at the attach
            # threshold can.
            strong = min(model.cluster_threshold, model.attach_threshold or 1.0)
            touched = {
                str(r[0]) for r in mem.execute(
                    "SELECT unnest([a, b]) FROM xl_pairs "
                    "WHERE match_probability >= ? OR match_probability < ?",
                    [strong, model.predict_threshold],
                ).fetchall()
            }
            if not person:
                # records equal on an identifier are linked whatever the score
                touched |= certain_partners(mem, schema, available)
            scope = close_scope(con, model, set(new_ids) | touched, same + different)
        load_scope(con, mem, scope, incremental, new_ids, schema)
        assignment, ambiguous = cluster_scope(
            mem, model, settings, "xl_scope_pairs", same, different
        )

        step("writing canonical ids")
        mem.execute("CREATE OR REPLACE TEMP TABLE xl_write_pairs AS SELECT * FROM xl_pairs")
        pairs_out = mem.sql(
            "SELECT a, b, ? AS schema, match_weight, match_probability, gammas, weights, "
            "?::TIMESTAMP AS scored_at FROM xl_write_pairs",
            params=[schema, now],
        ).to_arrow_table()
    finally:
        mem.close()

    with session.transaction():
        con.register("_xl_pairs_out", pairs_out)
        try:
            if incremental:
                con.execute(
                    "DELETE FROM resolution_pairs WHERE schema = ? AND "
                    "(a IN (SELECT unnest(?::VARCHAR[])) OR b IN (SELECT unnest(?::VARCHAR[])))",
                    [schema, sorted(new_ids), sorted(new_ids)],
                )
            else:
                con.execute("DELETE FROM resolution_pairs WHERE schema = ?", [schema])
            con.execute("INSERT INTO resolution_pairs SELECT * FROM _xl_pairs_out ORDER BY a, b")
        finally:
            con.unregister("_xl_pairs_out")
        update = write_canonical(con, assignment, schema=schema, now=now)
        if not incremental:
            # rows of erased entities (no statements left at all)
            con.execute(
                "DELETE FROM canonical WHERE schema = ? AND entity_id NOT IN "
                "(SELECT DISTINCT entity_id FROM statements "
                "WHERE schema IN (SELECT unnest(?::VARCHAR[])))",
                [schema, list(schema_family(schema))],
            )
        fresh = {
            "model": json.dumps(settings),
            "signature": signature,
            "watermark": newest.isoformat() if newest else "",
        }
        if not incremental:  # an incremental run keeps the model, and what it learnt from
            fresh["training"] = training_meta(weight)
        save_meta(con, fresh, schema)
    return _finish(
        session, model, records.num_rows, "incremental" if incremental else "full",
        len(new_ids) if incremental else records.num_rows, scored, ambiguous, update, started,
    )


def resolve_all(
    session: Session,
    *,
    schemas: list[str] | None = None,
    engine: str = "duckdb",
    progress: Callable[[str], None] | None = None,
    full: bool = False,
) -> dict[str, dict[str, Any]]:
    """:func:`resolve_workspace` for each of ``schemas`` (default: every schema of
    :data:`SCHEMAS` with visible entities, Person first); results by schema."""
    step = progress or _noop
    out: dict[str, dict[str, Any]] = {}
    for schema in schemas if schemas is not None else resolvable_schemas(session):
        out[schema] = resolve_workspace(
            session, schema=schema, engine=engine, full=full, progress=_prefixed(step, schema)
        )
    return out


def _prefixed(step: Callable[[str], None], prefix: str) -> Callable[[str], None]:
    def report(message: str) -> None:
        step(f"{prefix}: {message}")

    return report


# -- the result ------------------------------------------------------------------


def _finish(
    session: Session,
    model: ResolutionModel,
    records: int,
    mode: str,
    new_records: int,
    scored: int,
    ambiguous: int,
    update: Any,
    started: float,
) -> dict[str, Any]:
    con = session.con
    people = con.execute(
        """SELECT count(DISTINCT canonical_id),
                  count(*) FILTER (WHERE canonical_id <> entity_id)
                    - count(DISTINCT canonical_id) FILTER (WHERE canonical_id <> entity_id)
           FROM canonical WHERE schema = ?""",
        [model.schema],
    ).fetchall()[0]
    review = review_count(con, model)
    result = _result(
        records, int(people[0]), int(people[1]), review, mode, new_records, scored, ambiguous,
        update, started,
    )
    session.audit(
        "combination", model.schema, **{k: v for k, v in result.items() if k != "seconds"}
    )
    return result


def review_count(con: duckdb.DuckDBPyConnection, model: ResolutionModel) -> int:
    """Pairs in the review band that no current judgement settles."""
    low, high = model.review_band
    return int(scalar(con.execute(
        """SELECT count(*) FROM resolution_pairs p
           WHERE p.schema = ? AND p.match_probability >= ? AND p.match_probability < ?
             AND NOT EXISTS (SELECT 1 FROM judgements j WHERE j.a = p.a AND j.b = p.b
                             AND j.superseded_by IS NULL AND j.deleted_at IS NULL)""",
        [model.schema, low, high],
    )))


def _result(
    records: int, clusters: int, merged: int, review: int, mode: str, new_records: int,
    scored: int, ambiguous: int, update: Any, started: float,
) -> dict[str, Any]:
    return {
        "records": records,
        "clusters": clusters,
        "merged_records": merged,
        "review": review,
        "mode": mode,
        "new_records": new_records,
        "scored_pairs": scored,
        "ambiguous": ambiguous,
        "kept_ids": getattr(update, "kept", 0),
        "new_ids": getattr(update, "created", 0),
        "seconds": round(time.perf_counter() - started, 2),
    }
