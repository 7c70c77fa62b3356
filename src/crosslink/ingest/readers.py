"""Readers: load one input file into a DuckDB table of text columns plus ``_row``.

Every reader produces the same shape: a temporary table whose columns are the
file's fields as VARCHAR and ``_row``, the row number a user sees in a
spreadsheet (the header is row 1, the first record row 2; for JSON Lines, the
line number). Later steps are then plain SQL, whatever the format.

CSV and JSON are read by DuckDB itself (parallel, streaming, and it reports the
line of a malformed record). XLSX is read with openpyxl in read-only mode, batch
by batch into Arrow: no columnar XLSX reader is well kept for Python, and a
spreadsheet is small next to a CSV export.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pyarrow as pa

from crosslink.errors import InputError
from crosslink.store.sql import one

__all__ = ["FORMATS", "detect_format", "is_ftm_stream", "load_rows"]

FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "text",
    ".docx": "text",
    ".pdf": "text",
    ".xlsx": "xlsx",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".ftm": "ftm",
    ".ijson": "ftm",
}

ROW_COLUMN = "_row"
_LINE = re.compile(r"[Ll]ine:?\s*(\d+)")


#: How much of a JSON file is read to tell an FtM stream from other records.
SNIFF_LINES = 5
SNIFF_BYTES = 1 << 20


def detect_format(path: Path) -> str:
    """The reader for ``path``: by suffix, and for JSON by content, since FtM entity
    streams come as ``entities.ftm.json`` (OpenSanctions), ``*.ftm.jsonl``, ``*.jsonl``
    or ``*.ijson``."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"unknown file type {path.suffix!r}; crosslink reads {', '.join(sorted(FORMATS))}",
            file=str(path),
        )
    if fmt in ("json", "jsonl") and is_ftm_stream(path):
        return "ftm"
    return fmt


def is_ftm_stream(path: Path) -> bool:
    """True when the first records are FtM entities: JSON objects with ``id``,
    ``schema`` and a ``properties`` object (one per line, or a JSON array of them).
    Reads at most ``SNIFF_LINES`` lines / ``SNIFF_BYTES``; anything else is False."""
    import json

    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError:
        return False
    text = head.decode("utf-8-sig", errors="replace").lstrip()
    if text.startswith("["):  # a JSON array: look at its first element
        decoder = json.JSONDecoder()
        try:
            first, _ = decoder.raw_decode(text[1:].lstrip())
        except ValueError:
            return False
        return _is_entity(first)
    lines = [line for line in text.splitlines() if line.strip()]
    if len(head) == SNIFF_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut short by the read
    sample = lines[:SNIFF_LINES]
    if not sample:
        return False
    try:
        return all(_is_entity(json.loads(line)) for line in sample)
    except ValueError:
        return False


def _is_entity(value: object) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("id"), str)
        and isinstance(value.get("schema"), str)
        and isinstance(value.get("properties"), dict)
    )


def _line_of(message: str) -> int | None:
    match = _LINE.search(message)
    return int(match.group(1)) if match else None


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else message


def load_rows(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    fmt: str,
    table: str,
    *,
    delimiter: str | None = None,
    encoding: str = "utf-8",
) -> list[str]:
    """Load ``path`` into temp table ``table``; return its data columns (no ``_row``)."""
    if path.stat().st_size == 0:
        raise InputError("file is empty", file=str(path))
    if fmt == "csv":
        _load_csv(con, path, table, delimiter=delimiter, encoding=encoding)
    elif fmt in ("json", "jsonl"):
        _load_json(con, path, table, fmt)
    elif fmt == "xlsx":
        _load_xlsx(con, path, table)
    else:
        raise InputError(f"{fmt} files are not read through a mapping", file=str(path))
    columns = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall() if r[0] != ROW_COLUMN]
    count = one(con.execute(f"SELECT count(*) FROM {table}"))  # noqa: S608
    if not count or count[0] == 0:
        raise InputError("file has a header but no records", file=str(path), row=2)
    return columns


def _check_encoding(path: Path, encoding: str) -> None:
    """DuckDB replaces or rejects bad bytes without saying where; find the row ourselves.

    Streams the file in 1 MiB blocks (O(file size), constant memory).
    """
    codec = encoding.lower().replace("_", "-")
    if codec not in ("utf-8", "utf8"):
        return
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                line += block[: exc.start].count(b"\n")
                raise InputError(
                    f"not valid UTF-8 (byte {block[exc.start]:#04x}); save the file as UTF-8 "
                    "or give the encoding in the mapping (csv: {encoding: latin-1})",
                    file=str(path),
                    row=line,
                ) from None
            line += block.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise InputError("file ends in the middle of a UTF-8 character", file=str(path), row=line) from None


def _load_csv(
    con: duckdb.DuckDBPyConnection, path: Path, table: str, *, delimiter: str | None, encoding: str
) -> None:
    _check_encoding(path, encoding)
    if delimiter is None:
        delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    enc = encoding.lower().replace("_", "-")
    enc = {"utf8": "utf-8", "latin1": "latin-1", "iso-8859-1": "latin-1"}.get(enc, enc)
    header = _csv_header(path, delimiter, enc)
    # Sniffing is off: the header names the columns and every field is text, so a
    # malformed row is reported (with its line) instead of re-shaping the table.
    columns = {name: "VARCHAR" for name in header}
    try:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {table} AS
            SELECT (row_number() OVER () + 1)::BIGINT AS {ROW_COLUMN}, *
            FROM read_csv(?, header = true, columns = ?, delim = ?, quote = '"',
                          escape = '"', strict_mode = true, null_padding = false,
                          encoding = ?, auto_detect = false)
            """,  # noqa: S608  (table is our own name)
            [str(path), columns, delimiter, enc],
        )
    except duckdb.Error as exc:
        message = str(exc)
        line = _line_of(message)
        reason = _first_line(message)
        if "Expected Number of Columns" in message or "columns" in message.lower():
            reason = "malformed row: wrong number of fields (check quoting and delimiters)"
        raise InputError(reason, file=str(path), row=line) from None


def _csv_header(path: Path, delimiter: str, encoding: str) -> list[str]:
    """The header row, parsed with the csv module (quotes and all)."""
    import csv

    with path.open(encoding=encoding, newline="") as handle:
        header = next(csv.reader(handle, delimiter=delimiter), None)
    if not header or all(not name.strip() for name in header):
        raise InputError("the first row must be a header naming the columns", file=str(path), row=1)
    seen: set[str] = set()
    for index, name in enumerate(header):
        if not name.strip():
            raise InputError("header cell is empty", file=str(path), row=1, column=f"#{index + 1}")
        if name in seen:
            raise InputError("column name appears twice in the header", file=str(path), row=1, column=name)
        seen.add(name)
    return header


def _load_json(con: duckdb.DuckDBPyConnection, path: Path, table: str, fmt: str) -> None:
    """JSON Lines (one object per line) or a JSON array of objects."""
    options = {"format": "newline_delimited" if fmt == "jsonl" else "array"}
    try:
        rel = con.read_json(str(path), **options)  # type: ignore[arg-type]
        columns = rel.columns
        # Every field becomes text: scalars as themselves, nested values as JSON.
        selects = ", ".join(
            f'CASE WHEN json_type(to_json("{c}")) IN (\'OBJECT\', \'ARRAY\') '
            f'THEN to_json("{c}")::VARCHAR ELSE "{c}"::VARCHAR END AS "{c}"'
            for c in (col.replace('"', '""') for col in columns)
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS "  # noqa: S608
            f"SELECT (row_number() OVER ())::BIGINT AS {ROW_COLUMN}, {selects} FROM rel"
        )
    except duckdb.Error as exc:
        message = str(exc)
        raise InputError(
            f"malformed JSON: {_first_line(message)}", file=str(path), row=_line_of(message)
        ) from None


def _load_xlsx(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> None:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise InputError(f"cannot read as XLSX: {exc}", file=str(path)) from None
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header_row = next(rows, None)
    if header_row is None or all(v is None for v in header_row):
        raise InputError("the first sheet is empty", file=str(path), row=1)
    header = [str(v).strip() if v is not None else "" for v in header_row]
    for index, name in enumerate(header):
        if not name:
            raise InputError("header cell is empty", file=str(path), row=1, column=f"#{index + 1}")
    arrow_schema = pa.schema([(ROW_COLUMN, pa.int64())] + [(name, pa.string()) for name in header])
    batches: list[pa.RecordBatch] = []
    buffer: list[list[object]] = [[] for _ in range(len(header) + 1)]
    row_number = 1

    def flush() -> None:
        if buffer[0]:
            batches.append(pa.RecordBatch.from_arrays([pa.array(c) for c in buffer], schema=arrow_schema))
            for column in buffer:
                column.clear()

    for values in rows:
        row_number += 1
        if values is None or all(v is None for v in values):
            continue
        if len(values) > len(header) and any(v is not None for v in values[len(header):]):
            raise InputError("row has more cells than the header", file=str(path), row=row_number)
        buffer[0].append(row_number)
        for i in range(len(header)):
            value = values[i] if i < len(values) else None
            buffer[i + 1].append(_cell_text(value))
        if len(buffer[0]) >= 50_000:
            flush()
    flush()
    workbook.close()
    arrow = pa.Table.from_batches(batches, schema=arrow_schema)
    con.register("_xlsx_rows", arrow)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM _xlsx_rows")  # noqa: S608
    finally:
        con.unregister("_xlsx_rows")


def _cell_text(value: object) -> str | None:
    """Spreadsheet cells as text: dates as ISO, whole floats without '.0'."""
    import datetime

    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
