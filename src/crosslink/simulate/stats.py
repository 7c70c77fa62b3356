"""Statistics of a scenario directory: the distributions that make it realistic.

Computed with DuckDB straight from the CSV files (nothing is loaded into Python
rows), so it runs on a million-person scenario in seconds. Every figure is
compared with a documented target (see ``docs/simulator.md``); the tests assert
the targets on a freshly generated scenario. O(records).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from crosslink.errors import InputError
from crosslink.store.sql import one

__all__ = ["scenario_stats", "Target", "TARGETS", "check_targets"]


@dataclass(frozen=True)
class Target:
    """An acceptable range for one statistic."""

    key: str
    low: float
    high: float
    why: str


TARGETS = (
    Target("records_per_person.mean", 1.1, 1.8, "most people appear once or twice"),
    Target("records_per_person.facilitator_mean", 2.0, 4.0, "suspects are known to several forces"),
    Target("records_per_person.max", 5, 1e9, "a long tail of heavily reported people"),
    Target("spellings_per_person.mean_multi", 1.3, 3.0, "repeat records rarely agree on spelling"),
    Target("namesakes.top_share", 0.001, 0.03, "hundreds of Mohammed Ahmeds per 100k people"),
    Target("namesakes.shared_share", 0.5, 1.0, "most people share their full name with someone"),
    Target("noise.forename_missing", 0.01, 0.04, "given name missing (2%)"),
    Target("noise.dob_missing", 0.08, 0.12, "DOB missing (10%)"),
    Target("noise.dob_partial", 0.05, 0.07, "DOB year or year-month only (6%)"),
    Target("noise.dob_wrong", 0.04, 0.10, "DOB swapped, slipped or set to 1 January"),
    Target("noise.name_differs", 0.25, 0.50, "name not in the person's own spelling"),
    Target("noise.phone_missing", 0.30, 0.40, "no phone on the record (35%)"),
    Target("noise.nationality_missing", 0.08, 0.12, "nationality missing (10%)"),
    Target("groups.mean_size", 8, 60, "organised crime groups of tens of members"),
    Target("degree.max_over_median", 5, 1e9, "hubs: organisers and money handlers"),
    Target("text.spans_per_report", 3, 12, "each report names people, places and selectors"),
    Target("text.iban_countries", 5, 7, "accounts in the UK, on the route and in Turkey"),
    Target("text.ocr_phone_share", 0.002, 0.05, "a few scanned reports with O/l in phones"),
)


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> tuple[Any, ...]:
    # store.sql.one fetches the whole result: fetchone() would leave it open (DuckDB 2)
    row = one(con.execute(sql, params))
    assert row is not None
    return tuple(row)


def scenario_stats(directory: Path) -> dict[str, float]:
    """Flat ``{statistic: value}`` for a scenario directory."""
    truth = directory / "truth"
    records = directory / "records"
    if not (truth / "records.csv").is_file():
        raise InputError("not a scenario directory (truth/records.csv missing)", file=str(directory))
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")  # the CLI prints its own tables
    nominals = sorted(str(p) for p in records.glob("nominals_*.csv"))
    # Relations, not SQL text: file paths never enter a query string.
    con.read_csv(str(truth / "records.csv"), all_varchar=True).create_view("truth")
    con.read_csv(str(truth / "entities.csv"), all_varchar=True).create_view("ent")
    con.read_csv(nominals, all_varchar=True, union_by_name=True).create_view("nom")
    con.read_csv(str(truth / "groups.csv")).create_view("grp")
    con.read_csv(str(truth / "links.csv"), all_varchar=True).create_view("lnk")
    con.execute(
        "CREATE TEMP TABLE nomt AS SELECT n.*, e.entity_id, e.role AS true_role, e.name AS true_name, "
        "e.birth_date AS true_dob FROM nom n JOIN truth t ON t.record_id = n.record_id "
        "AND t.field = 'person' JOIN ent e ON e.entity_id = t.entity_id"
    )
    out: dict[str, float] = {}
    mean, p50, p90, mx, single = _one(
        con,
        "SELECT avg(c), median(c), quantile_cont(c, 0.9), max(c), avg((c = 1)::int) "
        "FROM (SELECT entity_id, count(*) c FROM nomt GROUP BY 1)",
        [],
    )
    out |= {
        "records_per_person.mean": mean,
        "records_per_person.median": p50,
        "records_per_person.p90": p90,
        "records_per_person.max": mx,
        "records_per_person.single_share": single,
    }
    (fac_mean,) = _one(
        con,
        "SELECT avg(c) FROM (SELECT entity_id, count(*) c FROM nomt "
        "WHERE true_role NOT IN ('migrant', 'victim', 'witness', 'unknown') GROUP BY 1)",
        [],
    )
    out["records_per_person.facilitator_mean"] = fac_mean or 0.0
    (multi,) = _one(
        con,
        "SELECT avg(s) FROM (SELECT entity_id, count(DISTINCT lower(coalesce(forename,'') || ' ' "
        "|| coalesce(surname,''))) s, count(*) c FROM nomt GROUP BY 1) WHERE c > 1",
        [],
    )
    out["spellings_per_person.mean_multi"] = multi or 1.0
    people, top, shared, names = _one(
        con,
        "WITH c AS (SELECT canonical_name, count(*) n FROM ent WHERE schema = 'Person' GROUP BY 1) "
        "SELECT (SELECT sum(n) FROM c), max(n), (SELECT sum(n) FROM c WHERE n > 1), count(*) FROM c",
        [],
    )
    out["namesakes.people"] = people
    out["namesakes.distinct_names"] = names
    out["namesakes.top_count"] = top
    out["namesakes.top_share"] = top / people
    out["namesakes.shared_share"] = shared / people
    row = _one(
        con,
        "SELECT avg((forename IS NULL)::int), avg((surname IS NULL)::int), "
        "avg((dob IS NULL)::int), avg((length(dob) < 10)::int), "
        "avg((length(dob) = 10 AND dob <> true_dob)::int), "
        "avg((coalesce(forename,'') || ' ' || coalesce(surname,'') <> true_name)::int), "
        "avg((phone IS NULL)::int), avg((nationality IS NULL)::int), "
        "avg((email IS NULL)::int), avg((passport IS NULL)::int), avg((city IS NULL)::int) FROM nomt",
        [],
    )
    keys = (
        "forename_missing", "surname_missing", "dob_missing", "dob_partial", "dob_wrong",
        "name_differs", "phone_missing", "nationality_missing", "email_missing",
        "passport_missing", "city_missing",
    )  # fmt: skip
    out |= {f"noise.{k}": v for k, v in zip(keys, row, strict=True)}
    gmin, gmean, gmax, ngroups = _one(
        con,
        "SELECT min(members), avg(members), max(members), count(*) FROM grp",
        [],
    )
    out |= {"groups.count": ngroups, "groups.min_size": gmin, "groups.mean_size": gmean,
            "groups.max_size": gmax}  # fmt: skip
    dmean, dmed, dmax, dfac = _one(
        con,
        "WITH l AS (SELECT * FROM lnk), "
        "d AS (SELECT node, count(*) k FROM (SELECT source node FROM l UNION ALL "
        "SELECT target FROM l) GROUP BY 1) "
        "SELECT avg(k), median(k), max(k), (SELECT avg(k) FROM d JOIN ent e ON e.entity_id = d.node "
        "WHERE e.role NOT IN ('migrant', 'victim', 'witness', 'unknown')) FROM d",
        [],
    )
    out |= {
        "degree.mean": dmean,
        "degree.median": dmed,
        "degree.max": dmax,
        "degree.facilitator_mean": dfac,
        "degree.max_over_median": dmax / max(dmed, 1),
    }
    out |= _text_stats(con, truth)
    return {k: float(v) for k, v in out.items()}


def _text_stats(con: duckdb.DuckDBPyConnection, truth: Path) -> dict[str, float]:
    """Gold spans per free-text report, by type; OCR damage; IBAN countries."""
    out: dict[str, float] = {"text.spans_per_report": 0.0}
    spans = truth / "spans.jsonl"
    damaged = truth / "damaged.jsonl"
    cols = {"record_id": "VARCHAR", "file": "VARCHAR", "type": "VARCHAR", "start": "BIGINT",
            "end": "BIGINT", "value": "VARCHAR"}  # fmt: skip
    if spans.stat().st_size:
        con.read_json(str(spans), format="newline_delimited", columns=cols).create_view("spans")
        (per_report,) = _one(con, "SELECT count(*) / count(DISTINCT record_id) FROM spans", [])
        out["text.spans_per_report"] = per_report
        for type_, share in con.execute(
            "SELECT type, count(*) / (SELECT count(*) FROM spans) FROM spans GROUP BY 1 ORDER BY 1"
        ).fetchall():
            out[f"text.share.{type_}"] = share
    n_damaged = 0
    if damaged.is_file() and damaged.stat().st_size:
        con.read_json(str(damaged), format="newline_delimited", columns={**cols, "written": "VARCHAR"}).create_view("dmg")
        (n_damaged,) = _one(con, "SELECT count(*) FROM dmg", [])
    out["text.damaged_selectors"] = n_damaged
    (countries,) = _one(
        con, "SELECT count(DISTINCT left(value, 2)) FROM ent WHERE schema = 'BankAccount'", []
    )
    out["text.iban_countries"] = countries
    out["text.ocr_phone_share"] = 0.0
    if spans.stat().st_size:
        # phones whose written form (in the report text) carries an O or l: OCR'd reports
        texts = _texts(con, truth.parent / "records")
        if texts:
            (share,) = _one(
                con,
                "SELECT avg(regexp_matches(substr(t.text, s.start + 1, s.\"end\" - s.start), '[Ol]')::int) "
                "FROM spans s JOIN texts t ON t.id = s.record_id WHERE s.type = 'phone'",
                [],
            )
            out["text.ocr_phone_share"] = share or 0.0
    return out


def _texts(con: duckdb.DuckDBPyConnection, records: Path) -> bool:
    """A table ``texts(id, text)`` of the free-text record files; False if none.
    Built from relations, so no file path enters a query string."""
    rel: duckdb.DuckDBPyRelation | None = None
    parts = [con.read_csv(str(p), all_varchar=True).project("report_ref AS id, text")
             for p in sorted(records.glob("intel_*.csv"))]  # fmt: skip
    parts += [
        con.read_json(str(p), format="newline_delimited", columns={"id": "VARCHAR", "text": "VARCHAR"})
        for p in sorted(records.glob("partner_*.jsonl"))
    ]
    for part in parts:
        rel = part if rel is None else rel.union(part)
    if rel is None:
        return False
    rel.create("texts")
    return True


def check_targets(stats: dict[str, float]) -> list[tuple[Target, float, bool]]:
    """Each documented target with the measured value and whether it is met."""
    return [(t, stats[t.key], t.low <= stats[t.key] <= t.high) for t in TARGETS]
