"""Resolution for a spreadsheet: ``crosslink dedupe`` and ``crosslink link``.

No workspace: read CSV files, map their headers to Person properties, resolve
in an in-memory DuckDB, write CSV. The same prepare/score/cluster path as
workspace resolution, so what an analyst tries on a spreadsheet is what the
platform does at scale.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from crosslink.errors import InputError
from crosslink.model.safe import write_csv
from crosslink.resolve.cluster import ClusterOptions, cluster_pairs
from crosslink.resolve.columns import ColumnMapping, detect_columns
from crosslink.resolve.engine import Progress, score_pairs
from crosslink.resolve.model import ResolutionModel, load_model
from crosslink.resolve.names import VariantTable, load_variant_table
from crosslink.resolve.prepare import prepare_person_features
from crosslink.resolve.profiles import attach_to_profiles

__all__ = [
    "DedupeResult",
    "LinkResult",
    "dedupe_file",
    "dedupe_records",
    "link_files",
    "link_records",
    "read_records",
]


@dataclass
class DedupeResult:
    """What ``dedupe`` did: counts for the summary line, the mapping it used."""

    records: int
    clusters: int
    merged_records: int
    mapping: ColumnMapping | None
    table: pa.Table


@dataclass
class LinkResult:
    left_records: int
    right_records: int
    pairs: int
    mapping_left: ColumnMapping | None
    mapping_right: ColumnMapping | None
    table: pa.Table


def read_records(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    id_column: str,
    overrides: Mapping[str, str] | None = None,
    ignore: Iterable[str] = (),
) -> tuple[pa.Table, ColumnMapping]:
    """Read a CSV into ``unique_id`` + Person property columns (all VARCHAR).

    Delimiter and quoting are sniffed; header names are trimmed (some exports pad
    them with spaces). Several headers mapped to one property are joined with a
    space. Raises :class:`InputError` for a missing file, a missing/duplicate/
    empty id. O(n).
    """
    if not path.is_file():
        raise InputError("file not found", file=str(path))
    try:
        rel = con.read_csv(str(path), header=True, all_varchar=True)
    except duckdb.Error as exc:
        raise InputError(f"cannot read as CSV: {exc}", file=str(path)) from None
    raw_headers = list(rel.columns)
    headers = [h.strip() for h in raw_headers]
    mapping = detect_columns(headers, id_column.strip(), overrides, ignore, file=str(path))
    quoted = {h: '"' + r.replace('"', '""') + '"' for h, r in zip(headers, raw_headers, strict=True)}
    select = [f"TRIM({quoted[mapping.id_column]}) AS unique_id"]
    for prop, cols in mapping.columns.items():
        parts = ", ".join(f"NULLIF(TRIM({quoted[c]}), '')" for c in cols)
        select.append(f"NULLIF(concat_ws(' ', {parts}), '') AS \"{prop}\"")
    con.register("_xl_raw", rel)
    table = con.sql(
        "SELECT " + ", ".join(select) + " FROM _xl_raw"  # noqa: S608 - identifiers quoted above
    ).to_arrow_table()
    con.unregister("_xl_raw")
    _check_ids(con, table, str(path), mapping.id_column)
    return table, mapping


def _check_ids(con: duckdb.DuckDBPyConnection, table: pa.Table, file: str, column: str) -> None:
    con.register("_xl_check", table)
    rows = con.sql(
        """SELECT rn, unique_id FROM (
             SELECT rn, unique_id,
                    count(*) OVER (PARTITION BY unique_id ORDER BY rn
                                   ROWS UNBOUNDED PRECEDING) AS seen
             FROM (SELECT row_number() OVER () + 1 AS rn, unique_id FROM _xl_check))
           WHERE unique_id IS NULL OR unique_id = '' OR seen > 1 ORDER BY rn LIMIT 1"""
    ).fetchall()
    bad = rows[0] if rows else None
    con.unregister("_xl_check")
    if bad is not None:
        what = "empty id" if not bad[1] else f"duplicate id {bad[1]!r}"
        raise InputError(what, file=file, row=int(bad[0]), column=column)


def _connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")  # our own progress display instead
    # Keep a million-record run inside 4 GB: DuckDB spills joins and sorts to a
    # temporary directory beyond this (Python/Arrow overhead comes on top).
    con.execute("SET memory_limit = '2500MB'")
    con.execute("SET preserve_insertion_order = false")
    return con


def _features(
    con: duckdb.DuckDBPyConnection, table: pa.Table, name: str, dataset: str,
    variants: VariantTable,
) -> set[str]:
    con.register("_xl_in_arrow", table)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _xl_in_{name} AS "  # noqa: S608
        "SELECT *, ? AS source_dataset FROM _xl_in_arrow",
        [dataset],
    )
    con.unregister("_xl_in_arrow")
    return set(prepare_person_features(con, f"_xl_in_{name}", name, variants))


def dedupe_records(
    table: pa.Table,
    *,
    model: ResolutionModel | None = None,
    variants: VariantTable | None = None,
    threshold: float | None = None,
    progress: Progress | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> pa.Table:
    """Cluster records (``unique_id`` + Person properties) into people.

    Returns ``unique_id, cluster_id, confidence, cluster_size``, one row per record.
    """
    step = progress or (lambda _msg: None)
    model = model or load_model("Person")
    con = con or _connect()
    step("preparing features (names, dates, selectors)")
    available = _features(con, table, "xl_features", "input", variants or load_variant_table())
    if table.num_rows < 2:
        return _singletons(con)
    scored = score_pairs(con, ["xl_features"], model, available, progress=progress)
    step("clustering")
    cut = model.cluster_threshold if threshold is None else threshold
    conflicts = tuple(model.spec.get("conflicts", ClusterOptions.conflicts))
    assignment = cluster_pairs(
        con, "xl_features", scored.pairs_table, ClusterOptions(threshold=cut, conflicts=conflicts)
    )
    if model.attach_threshold is None:
        return assignment
    step("comparing lone records with whole clusters")
    settings = dict(scored.linker.misc.save_model_to_json(out_path=None))
    assignment, _attached = attach_to_profiles(
        con, settings, "xl_features", assignment,
        threshold=model.attach_threshold, conflicts=conflicts, strong=cut,
    )
    return assignment


def _singletons(con: duckdb.DuckDBPyConnection) -> pa.Table:
    return con.sql(
        "SELECT unique_id, unique_id AS cluster_id, 1.0 AS confidence, 1 AS cluster_size "
        "FROM xl_features ORDER BY unique_id"
    ).to_arrow_table()


def link_records(
    left: pa.Table,
    right: pa.Table,
    *,
    model: ResolutionModel | None = None,
    variants: VariantTable | None = None,
    threshold: float | None = None,
    progress: Progress | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    one_to_one: bool = True,
) -> pa.Table:
    """Pairs of (left, right) records predicted to be one person.

    Returns ``left_id, right_id, match_probability`` at or above ``threshold``
    (default: the model's cluster threshold), best first.

    ``one_to_one`` (the default): each source lists a person once, so a record
    links to at most one record of the other source, its best match that is
    also best for that record (Splink's ``cluster_using_single_best_links``:
    a pair is kept when each side is the other's best remaining candidate, ties
    to the lower id). Two voter rolls or two passenger lists need this: without
    it, every namesake pair above the threshold is a predicted match. Off
    (``one_to_one=False``, ``--many-to-many``) when a source may list a person
    several times.
    """
    step = progress or (lambda _msg: None)
    model = model or load_model("Person")
    con = con or _connect()
    variants = variants or load_variant_table()
    step("preparing features (names, dates, selectors)")
    avail_l = _features(con, left, "xl_left", "left", variants)
    avail_r = _features(con, right, "xl_right", "right", variants)
    scored = score_pairs(
        con, ["xl_left", "xl_right"], model, avail_l & avail_r, link_type="link_only",
        progress=progress,
    )
    cut = model.cluster_threshold if threshold is None else threshold
    pairs = f"""SELECT CASE WHEN source_dataset_l = 'left' THEN unique_id_l ELSE unique_id_r END AS left_id,
                   CASE WHEN source_dataset_l = 'left' THEN unique_id_r ELSE unique_id_l END AS right_id,
                   round(match_probability, 6) AS match_probability
            FROM {scored.pairs_table}
            WHERE match_probability >= ?"""  # noqa: S608 - internal table name
    if one_to_one and scored.predictions is not None:
        step("keeping each record's best match (one-to-one)")
        clusters = scored.linker.clustering.cluster_using_single_best_links(
            scored.predictions, duplicate_free_datasets=["left", "right"],
            threshold_match_probability=cut,
        ).physical_name
        pairs = f"""SELECT p.* FROM ({pairs}) p
            JOIN {clusters} a ON a.unique_id = p.left_id AND a.source_dataset = 'left'
            JOIN {clusters} b ON b.unique_id = p.right_id AND b.source_dataset = 'right'
            WHERE a.cluster_id = b.cluster_id"""  # noqa: S608 - internal table names
    return con.sql(
        f"SELECT * FROM ({pairs}) ORDER BY match_probability DESC, left_id, right_id",  # noqa: S608
        params=[cut],
    ).to_arrow_table()


def _write_csv(table: pa.Table, out: Path) -> None:
    """Write CSV with formula-leading cells neutralised (see crosslink.model.safe)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as handle:
        write_csv(table, handle)


def dedupe_file(
    path: Path,
    id_column: str,
    out: Path,
    *,
    overrides: Mapping[str, str] | None = None,
    ignore: Iterable[str] = (),
    threshold: float | None = None,
    model_path: Path | None = None,
    with_confidence: bool = False,
    progress: Progress | None = None,
) -> DedupeResult:
    """Dedupe a CSV: write ``record_id,cluster_id`` (and ``confidence``) for every row."""
    con = _connect()
    step = progress or (lambda _msg: None)
    step(f"reading {path.name}")
    table, mapping = read_records(con, path, id_column, overrides, ignore)
    clusters = dedupe_records(
        table, model=load_model(path=model_path) if model_path else None,
        threshold=threshold, progress=progress, con=con,
    )
    cols = ["record_id", "cluster_id"] + (["confidence"] if with_confidence else [])
    output = clusters.rename_columns(["record_id", "cluster_id", "confidence", "cluster_size"])
    _write_csv(output.select(cols), out)
    n_clusters = len(set(clusters.column("cluster_id").to_pylist()))
    merged = sum(1 for s in clusters.column("cluster_size").to_pylist() if s > 1)
    return DedupeResult(clusters.num_rows, n_clusters, merged, mapping, clusters)


def link_files(
    left: Path,
    right: Path,
    left_id: str,
    right_id: str,
    out: Path,
    *,
    overrides: Mapping[str, str] | None = None,
    ignore: Iterable[str] = (),
    threshold: float | None = None,
    model_path: Path | None = None,
    progress: Progress | None = None,
    one_to_one: bool = True,
) -> LinkResult:
    """Link two CSVs: write ``left_id,right_id,match_probability`` for predicted matches
    (one-to-one unless ``one_to_one=False``; see :func:`link_records`).

    ``--map``/``--ignore`` apply to whichever file has the header.
    """
    con = _connect()
    step = progress or (lambda _msg: None)
    overrides = dict(overrides or {})
    ignore = list(ignore)
    step(f"reading {left.name} and {right.name}")
    headers_l = [h.strip() for h in con.read_csv(str(left), header=True, all_varchar=True).columns] if left.is_file() else []
    headers_r = [h.strip() for h in con.read_csv(str(right), header=True, all_varchar=True).columns] if right.is_file() else []
    for header in [*overrides, *ignore]:
        if header not in headers_l and header not in headers_r:
            raise InputError(f"header {header!r} not found in either file", column=header)
    table_l, map_l = read_records(
        con, left, left_id, {k: v for k, v in overrides.items() if k in headers_l},
        [h for h in ignore if h in headers_l],
    )
    table_r, map_r = read_records(
        con, right, right_id, {k: v for k, v in overrides.items() if k in headers_r},
        [h for h in ignore if h in headers_r],
    )
    pairs = link_records(
        table_l, table_r, model=load_model(path=model_path) if model_path else None,
        threshold=threshold, progress=progress, con=con, one_to_one=one_to_one,
    )
    _write_csv(pairs, out)
    return LinkResult(table_l.num_rows, table_r.num_rows, pairs.num_rows, map_l, map_r, pairs)
