"""Clustering one run's scope of records: the Person path and the plain path.

:func:`cluster_scope` clusters the feature table ``xl_scope`` with the scored
pairs of the run and the analysts' judgements, on top of the non-chaining core in
:mod:`crosslink.resolve.cluster`. Two paths:

* Person: name-only records whose strong matches disagree on date of birth are
  held back as ambiguous; records equal on full name, full date of birth and a
  selector are certain links; a lone name-only record then joins the one
  cluster its name designates, if there is exactly one; any record still alone
  is compared with whole clusters (:mod:`crosslink.resolve.profiles`).
* every other schema: scored pairs plus certain links on identifiers (same
  plate, IBAN, IMO ...) and the model's ``conflicts``.

Cost: O(records in scope + their pairs) in SQL plus the clustering itself; the
name-only steps are O(strong or candidate pairs of name-only records).
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from crosslink.resolve.cluster import ClusterOptions, cluster_pairs, dob_compatible
from crosslink.resolve.model import ResolutionModel
from crosslink.resolve.prepare_things import certain_pairs_sql
from crosslink.resolve.profiles import attach_to_profiles
from crosslink.resolve.records import SCHEMA
from crosslink.resolve.scoring import NAME_ONLY_MIN_WEIGHT, name_index, thin_sql

__all__ = ["cluster_scope"]


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


def cluster_scope(
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
    if model.attach_threshold is not None:
        assignment, _attached = attach_to_profiles(
            mem, settings, "xl_scope", assignment, threshold=model.attach_threshold,
            conflicts=options.conflicts, different=different, tf_source="xl_features",
            strong=threshold,
        )
    # held back: the ambiguous name-only records still alone after every step
    alone = pc.equal(assignment.column("cluster_size"), 1)
    lone_ids = set(pc.filter(assignment.column("unique_id"), alone).to_pylist())
    return assignment, len((ambiguous | held) & lone_ids)


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
) -> tuple[pa.Table, set[str]]:
    """Attach each lone name-only record to the one cluster its name designates.

    Candidates are the records with dates of birth or selectors whose name agrees
    with it at :data:`NAME_ONLY_MIN_WEIGHT` or more. When they all sit in one
    cluster (and no judgement says otherwise) the record joins it; when they span
    several (namesakes: e.g. two people of that name whose dates of birth
    conflict) it stays alone and is returned as held back. The attached record's
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
        held = {str(r[0]) for r in mem.execute("SELECT t FROM _xl_attach WHERE clusters > 1").fetchall()}
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
