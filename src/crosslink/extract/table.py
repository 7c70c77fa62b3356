"""Bulk extraction over an Arrow table of texts.

The Python work runs once per *distinct* text (reports are often repeated across
exports) and is joined back to every row id in Arrow. Big inputs are shared by
this process and a worker process (:func:`crosslink.parallel.run_jobs`, never a
fork; the regex scans hold the GIL, so threads would not help).
Complexity: O(total characters of distinct texts) for extraction, O(rows +
mentions) for the join.
"""

from __future__ import annotations

import os

import pyarrow as pa
import pyarrow.compute as pc

from crosslink import parallel
from crosslink.errors import InputError
from crosslink.extract.core import extract

__all__ = ["extract_table", "MENTION_TABLE_SCHEMA"]

MENTION_TABLE_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("type", pa.string()),
        ("text", pa.string()),
        ("start", pa.int32()),
        ("end", pa.int32()),
        ("value", pa.string()),
    ]
)
#: Below this many characters of distinct text, a process pool costs more than it saves.
PARALLEL_MIN_CHARS = 4_000_000
WORKERS = 2

_Cols = tuple[list[int], list[str], list[str], list[int], list[int], list[str]]


def _run(args: tuple[list[str | None], int, str | None, bool]) -> _Cols:
    texts, offset, hint, events = args
    ks: list[int] = []
    types: list[str] = []
    spans: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    values: list[str] = []
    for i, t in enumerate(texts):
        if not t:
            continue
        for m in extract(t, hint, events=events):
            ks.append(offset + i)
            types.append(m.type)
            spans.append(m.text)
            starts.append(m.start)
            ends.append(m.end)
            values.append(m.value)
    return ks, types, spans, starts, ends, values


def extract_table(
    table: pa.Table,
    text_column: str = "text",
    id_column: str = "id",
    country_hint: str | None = None,
    *,
    events: bool = False,
) -> pa.Table:
    """Mentions of every row's text: columns id, type, text, start, end, value.
    ``events`` adds event dates (see :func:`crosslink.extract.extract`).

    Rows come out in input order, mentions by start offset within a row.
    """
    for col in (text_column, id_column):
        if col not in table.column_names:
            raise InputError(f"no column {col!r} (columns: {', '.join(table.column_names)})", column=col)
    texts = table.column(text_column).cast(pa.string()).combine_chunks()
    encoded = pc.dictionary_encode(texts)
    dictionary = encoded.dictionary.to_pylist()
    total = sum(len(t) for t in dictionary if t)
    workers = min(WORKERS, os.cpu_count() or 1)
    if total >= PARALLEL_MIN_CHARS and workers > 1 and len(dictionary) > 1:
        step = (len(dictionary) + workers * 4 - 1) // (workers * 4)
        jobs = [(dictionary[i : i + step], i, country_hint, events) for i in range(0, len(dictionary), step)]
        parts: list[_Cols] = [([], [], [], [], [], [])] * len(jobs)
        for index, part in parallel.run_jobs(_run, jobs, workers=workers):
            parts[index] = part
    else:
        parts = [_run((dictionary, 0, country_hint, events))]
    cols: _Cols = ([], [], [], [], [], [])
    for part in parts:
        for acc, new in zip(cols, part, strict=True):
            acc.extend(new)  # type: ignore[attr-defined]
    mentions = pa.table(
        {
            "k": pa.array(cols[0], pa.int32()),
            "type": pa.array(cols[1], pa.string()),
            "text": pa.array(cols[2], pa.string()),
            "start": pa.array(cols[3], pa.int32()),
            "end": pa.array(cols[4], pa.int32()),
            "value": pa.array(cols[5], pa.string()),
        }
    )
    rows = pa.table(
        {
            "row": pa.array(range(len(table)), pa.int64()),
            "k": encoded.indices.cast(pa.int32()),
            "id": table.column(id_column).cast(pa.string()),
        }
    ).filter(pc.is_valid(encoded.indices))
    joined = rows.join(mentions, keys="k", join_type="inner")
    joined = joined.sort_by([("row", "ascending"), ("start", "ascending")])
    return joined.select(list(MENTION_TABLE_SCHEMA.names)).cast(MENTION_TABLE_SCHEMA)
