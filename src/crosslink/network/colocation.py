"""Co-location and co-travel: pairs repeatedly at the same place within a time window.

Observations are (entity, place, time) rows: a phone's call routed through a cell site,
a vehicle read by an ANPR camera. Two entities seen at the same place within
``window`` of each other are co-located once; pairs co-located on at least
``min_times`` distinct occasions are reported, with the places, first and last time,
and the statements that evidence each sighting.

The pairing is a DuckDB self-join on (place, time bucket) with the neighbouring bucket,
so it is O(sightings per place-bucket squared), never all pairs of rows.
"""

from __future__ import annotations

from datetime import timedelta

import duckdb
import pyarrow as pa

from crosslink.network.filters import NetworkFilter, grading_passes

__all__ = ["observations_from_workspace", "colocations"]

_OBS_SQL = """
WITH ok_reports AS (
  SELECT r.id FROM visible_reports r
  WHERE (NOT $use_grading
         OR list_contains($ok_gradings, coalesce(r.grading_scheme, '') || '|' || r.grading))
    AND (NOT $use_handling OR list_contains($handling, r.handling_code))
    AND ($compartments IS NULL OR r.compartment IS NULL
         OR list_contains($compartments, r.compartment))
),
st AS (
  SELECT s.* FROM visible_statements s LEFT JOIN ok_reports r ON s.report_id = r.id
  WHERE (r.id IS NOT NULL OR (s.report_id IS NULL AND $allow_unreported))
    AND s.reason IS NULL AND s.schema IN ('Call', 'Event')
),
canon AS (SELECT entity_id, canonical_id FROM canonical),
obs_rows AS (
  SELECT s.entity_id AS obs_id, min(s.schema) AS schema,
    -- who: the caller (or the calling phone), or the vehicle an ANPR event involves
    coalesce(min(CASE WHEN s.prop IN ('caller', 'involved') THEN coalesce(c.canonical_id, s.value) END),
             min(CASE WHEN s.prop = 'callerNumber' THEN 'phone:' || s.value END)) AS entity,
    min(CASE WHEN s.prop IN ('x:cellSite', 'location') THEN s.value END) AS place,
    min(CASE WHEN s.prop IN ('date', 'startDate') THEN TRY_CAST(s.value AS TIMESTAMP) END) AS "at",
    list(DISTINCT s.id) AS statement_ids,
    list(DISTINCT s.report_id) FILTER (WHERE s.report_id IS NOT NULL) AS report_ids
  FROM st s LEFT JOIN canon c ON c.entity_id = s.value AND s.prop_type = 'entity'
  GROUP BY s.entity_id
)
SELECT entity, place, "at", schema AS kind, obs_id, statement_ids, report_ids FROM obs_rows
WHERE entity IS NOT NULL AND place IS NOT NULL AND "at" IS NOT NULL
  AND ($since IS NULL OR "at" >= CAST($since AS TIMESTAMP))
  AND ($until IS NULL OR "at" < CAST($until AS TIMESTAMP))
"""


def observations_from_workspace(
    con: duckdb.DuckDBPyConnection, flt: NetworkFilter | None = None
) -> pa.Table:
    """Sightings from calls with a cell site (``x:cellSite``) and ANPR ``Event`` reads.

    Same report filters as the network. O(S) over Call/Event statements.
    """
    flt = flt or NetworkFilter()
    ok = []
    if flt.min_gradings:
        rows = con.execute(
            "SELECT DISTINCT grading_scheme, grading FROM visible_reports WHERE grading IS NOT NULL"
        ).fetchall()
        ok = [f"{s}|{g}" for s, g in rows if grading_passes(s, g, flt.min_gradings)]
    params = {
        "use_grading": bool(flt.min_gradings),
        "ok_gradings": ok,
        "use_handling": bool(flt.handling_codes),
        "handling": list(flt.handling_codes),
        "compartments": None if flt.compartments is None else list(flt.compartments),
        "allow_unreported": not flt.restricts_reports,
        "since": flt.since,
        "until": flt.until,
    }
    return con.sql(_OBS_SQL, params=params).to_arrow_table()


_PAIR_SQL = """
WITH obs AS (
  SELECT entity, place, "at", statement_ids,
         CAST(floor(epoch("at") / $w) AS BIGINT) AS bucket FROM observations
),
pairs AS (
  SELECT a.entity AS a, b.entity AS b, a.place, least(a."at", b."at") AS "at",
         CAST(floor(epoch(least(a."at", b."at")) / $w) AS BIGINT) AS occasion,
         list_concat(a.statement_ids, b.statement_ids) AS statement_ids
  FROM obs a JOIN obs b
    ON a.place = b.place AND b.bucket BETWEEN a.bucket - 1 AND a.bucket + 1
   AND a.entity < b.entity
  WHERE abs(epoch(a."at") - epoch(b."at")) <= $w
)
SELECT a, b, count(DISTINCT (place, occasion)) AS times,
       list_sort(list_distinct(list(place))) AS places,
       min("at") AS first_seen, max("at") AS last_seen,
       list_sort(list_distinct(flatten(list(statement_ids)))) AS statement_ids
FROM pairs GROUP BY a, b
HAVING count(DISTINCT (place, occasion)) >= $min_times
ORDER BY times DESC, a, b
"""


def colocations(
    observations: pa.Table, *, window: timedelta = timedelta(minutes=15), min_times: int = 2
) -> pa.Table:
    """Pairs of entities seen at the same place within ``window``, at least ``min_times`` times.

    ``observations`` needs columns ``entity`` (string), ``place`` (string), ``at``
    (timestamp) and optionally ``statement_ids`` (list of strings). One occasion is one
    (place, window-sized time slot) so a burst of reads counts once.
    """
    if "statement_ids" not in observations.column_names:
        observations = observations.append_column(
            "statement_ids", pa.nulls(observations.num_rows, pa.list_(pa.string()))
        )
    con = duckdb.connect()
    try:
        con.register("observations", observations)
        return con.sql(
            _PAIR_SQL, params={"w": window.total_seconds(), "min_times": min_times}
        ).to_arrow_table()
    finally:
        con.close()
