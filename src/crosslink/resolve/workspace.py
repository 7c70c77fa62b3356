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

Otherwise the run is *incremental*. A record is *new* when it has no canonical row
or has Person statements newer than the last run's watermark. New records are
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
features from :mod:`crosslink.resolve.prepare_things`, a full run every time
(train, score all blocked pairs: no incremental mode, which at the sizes these
schemas have in a case workspace costs seconds), then :func:`cluster_pairs` with
the model's ``conflicts``, the judgements, and certain links for records equal
on an identifier (``CERTAIN_RULES``: same plate, IBAN, IMO ...; a small
workspace gives EM too little to score those high). The Person-only steps (name-
only records, thin records, dates of birth) do not apply. Canonical rows carry
the model's schema (Company entities resolve with, and as, Organization); the
trained model and watermark are kept per schema in ``meta``
(``resolve:<schema>:...``), and ``resolution_pairs`` rows carry the schema.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa

from crosslink.errors import CrosslinkError
from crosslink.resolve.canonical import write_canonical
from crosslink.resolve.cluster import ClusterOptions, cluster_pairs, dob_compatible
from crosslink.resolve.columns import PERSON_PROPERTIES
from crosslink.resolve.judgements import effective_judgements
from crosslink.resolve.model import ResolutionModel, load_model
from crosslink.resolve.names import load_variant_table
from crosslink.resolve.prepare import prepare_person_features
from crosslink.resolve.prepare_things import (
    SCHEMA_FAMILY,
    THING_PROPERTIES,
    THING_SCHEMAS,
    certain_pairs_sql,
    prepare_thing_features,
)
from crosslink.resolve.scoring import (
    NAME_ONLY_MIN_WEIGHT,
    SavedModel,
    comparison_names,
    empty_pairs_sql,
    explaining_settings,
    model_signature,
    name_index,
    pairs_sql,
    save_meta,
    saved_model,
    score_full,
    score_full_spark,
    score_name_only,
    score_new,
    tf_columns,
    thin_sql,
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
SCHEMA = "Person"
#: Every schema workspace resolution covers, Person first.
SCHEMAS: tuple[str, ...] = (SCHEMA, *THING_SCHEMAS)

#: Person properties read from the workspace (those the model can compare).
RESOLVED_PROPERTIES: tuple[str, ...] = tuple(
    p for p in (
        "firstName", "middleName", "lastName", "name", "birthDate", "birthPlace", "gender",
        "nationality", "address", "postalCode", "city", "phone", "email", "idNumber",
        "passportNumber",
    ) if p in PERSON_PROPERTIES
)

#: Above this share of new records an incremental run is no cheaper than a full one.
_INCREMENTAL_MAX_SHARE = 0.5


def _noop(_message: str) -> None:
    return None


# -- reading ---------------------------------------------------------------------


def person_records(session: Session, entity_ids: list[str] | None = None) -> pa.Table:
    """:func:`entity_records` of the Person schema."""
    return entity_records(session, SCHEMA, entity_ids)


def _check_schema(schema: str) -> None:
    if schema not in SCHEMAS:
        raise CrosslinkError(
            f"no workspace resolution for schema {schema!r}; one of {', '.join(SCHEMAS)}"
        )


def _family(schema: str) -> tuple[str, ...]:
    """The FtM schemas whose entities ``schema``'s model resolves."""
    return SCHEMA_FAMILY.get(schema, (schema,))


def entity_records(
    session: Session, schema: str, entity_ids: list[str] | None = None
) -> pa.Table:
    """One row per visible entity of ``schema`` (and its family: an Organization
    model also reads Company entities): ``unique_id``, ``seen`` (newest statement)
    and one VARCHAR column per property the schema's features read
    (:data:`RESOLVED_PROPERTIES` for Person, ``THING_PROPERTIES`` otherwise).

    Only ``visible_statements`` are read, so the session's compartments hold. A
    property with several values takes a cleaned value before an uncleaned one,
    then the most frequently stated, then the smallest (deterministic). O(statements
    of those entities) in SQL; with ``entity_ids``, only those entities.
    """
    _check_schema(schema)
    properties = RESOLVED_PROPERTIES if schema == SCHEMA else THING_PROPERTIES[schema]
    pivot = ", ".join(
        f"first(value ORDER BY clean DESC, n DESC, value) FILTER (WHERE prop = '{p}') AS \"{p}\""
        for p in properties
    )
    only = ""
    params: list[object] = [list(_family(schema)), list(properties)]
    if entity_ids is not None:
        only = (
            "AND entity_hash IN (SELECT hash(unnest(?::VARCHAR[]))) "
            "AND entity_id IN (SELECT unnest(?::VARCHAR[]))"
        )
        params += [entity_ids, entity_ids]
    return session.con.sql(
        f"""
        WITH v AS (
            SELECT entity_id, prop, value, count(*) AS n, bool_or(reason IS NULL) AS clean,
                   max(first_seen) AS seen
            FROM visible_statements
            WHERE schema IN (SELECT unnest(?::VARCHAR[]))
              AND prop IN (SELECT unnest(?::VARCHAR[])) {only}
            GROUP BY entity_id, prop, value
        )
        SELECT entity_id AS unique_id, max(seen) AS seen, {pivot}
        FROM v GROUP BY entity_id ORDER BY entity_id
        """,  # noqa: S608 - property names are our constants
        params=params,
    ).to_arrow_table()


def resolvable_schemas(session: Session) -> list[str]:
    """The schemas of :data:`SCHEMAS` with at least one visible entity, Person first."""
    families = {member: schema for schema in SCHEMAS for member in _family(schema)}
    present = {
        str(r[0]) for r in session.con.execute(
            "SELECT DISTINCT schema FROM visible_statements WHERE schema IN "
            "(SELECT unnest(?::VARCHAR[]))",
            [sorted(families)],
        ).fetchall()
    }
    wanted = {families[s] for s in present}
    return [s for s in SCHEMAS if s in wanted]


def load_features(
    mem: duckdb.DuckDBPyConnection, records: pa.Table, target: str, schema: str = SCHEMA
) -> set[str]:
    """Prepare ``schema``'s feature table ``target`` in ``mem`` from :func:`entity_records`."""
    mem.register("_xl_records_arrow", records.drop_columns(["seen"]))
    mem.execute(
        "CREATE OR REPLACE TEMP TABLE _xl_records AS "
        "SELECT *, 'workspace' AS source_dataset FROM _xl_records_arrow"
    )
    mem.unregister("_xl_records_arrow")
    if schema != SCHEMA:
        return set(prepare_thing_features(mem, schema, "_xl_records", target))
    return set(prepare_person_features(mem, "_xl_records", target, load_variant_table()))


def memory_connection() -> duckdb.DuckDBPyConnection:
    mem = duckdb.connect()
    mem.execute("SET enable_progress_bar = false")
    return mem


# -- clustering ------------------------------------------------------------------


def _ambiguous_name_only(mem: duckdb.DuckDBPyConnection, pairs: str, threshold: float) -> set[str]:
    """Name-only records whose strong matches disagree on date of birth.

    Such a record could be any of several namesakes; merging it into one would be
    a guess. O(strong pairs of name-only records) in SQL, then a Python check over
    each such record's few distinct partner dates.
    """
    rows = mem.execute(
        f"""
        WITH thin AS (SELECT unique_id FROM xl_scope f WHERE {thin_sql()}),
        strong AS (
            SELECT a AS rec, b AS other FROM {pairs} WHERE match_probability >= ?
            UNION ALL SELECT b, a FROM {pairs} WHERE match_probability >= ?
        )
        SELECT s.rec, list(DISTINCT [f.dob_y, f.dob_m, f.dob_d])
        FROM strong s SEMI JOIN thin t ON t.unique_id = s.rec
        JOIN xl_scope f ON f.unique_id = s.other
        WHERE f.dob_y IS NOT NULL
        GROUP BY s.rec HAVING count(DISTINCT [f.dob_y, f.dob_m, f.dob_d]) > 1
        """,  # noqa: S608 - internal table names
        [threshold, threshold],
    ).fetchall()
    ambiguous: set[str] = set()
    for rec, dobs in rows:
        dates = [(d[0], d[1], d[2]) for d in dobs]
        if any(
            not dob_compatible(x, y) for i, x in enumerate(dates) for y in dates[i + 1:]
        ):
            ambiguous.add(str(rec))
    return ambiguous


def _cluster_scope(
    mem: duckdb.DuckDBPyConnection,
    model: ResolutionModel,
    settings: dict[str, Any],
    pairs: str,
    same: list[tuple[str, str]],
    different: list[tuple[str, str]],
) -> tuple[pa.Table, int]:
    """Cluster ``xl_scope`` with ``pairs`` and the judgements; returns the
    assignment and how many name-only records were held back as ambiguous."""
    if model.schema != SCHEMA:
        return _cluster_things(mem, model, pairs, same, different), 0
    threshold = model.cluster_threshold
    ambiguous = _ambiguous_name_only(mem, pairs, threshold)
    mem.register("_xl_ambiguous", pa.table({"id": pa.array(sorted(ambiguous), pa.string())}))
    mem.execute(
        f"""CREATE OR REPLACE TEMP TABLE xl_cluster_pairs AS
            SELECT a AS unique_id_l, b AS unique_id_r, match_probability FROM {pairs}
            WHERE a NOT IN (SELECT id FROM _xl_ambiguous)
              AND b NOT IN (SELECT id FROM _xl_ambiguous)"""  # noqa: S608
    )
    mem.unregister("_xl_ambiguous")
    options = ClusterOptions(
        threshold=threshold,
        conflicts=tuple(model.spec.get("conflicts", ClusterOptions.conflicts)),
    )
    assignment = cluster_pairs(
        mem, "xl_scope", "xl_cluster_pairs", options,
        must_link=same + _certain_pairs(mem, different), cannot_link=different,
    )
    assignment, held = _attach_name_only(mem, assignment, pairs, settings, different)
    return assignment, len(ambiguous) + held


def _cluster_things(
    mem: duckdb.DuckDBPyConnection,
    model: ResolutionModel,
    pairs: str,
    same: list[tuple[str, str]],
    different: list[tuple[str, str]],
) -> pa.Table:
    """The plain path for non-Person schemas: scored pairs, the judgements, and
    the model's ``conflicts`` (two VINs, two IBANs ...) in :func:`cluster_pairs`.

    Records equal on an identifier (``CERTAIN_RULES``: same plate, IBAN, IMO ...)
    are linked at probability 1 whatever the trained model says (on a small
    workspace EM has too little to learn from); as edges, not forced merges, so
    "different" judgements and conflicts still keep records apart.
    O(records + pairs) plus the clustering.
    """
    present = [str(r[0]) for r in mem.execute("DESCRIBE xl_scope").fetchall()]
    counts = mem.execute(
        "SELECT " + ", ".join(f'count("{c}")' for c in present) + " FROM xl_scope"  # noqa: S608
    ).fetchall()[0]
    filled = {c for c, n in zip(present, counts, strict=True) if n}
    mem.execute(
        f"""CREATE OR REPLACE TEMP TABLE xl_cluster_pairs AS
            SELECT unique_id_l, unique_id_r, max(match_probability) AS match_probability
            FROM (
                SELECT a AS unique_id_l, b AS unique_id_r, match_probability FROM {pairs}
                UNION ALL
                SELECT a, b, 1.0 FROM ({certain_pairs_sql(model.schema, "xl_scope", filled)})
            ) GROUP BY ALL"""  # noqa: S608 - internal names and columns of ours
    )
    options = ClusterOptions(
        threshold=model.cluster_threshold,
        conflicts=tuple(model.spec.get("conflicts", ())),
    )
    return cluster_pairs(
        mem, "xl_scope", "xl_cluster_pairs", options, must_link=same, cannot_link=different
    )


def _certain_pairs(
    mem: duckdb.DuckDBPyConnection, different: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """Records that agree on the full name, the full date of birth and a selector
    (phone, e-mail or passport number) are one person, whatever the trained model
    says: on a small workspace EM has too little to learn from to score them high.

    A hash join on (name key, date of birth), so O(records) plus the agreeing pairs.
    Records named in a "different" judgement are left to the model and the analyst.
    """
    judged = {x for pair in different for x in pair}
    rows = mem.execute(
        """
        SELECT l.unique_id, r.unique_id FROM xl_scope l JOIN xl_scope r
          ON l.name_key = r.name_key AND l.dob = r.dob AND l.unique_id < r.unique_id
        WHERE l.dob_d IS NOT NULL
          AND (l.phone = r.phone OR l.email = r.email OR l.passport_number = r.passport_number)
        """
    ).fetchall()
    return [(str(a), str(b)) for a, b in rows if a not in judged and b not in judged]


def _attach_name_only(
    mem: duckdb.DuckDBPyConnection,
    assignment: pa.Table,
    pairs: str,
    settings: dict[str, Any],
    different: list[tuple[str, str]],
) -> tuple[pa.Table, int]:
    """Attach each lone name-only record to the one cluster its name designates.

    Candidates are the records with dates of birth or selectors whose name agrees
    with it at :data:`NAME_ONLY_MIN_WEIGHT` or more. When they all sit in one
    cluster (and no judgement says otherwise) the record joins it; when they span
    several (namesakes: e.g. two people of that name whose dates of birth
    conflict) it stays alone and is counted as held back. The attached record's
    confidence is the name evidence's odds on an even prior, capped by the
    cluster's. O(candidate pairs) SQL.
    """
    position = name_index(settings)
    mem.register("_xl_assign_in", assignment)
    mem.register("_xl_forbid", pa.table({
        "x": pa.array([a for a, _ in different] + [b for _, b in different], pa.string()),
        "y": pa.array([b for _, b in different] + [a for a, _ in different], pa.string()),
    }))
    try:
        mem.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE _xl_attach AS
            WITH thin AS (SELECT unique_id FROM xl_scope f WHERE {thin_sql()}),
            cand AS (
                SELECT CASE WHEN p.a IN (SELECT unique_id FROM thin) THEN p.a ELSE p.b END AS t,
                       CASE WHEN p.a IN (SELECT unique_id FROM thin) THEN p.b ELSE p.a END AS r,
                       p.weights[{position}] AS w
                FROM {pairs} p
                WHERE p.weights[{position}] >= ?
                  AND (p.a IN (SELECT unique_id FROM thin)) <> (p.b IN (SELECT unique_id FROM thin))
            ), lone AS (
                SELECT c.t, x.cluster_id, max(c.w) AS w
                FROM cand c
                JOIN _xl_assign_in s ON s.unique_id = c.t AND s.cluster_size = 1
                JOIN _xl_assign_in x ON x.unique_id = c.r
                GROUP BY c.t, x.cluster_id
            ), decided AS (
                SELECT t, any_value(cluster_id) AS cluster_id, max(w) AS w,
                       count(*) AS clusters
                FROM lone GROUP BY t
            )
            SELECT d.* FROM decided d
            WHERE d.clusters > 1 OR NOT EXISTS (
                SELECT 1 FROM _xl_forbid f JOIN _xl_assign_in m ON m.unique_id = f.y
                WHERE f.x = d.t AND m.cluster_id = d.cluster_id)
            """,  # noqa: S608 - internal names and an integer position
            [NAME_ONLY_MIN_WEIGHT],
        )
        held = int(scalar(mem.execute("SELECT count(*) FROM _xl_attach WHERE clusters > 1")))
        result = mem.sql(
            """
            WITH moved AS (
                SELECT a.unique_id,
                       coalesce(t.cluster_id, a.cluster_id) AS cluster_id,
                       a.confidence, t.w
                FROM _xl_assign_in a
                LEFT JOIN (SELECT * FROM _xl_attach WHERE clusters = 1) t ON t.t = a.unique_id
            )
            SELECT unique_id, cluster_id,
                   round(CASE WHEN w IS NULL THEN confidence
                              ELSE least(max(confidence) FILTER (WHERE w IS NULL)
                                         OVER (PARTITION BY cluster_id),
                                         1 - 1 / (1 + pow(2, w))) END, 4) AS confidence,
                   CAST(count(*) OVER (PARTITION BY cluster_id) AS INTEGER) AS cluster_size
            FROM moved ORDER BY unique_id
            """
        ).to_arrow_table()
    finally:
        mem.unregister("_xl_assign_in")
        mem.unregister("_xl_forbid")
    return result, held


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
    and ``seconds``. For a schema other than Person the run is always full and
    ``ambiguous`` is 0; ``mode`` is ``skipped`` when its records hold nothing the
    model can compare (no canonical rows are written then).
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    _check_schema(schema)
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
        new_ids = _new_records(con, records, saved)
        incremental = (
            not full
            and person
            and engine == "duckdb"
            and saved is not None
            and saved.signature == signature
            and len(new_ids) <= _INCREMENTAL_MAX_SHARE * records.num_rows
        )
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
            step("matching name-only records")
            _split_thin(mem, "xl_new")
            _split_thin(mem, "xl_old")
            _split_thin(mem, "xl_features")
            scored = score_name_only(
                mem, settings, [("xl_new_thin", "xl_features_rich"), ("xl_new_rich", "xl_old_thin")]
            )
        else:
            if engine == "spark":
                settings, scored = score_full_spark(mem, model, available, step)
            else:
                settings, scored = score_full(mem, model, available, step)
            if person:
                step("matching name-only records")
                _split_thin(mem, "xl_features")
                scored = score_name_only(
                    mem, settings, [("xl_features_thin", "xl_features_rich")]
                )

        step("clustering")
        same, different, _unsure = effective_judgements(con)
        scope = None
        if incremental:
            # Pairs between the two thresholds cannot move a record between
            # clusters; strong pairs and name-only candidates can.
            touched = {
                str(r[0]) for r in mem.execute(
                    "SELECT unnest([a, b]) FROM xl_pairs "
                    "WHERE match_probability >= ? OR match_probability < ?",
                    [model.cluster_threshold, model.predict_threshold],
                ).fetchall()
            }
            scope = _close_scope(con, model, set(new_ids) | touched, same + different)
        _load_scope(con, mem, scope, incremental, new_ids, schema)
        assignment, ambiguous = _cluster_scope(
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
                [schema, list(_family(schema))],
            )
        save_meta(con, {
            "model": json.dumps(settings),
            "signature": signature,
            "watermark": newest.isoformat() if newest else "",
        }, schema)
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


def _split_thin(mem: duckdb.DuckDBPyConnection, table: str) -> None:
    """``{table}_thin`` / ``{table}_rich``: its name-only records and the others."""
    mem.execute(
        f"CREATE OR REPLACE TEMP TABLE {table}_thin AS SELECT * FROM {table} f WHERE {thin_sql()}"  # noqa: S608
    )
    mem.execute(
        f"CREATE OR REPLACE TEMP TABLE {table}_rich AS "  # noqa: S608
        f"SELECT * FROM {table} f WHERE NOT {thin_sql()}"
    )


def _new_records(con: duckdb.DuckDBPyConnection, records: pa.Table, saved: SavedModel | None) -> set[str]:
    """Records without a canonical row, or with statements newer than the last run."""
    con.register("_xl_seen", records.select(["unique_id", "seen"]))
    try:
        rows = con.execute(
            """SELECT r.unique_id FROM _xl_seen r
               LEFT JOIN canonical c ON c.entity_id = r.unique_id
               WHERE c.entity_id IS NULL OR (?::TIMESTAMP IS NOT NULL AND r.seen > ?::TIMESTAMP)""",
            [saved.watermark if saved else None, saved.watermark if saved else None],
        ).fetchall()
    finally:
        con.unregister("_xl_seen")
    return {str(r[0]) for r in rows}


def _close_scope(
    con: duckdb.DuckDBPyConnection,
    model: ResolutionModel,
    scope: set[str],
    judged: list[tuple[str, str]],
) -> set[str]:
    """Grow ``scope`` until re-clustering it cannot change anything outside it:
    whole clusters, both ends of every judgement, and the name-only candidates
    of its records (stored pairs below the predict threshold are exactly the
    name-only pairs). O(scope + their pairs) per round; rounds stop at a fixed point.
    """
    while True:
        linked = {x for a, b in judged if a in scope or b in scope for x in (a, b)}
        ids = sorted(scope | linked)
        partners = {
            str(r[0]) for r in con.execute(
                """SELECT b FROM resolution_pairs WHERE schema = ? AND match_probability < ?
                     AND a IN (SELECT unnest(?::VARCHAR[]))
                   UNION SELECT a FROM resolution_pairs WHERE schema = ? AND match_probability < ?
                     AND b IN (SELECT unnest(?::VARCHAR[]))""",
                [model.schema, model.predict_threshold, ids,
                 model.schema, model.predict_threshold, ids],
            ).fetchall()
        }
        grown = scope | linked | partners
        grown |= _cluster_members(con, grown)
        if grown == scope:
            return scope
        scope = grown


def _cluster_members(con: duckdb.DuckDBPyConnection, ids: set[str]) -> set[str]:
    rows = con.execute(
        """SELECT entity_id FROM canonical WHERE canonical_id IN (
               SELECT canonical_id FROM canonical WHERE entity_id IN (SELECT unnest(?::VARCHAR[])))""",
        [sorted(ids)],
    ).fetchall()
    return {str(r[0]) for r in rows}


def _load_scope(
    con: duckdb.DuckDBPyConnection,
    mem: duckdb.DuckDBPyConnection,
    scope: set[str] | None,
    incremental: bool,
    new_ids: set[str],
    schema: str = SCHEMA,
) -> None:
    """``xl_scope`` (features to cluster) and ``xl_scope_pairs`` (their pairs).

    Full runs cluster everything with this run's pairs. Incremental runs add the
    stored pairs among the scope's old records to the new pairs.
    """
    if scope is None:
        mem.execute("CREATE OR REPLACE TEMP TABLE xl_scope AS SELECT * FROM xl_features")
        mem.execute("CREATE OR REPLACE TEMP TABLE xl_scope_pairs AS SELECT * FROM xl_pairs")
        return
    ids = sorted(scope)
    mem.register("_xl_scope_ids", pa.table({"id": pa.array(ids, pa.string())}))
    mem.execute(
        "CREATE OR REPLACE TEMP TABLE xl_scope AS SELECT * FROM xl_features "
        "SEMI JOIN _xl_scope_ids ON unique_id = id"
    )
    mem.unregister("_xl_scope_ids")
    old = sorted(scope - new_ids)
    stored = con.sql(
        """SELECT a, b, match_weight, match_probability, gammas, weights FROM resolution_pairs
           WHERE schema = ? AND a IN (SELECT unnest(?::VARCHAR[]))
             AND b IN (SELECT unnest(?::VARCHAR[]))""",
        params=[schema, old, old],
    ).to_arrow_table()
    mem.register("_xl_stored", stored)
    mem.execute(
        "CREATE OR REPLACE TEMP TABLE xl_scope_pairs AS "
        "SELECT * FROM xl_pairs WHERE a IN (SELECT unique_id FROM xl_scope) "
        "AND b IN (SELECT unique_id FROM xl_scope) UNION ALL SELECT * FROM _xl_stored"
    )
    mem.unregister("_xl_stored")


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


def recluster(
    session: Session, entity_ids: set[str], schema: str = SCHEMA
) -> dict[str, Any]:
    """Re-cluster the clusters holding ``entity_ids`` (of ``schema``) from stored
    pairs and the current judgements, and rewrite their canonical rows; audited.

    This is how a judgement takes effect at once (``judge A B --different`` splits
    the cluster now, not at the next resolve). O(affected clusters + their pairs).
    """
    con = session.con
    model = load_model(schema)
    same, different, _unsure = effective_judgements(con)
    saved = saved_model(con, schema)
    if saved is None:
        raise CrosslinkError("run `crosslink resolve` first: there is no resolution to update")
    scope = _close_scope(con, model, set(entity_ids), same + different)
    now = datetime.now(UTC).replace(tzinfo=None)
    records = entity_records(session, schema, sorted(scope))
    mem = memory_connection()
    try:
        load_features(mem, records, "xl_features", schema)
        mem.execute(f"CREATE OR REPLACE TEMP TABLE xl_pairs AS {empty_pairs_sql()}")  # noqa: S608
        present = {str(x) for x in records.column("unique_id").to_pylist()}
        _load_scope(con, mem, present, True, set(), schema)
        assignment, _ambiguous = _cluster_scope(
            mem, model, saved.settings, "xl_scope_pairs", same, different
        )
    finally:
        mem.close()
    with session.transaction():
        update = write_canonical(con, assignment, schema=schema, now=now)
    session.audit(
        "combination", schema, scope=len(scope), changed=update.changed, reason="judgement"
    )
    return {"records": len(scope), "changed": update.changed, "clusters": update.clusters}


def entity_schema(con: duckdb.DuckDBPyConnection, entity_id: str) -> str:
    """The resolution schema (of :data:`SCHEMAS`) an entity belongs to: its
    canonical row's, else its statements' (Company -> Organization), else Person."""
    rows = con.execute(
        """SELECT schema FROM canonical WHERE entity_id = ?
           UNION ALL
           SELECT any_value(schema) FROM visible_statements
           WHERE entity_hash = hash(?) AND entity_id = ?""",
        [entity_id, entity_id, entity_id],
    ).fetchall()
    families = {member: schema for schema in SCHEMAS for member in _family(schema)}
    for (value,) in rows:
        if value is not None and str(value) in families:
            return families[str(value)]
    return SCHEMA


def canonical_ids(con: duckdb.DuckDBPyConnection, entity_ids: list[str]) -> dict[str, str]:
    """Each entity's canonical id (its own id when it has no row)."""
    rows = dict(con.execute(
        "SELECT entity_id, canonical_id FROM canonical WHERE entity_id IN (SELECT unnest(?::VARCHAR[]))",
        [entity_ids],
    ).fetchall())
    return {e: str(rows.get(e, e)) for e in entity_ids}
