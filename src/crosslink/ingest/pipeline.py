"""Ingest one file into a workspace: rows -> reports and FtM statements.

The whole file goes in or nothing does: everything happens inside one
transaction, and any error rolls it back. Re-ingesting the same file with the
same mapping and options is recognised (by content hash) and adds nothing; and
statement ids are content-derived, so even a changed mapping cannot duplicate a
fact already stated by the same report.

The work is SQL over the rows table (see :mod:`crosslink.ingest.readers`): each
mapped property becomes one ``SELECT`` in a ``UNION ALL``; values are cleaned per
distinct value (:mod:`crosslink.ingest.clean`) and joined back. Cost is O(rows x
mapped properties) in DuckDB plus O(distinct values) FtM calls.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from followthemoney import model

from crosslink.errors import InputError
from crosslink.ingest.clean import PYTHON_TYPES, clean_values
from crosslink.ingest.mapping import ROW_KEY, EntitySpec, Mapping, PropSpec
from crosslink.ingest.readers import ROW_COLUMN, detect_format, load_rows
from crosslink.ingest.reports import ReportOptions, build_reports, merged_fields
from crosslink.model.report import make_id
from crosslink.store.session import Session
from crosslink.store.sql import one

__all__ = ["IngestResult", "file_sha256", "final_statements_view", "ingest_file", "ingest_rows"]

Progress = Callable[[str], None]


@dataclass
class IngestResult:
    """What one ingest did, for the summary the CLI prints."""

    file: str
    dataset: str
    rows: int = 0
    reports: int = 0
    entities: int = 0
    statements: int = 0
    new_statements: int = 0
    uncleaned: dict[str, int] = field(default_factory=dict)
    #: keys shared by rows with different values (see :func:`key_collisions`)
    collisions: list[dict[str, object]] = field(default_factory=list)
    mentions: int = 0
    skipped: bool = False
    seconds: float = 0.0

    @property
    def uncleaned_total(self) -> int:
        return sum(self.uncleaned.values())


def file_sha256(path: Path) -> str:
    """Content hash, streamed in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _q(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def _cell(column: str) -> str:
    """A cell as trimmed text, NULL when blank."""
    return f"nullif(trim({_q(column)}), '')"


def _entity_id_expr(entity: EntitySpec, dataset: str, params: list[object], file_name: str) -> str:
    """make_id(dataset, schema, *keys), or NULL when every key cell is blank.

    Keyed by schema (not the mapping's local entity name) so that two files of one
    dataset that key a Person by the same nominal number describe the same entity.
    The key ``_row`` is the file's name and the row number (see ROW_KEY).
    """
    keys: list[str] = []
    key_params: list[object] = []
    for k in entity.keys:
        if k == ROW_KEY:
            key_params.append(file_name)
            keys.append(f"concat(?::VARCHAR, ':', {ROW_COLUMN})")
        else:
            keys.append(_cell(k))
    # Each key expression appears twice (the blank check, then the hash): so do its parameters.
    params.extend(key_params)
    params.extend([dataset, entity.schema])
    params.extend(key_params)
    parts = ", ".join(f"chr(31), coalesce({k}, '')" for k in keys)
    return (
        f"CASE WHEN coalesce({', '.join(keys)}) IS NULL THEN NULL "
        f"ELSE sha1(concat(chr(31), ?, chr(31), ?, {parts})) END"
    )


def _value_expr(prop: PropSpec, ids: dict[str, str], params: list[object]) -> str:
    if prop.entity is not None:
        return ids[prop.entity]
    if prop.literal is not None:
        params.append(prop.literal)
        return "?::VARCHAR"
    if len(prop.columns) == 1:
        return _cell(prop.columns[0])
    params.append(prop.join)
    return f"nullif(concat_ws(?, {', '.join(_cell(c) for c in prop.columns)}), '')"


def _hint(prop: PropSpec, options: ReportOptions) -> str | None:
    if prop.type == "phone":
        return prop.country or options.country
    if prop.type == "date":
        return prop.format
    return None


def _add_entity_ids(
    con: duckdb.DuckDBPyConnection, mapping: Mapping, rows_table: str, file_name: str
) -> None:
    """Compute each mapped entity's id once per row, as column ``_eid_<n>``."""
    # One pass that rewrites the table (DuckDB's UPDATE of a whole column is slower).
    params: list[object] = []
    exprs = [
        f"{_entity_id_expr(entity, mapping.dataset, params, file_name)} AS _eid_{index}"
        for index, entity in enumerate(mapping.entities)
    ]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {rows_table} AS SELECT *, {', '.join(exprs)} FROM {rows_table}",  # noqa: S608
        params,
    )


def key_collisions(
    con: duckdb.DuckDBPyConnection, mapping: Mapping, rows_table: str, *, examples: int = 3
) -> list[dict[str, object]]:
    """Rows that share a key but state different values, for entities where each row is
    a record of its own (calls, payments, trips: FtM's Interval schemata).

    Rows with one key become one entity: for a person keyed by a nominal number that is
    the point, but two different calls keyed by (caller, receiver, minute) would become
    one call and a fact would be lost. The ingest still goes ahead (the statements of
    both rows are kept on the one entity); the summary warns with the rows and says how
    to key by row (``keys: [_row]``). One GROUP BY per such entity: O(rows).
    """
    found: list[dict[str, object]] = []
    for index, entity in enumerate(mapping.entities):
        schema = model.get(entity.schema)
        if ROW_KEY in entity.keys or schema is None or not schema.is_a("Interval"):
            continue
        cells = [_cell(c) for prop in entity.properties for c in prop.columns]
        if not cells:
            continue
        signature = f"concat_ws(chr(31), {', '.join(f'coalesce({c}, chr(0))' for c in cells)})"
        rows = con.execute(
            f"""
            SELECT count(*) OVER () AS keys, list(_row ORDER BY _row) AS rows
            FROM {rows_table} WHERE _eid_{index} IS NOT NULL
            GROUP BY _eid_{index} HAVING count(DISTINCT {signature}) > 1
            ORDER BY min(_row) LIMIT ?
            """,  # noqa: S608  (our own table and quoted column names)
            [examples],
        ).fetchall()
        if rows:
            found.append({
                "entity": entity.name, "schema": entity.schema, "keys": list(entity.keys),
                "colliding_keys": int(rows[0][0]), "examples": [list(r[1]) for r in rows],
            })
    return found


def _repeated_entities(con: duckdb.DuckDBPyConnection, mapping: Mapping, rows_table: str) -> set[int]:
    """Mapped entities whose id occurs on more than one row (O(rows), one pass).

    Only their statements can repeat exactly (the same van on every row of a
    file-level report), so only they need de-duplicating.
    """
    checks = ", ".join(
        f"count(_eid_{i}) > count(DISTINCT _eid_{i})" for i in range(len(mapping.entities))
    )
    flags = con.execute(f"SELECT {checks} FROM {rows_table}").fetchall()[0]  # noqa: S608
    return {i for i, repeated in enumerate(flags) if repeated}


def _raw_statements_sql(
    mapping: Mapping, options: ReportOptions, rows_table: str, repeated: set[int] | None = None
) -> tuple[str, list[object]]:
    """One SELECT per mapped property, UNION ALL'd into (entity, prop, raw) rows.

    Needs the ``_eid_<n>`` columns from :func:`_add_entity_ids`. Entities in
    ``repeated`` get ``SELECT DISTINCT`` (see :func:`_repeated_entities`).
    """
    selects: list[str] = []
    params: list[object] = []
    repeated = repeated or set()
    index_of = {entity.name: i for i, entity in enumerate(mapping.entities)}
    for index, entity in enumerate(mapping.entities):
        for prop in entity.properties:
            value_params: list[object] = []
            ids = {name: f"_eid_{i}" for name, i in index_of.items()}
            value = _value_expr(prop, ids, value_params)
            raw = "unnest(string_split(v, ?))" if prop.split else "v"
            selects.append(
                f"""
                SELECT {"DISTINCT" if index in repeated else ""} eid AS entity_id, ?::VARCHAR AS schema, ?::VARCHAR AS prop,
                       ?::VARCHAR AS prop_type, {raw} AS raw, ?::VARCHAR AS hint, _report AS report_id
                FROM (SELECT _report, _eid_{index} AS eid, {value} AS v FROM {rows_table})
                WHERE eid IS NOT NULL AND v IS NOT NULL
                """  # noqa: S608
            )
            params.extend([entity.schema, prop.prop, prop.type])
            if prop.split:
                params.append(prop.split)
            params.append(_hint(prop, options))
            params.extend(value_params)
    return " UNION ALL ".join(selects), params


def final_statements_view(
    con: duckdb.DuckDBPyConnection, source: str, target: str, *, dataset: str, ingest_id: str
) -> None:
    """Define ``target``, a view of ``source`` (cleaned raw statements with columns
    entity_id, schema, prop, prop_type, raw, value, reason, report_id, span_start,
    span_end) projected onto STATEMENT_SCHEMA.

    A view, not a table: the statements are computed once, while they are written
    to the workspace, instead of being materialised first (7 million rows cost
    several seconds to store and read back). The run's constants come from a
    one-row table filled with parameters, since a view cannot hold parameters.
    """
    now = datetime.now(UTC).replace(tzinfo=None)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _ingest_constants AS "
        "SELECT ?::VARCHAR AS dataset, ?::VARCHAR AS origin, ?::TIMESTAMP AS seen, ?::VARCHAR AS ingest_id",
        [dataset, "ingest", now, ingest_id],
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP VIEW {target} AS
        SELECT sha1(concat(chr(31), c.report_id, chr(31), c.entity_id, chr(31), c.prop,
                           chr(31), c.value)) AS id,
               c.entity_id, c.schema, c.prop, c.prop_type, c.value,
               CASE WHEN c.raw IS DISTINCT FROM c.value THEN c.raw END AS original_value,
               c.reason, NULL::VARCHAR AS lang, k.dataset, k.origin,
               k.seen AS first_seen, k.seen AS last_seen, c.report_id,
               c.span_start::INTEGER AS span_start, c.span_end::INTEGER AS span_end, k.ingest_id
        FROM {source} c CROSS JOIN _ingest_constants k
        """  # noqa: S608  (our own relation names)
    )


#: Whitespace folding for text values. The regular expression runs only where
#: there is whitespace to fold: on millions of plain values it is the costliest
#: step of the projection, and the plain-string checks are about 8 times cheaper.
_FOLD_WHITESPACE = (
    "CASE WHEN contains({col}, '  ') OR contains({col}, chr(9)) OR contains({col}, chr(10)) "
    "OR contains({col}, chr(12)) OR contains({col}, chr(13)) OR starts_with({col}, ' ') "
    "OR ends_with({col}, ' ') THEN regexp_replace(trim({col}), '\\s+', ' ', 'g') ELSE {col} END"
)


def clean_raw(con: duckdb.DuckDBPyConnection, source: str, target: str) -> None:
    """Clean ``source`` (entity_id, schema, prop, prop_type, raw, hint, report_id, ...)
    into the view ``target`` with added ``value`` and ``reason`` columns (a view: the
    caller materialises the final statements once, from it).

    Text types are whitespace-normalised in SQL; other types are cleaned by FtM once
    per distinct (type, hint, value).
    """
    con.execute("CREATE OR REPLACE TEMP TABLE _cleaned (prop_type VARCHAR, hint VARCHAR, raw VARCHAR, value VARCHAR, reason VARCHAR)")
    groups = con.execute(
        f"SELECT DISTINCT prop_type, hint FROM {source} WHERE prop_type IN (SELECT unnest(?::VARCHAR[]))",  # noqa: S608
        [sorted(PYTHON_TYPES)],
    ).fetchall()
    for prop_type, hint in groups:
        values = con.sql(
            f"SELECT DISTINCT raw FROM {source} WHERE prop_type = ? AND hint IS NOT DISTINCT FROM ?",  # noqa: S608
            params=[prop_type, hint],
        ).to_arrow_table().column(0).to_pylist()
        cleaned = clean_values(prop_type, hint, values)
        con.register("_cleaned_part", cleaned)
        con.execute(
            "INSERT INTO _cleaned SELECT ?, ?, raw, value, reason FROM _cleaned_part", [prop_type, hint]
        )
        con.unregister("_cleaned_part")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP VIEW {target} AS
        SELECT r.*,
               coalesce(c.value, {_FOLD_WHITESPACE.format(col="r.raw")}) AS value,
               c.reason
        FROM {source} r
        LEFT JOIN _cleaned c
          ON r.prop_type = c.prop_type AND r.hint IS NOT DISTINCT FROM c.hint AND r.raw = c.raw
        WHERE trim(r.raw) <> ''
        """  # noqa: S608
    )


@dataclass
class StatementStats:
    statements: int
    entities: int
    uncleaned: dict[str, int]
    unique: bool  # every statement id distinct (nothing to de-duplicate on write)


def statement_stats(con: duckdb.DuckDBPyConnection, table: str) -> StatementStats:
    """Counts for the ingest summary, and whether ids repeat, in two passes.

    Uniqueness is judged on a 64-bit hash of what the id is made of (report, entity,
    property, value), which spares computing the ids: a collision can only make us
    de-duplicate when there was no need to, never skip a needed de-duplication.
    """
    total, entities, ids = con.execute(
        f"SELECT count(*), count(DISTINCT entity_id), "  # noqa: S608  (our own table)
        f"count(DISTINCT hash(report_id, entity_id, prop, value)) FROM {table}"
    ).fetchall()[0]
    uncleaned = con.execute(
        f"SELECT schema || '.' || prop, count(*) FROM {table} WHERE reason IS NOT NULL "  # noqa: S608
        "GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    return StatementStats(int(total), int(entities), {k: int(n) for k, n in uncleaned}, ids == total)


def already_ingested(session: Session, ingest_id: str) -> bool:
    return one(session.con.execute("SELECT 1 FROM ingests WHERE id = ?", [ingest_id])) is not None


def record_ingest(session: Session, result: IngestResult, *, ingest_id: str, sha: str,
                  mapping_sha: str, options: ReportOptions) -> None:
    session.con.execute(
        "INSERT INTO ingests VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            ingest_id, result.file, sha, mapping_sha,
            hashlib.sha256(options.key().encode()).hexdigest(), result.dataset, session.user,
            datetime.now(UTC).replace(tzinfo=None), result.rows, result.reports, result.entities,
            result.new_statements, result.uncleaned_total,
        ],
    )
    session.audit(
        "collection", result.file, dataset=result.dataset, rows=result.rows,
        reports=result.reports, statements=result.new_statements, ingest_id=ingest_id,
    )


def ingest_file(
    session: Session,
    path: str | Path,
    mapping: Mapping | None = None,
    options: ReportOptions | None = None,
    progress: Progress | None = None,
) -> IngestResult:
    """Ingest one file. Formats that need no mapping (FtM streams, text) are dispatched
    to their own modules; tabular files need ``mapping``."""
    path = Path(path)
    options = options or ReportOptions()
    if not path.is_file():
        raise InputError("no such file", file=str(path))
    fmt = detect_format(path)
    if fmt == "ftm" and mapping is not None and path.suffix.lower() in (".json", ".jsonl", ".ndjson"):
        fmt = "jsonl" if path.suffix.lower() != ".json" else "json"  # an explicit mapping wins
    if fmt == "ftm":
        from crosslink.ingest.ftm import ingest_ftm

        return ingest_ftm(session, path, options, progress)
    if fmt == "text":
        from crosslink.ingest.text import ingest_text

        return ingest_text(session, path, options, progress)
    if mapping is None:
        raise InputError(
            f"{fmt.upper()} files need a mapping: --mapping MAP.yml (see examples/)", file=str(path)
        )
    return ingest_rows(session, path, fmt, mapping, options, progress)


def ingest_rows(
    session: Session,
    path: Path,
    fmt: str,
    mapping: Mapping,
    options: ReportOptions,
    progress: Progress | None = None,
) -> IngestResult:
    """Ingest a tabular file (CSV, XLSX, JSON, JSONL) through a mapping."""
    started = time.perf_counter()
    say = progress or (lambda _message: None)
    con = session.con
    label = str(path)
    dataset = options.dataset or mapping.dataset
    if dataset != mapping.dataset:
        mapping = Mapping(dataset, mapping.entities, mapping.report, mapping.csv, mapping.sha256, mapping.source)
    sha = file_sha256(path)
    ingest_id = make_id("ingest", sha, mapping.sha256, options.key())
    result = IngestResult(file=label, dataset=dataset)
    if already_ingested(session, ingest_id):
        result.skipped = True
        result.seconds = time.perf_counter() - started
        return result

    with session.transaction():
        say("reading")
        columns = load_rows(
            con, path, fmt, "_rows",
            delimiter=mapping.csv.get("delimiter"), encoding=mapping.csv.get("encoding", "utf-8"),
        )
        missing = sorted(mapping.columns() - set(columns))
        if missing:
            raise InputError(
                f"mapping {mapping.source} needs column {missing[0]!r}, which the file does not have "
                f"(columns: {', '.join(columns)})",
                file=label, row=1, column=missing[0],
            )
        report_fields = merged_fields(mapping.report, options)
        say("reports")
        _, reports = build_reports(
            con, rows_table="_rows", report_fields=report_fields, file_label=label,
            source_sha256=sha, dataset=dataset, ingest_id=ingest_id,
        )
        say("mapping")
        _add_entity_ids(con, mapping, "_rows", path.name)
        result.collisions = key_collisions(con, mapping, "_rows")
        # The same fact stated by many rows of one report (a van on every row of a
        # file-level report) is one statement: drop exact repeats before cleaning.
        sql, params = _raw_statements_sql(mapping, options, "_rows", _repeated_entities(con, mapping, "_rows"))
        con.execute(f"CREATE OR REPLACE TEMP TABLE _raw AS {sql}", params)  # noqa: S608
        say("cleaning")
        clean_raw(con, "_raw", "_clean")
        con.execute(
            "CREATE OR REPLACE TEMP VIEW _clean_spans AS "
            "SELECT *, NULL AS span_start, NULL AS span_end FROM _clean"
        )
        final_statements_view(con, "_clean_spans", "_final", dataset=dataset, ingest_id=ingest_id)
        say("writing")
        result.rows = _scalar(con, "SELECT count(*) FROM _rows")
        result.reports = session.write_reports(reports)
        stats = statement_stats(con, "_final")
        result.statements, result.entities, result.uncleaned = stats.statements, stats.entities, stats.uncleaned
        result.new_statements = session.write_statements("_final", unique=stats.unique)
        if reports.column("text").null_count < reports.num_rows:
            say("extracting")
            from crosslink.ingest.text import extract_report_mentions

            result.mentions = extract_report_mentions(
                session, reports, dataset=dataset, ingest_id=ingest_id, country_hint=options.country
            )
        record_ingest(session, result, ingest_id=ingest_id, sha=sha, mapping_sha=mapping.sha256, options=options)
        for view in ("_final", "_clean_spans", "_clean"):
            con.execute(f"DROP VIEW IF EXISTS {view}")
        for table in ("_rows", "_raw", "_reports_raw", "_cleaned", "_ingest_constants"):
            con.execute(f"DROP TABLE IF EXISTS {table}")
    result.seconds = time.perf_counter() - started
    return result


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = one(con.execute(sql))
    return int(row[0]) if row and row[0] is not None else 0
