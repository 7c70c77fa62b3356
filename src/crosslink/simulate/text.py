"""Free text with gold spans, built column-wise for many reports at once.

A report is a sequence of *pieces*: literals (the same for every report or one
per report) and *mentions* (a selector or name whose exact offsets and
normalised value extraction must return). :class:`TextColumns` holds one Arrow
array per piece, so a whole file of reports is assembled with a handful of
Arrow kernels: piece lengths come from ``utf8_length``, offsets from a running
numpy sum, and the text from one ``binary_join_element_wise``. No Python code
runs per report; the cost is O(reports x pieces) in C.

A piece that is null in a row is absent from that row (optional sentences, a
missing date of birth). Offsets are in Unicode code points, as Python slices
``text[start:end]`` count them.

Mentions marked ``damaged`` (OCR noise that a perfect extractor cannot undo,
see ``docs/simulator.md``) are written into the text but kept out of the gold
spans: they are returned separately so the truth can list them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "TextColumns",
    "SpanTable",
    "display_names",
    "uk_dates",
    "json_string",
    "where",
]


def where(mask: np.ndarray, values: pa.Array) -> pa.Array:
    """``values`` where ``mask`` is true, null elsewhere (an optional piece). O(n)."""
    return pc.if_else(pa.array(mask), values, pa.nulls(len(values), values.type))


@dataclass
class SpanTable:
    """Gold spans of many reports: one row per mention, ordered by (row, start)."""

    row: np.ndarray  # report index within the batch
    start: np.ndarray
    end: np.ndarray
    type: pa.Array
    value: pa.Array
    entity: pa.Array  # true entity id or null
    written: pa.Array  # the text as written (text[start:end])

    def __len__(self) -> int:
        return len(self.row)


@dataclass
class _Mention:
    index: int  # piece number
    type: str
    value: pa.Array
    entity: pa.Array | None
    damaged: np.ndarray | None


@dataclass
class TextColumns:
    """Reports under construction: ``n`` rows, pieces appended left to right."""

    n: int
    pieces: list[pa.Array | str] = field(default_factory=list)
    lengths: list[np.ndarray | int] = field(default_factory=list)
    mentions: list[_Mention] = field(default_factory=list)

    def add(self, piece: str | pa.Array) -> TextColumns:
        """A literal: one string for every row, or one (nullable) string per row."""
        if isinstance(piece, str):
            if piece:
                self.pieces.append(piece)
                self.lengths.append(len(piece))
            return self
        self._check(piece)
        self.pieces.append(piece)
        self.lengths.append(_lengths(piece))
        return self

    def mention(
        self,
        written: pa.Array,
        type_: str,
        value: pa.Array,
        entity: pa.Array | None = None,
        *,
        damaged: np.ndarray | None = None,
    ) -> TextColumns:
        """A gold span in every row where ``written`` is not null (and not ``damaged``)."""
        self._check(written)
        self.pieces.append(written)
        self.lengths.append(_lengths(written))
        self.mentions.append(_Mention(len(self.pieces) - 1, type_, value, entity, damaged))
        return self

    def _check(self, piece: pa.Array) -> None:
        if len(piece) != self.n:
            raise ValueError(f"piece has {len(piece)} rows, expected {self.n}")

    def text(self) -> pa.Array:
        """The reports' text (nulls in pieces read as empty). O(n x pieces)."""
        if not self.pieces:
            return pa.array([""] * self.n, pa.string())
        return pc.binary_join_element_wise(
            *self.pieces, "", null_handling="replace", null_replacement=""
        )

    def spans(self) -> tuple[SpanTable, SpanTable]:
        """(gold spans, damaged mentions), each ordered by row then start. O(m log m)."""
        offset = np.zeros(self.n, dtype=np.int64)
        starts: dict[int, np.ndarray] = {}
        for i, length in enumerate(self.lengths):
            starts[i] = offset.copy()
            offset += length
        parts: list[tuple[SpanTable, np.ndarray]] = []
        for m in self.mentions:
            written = self.pieces[m.index]
            assert isinstance(written, pa.Array)
            present = pc.is_valid(written).to_numpy(zero_copy_only=False)
            rows = np.flatnonzero(present)
            start = starts[m.index][rows]
            length = np.asarray(self.lengths[m.index])[rows]
            take = pa.array(rows)
            entity = m.entity.take(take) if m.entity is not None else pa.nulls(len(rows), pa.string())
            table = SpanTable(
                row=rows,
                start=start,
                end=start + length,
                type=pa.array(np.full(len(rows), m.type, dtype=object), pa.string()),
                value=m.value.take(take),
                entity=entity,
                written=written.take(take),
            )
            bad = m.damaged[rows] if m.damaged is not None else np.zeros(len(rows), bool)
            parts.append((table, bad))
        gold = _concat([_filter(t, ~b) for t, b in parts])
        damaged = _concat([_filter(t, b) for t, b in parts])
        return gold, damaged


def _lengths(piece: pa.Array) -> np.ndarray:
    return pc.fill_null(pc.utf8_length(piece), 0).to_numpy(zero_copy_only=False).astype(np.int64)


def _filter(t: SpanTable, keep: np.ndarray) -> SpanTable:
    k = pa.array(keep)
    return SpanTable(
        t.row[keep], t.start[keep], t.end[keep], t.type.filter(k), t.value.filter(k),
        t.entity.filter(k), t.written.filter(k),
    )  # fmt: skip


def _concat(tables: list[SpanTable]) -> SpanTable:
    if not tables:
        empty = np.zeros(0, np.int64)
        s = pa.array([], pa.string())
        return SpanTable(empty, empty, empty, s, s, s, s)
    row = np.concatenate([t.row for t in tables])
    start = np.concatenate([t.start for t in tables])
    order = np.lexsort((start, row))
    take = pa.array(order)

    def cat(name: str) -> pa.Array:
        return pa.concat_arrays([getattr(t, name).cast(pa.string()) for t in tables]).take(take)

    return SpanTable(
        row[order], start[order], np.concatenate([t.end for t in tables])[order],
        cat("type"), cat("value"), cat("entity"), cat("written"),
    )  # fmt: skip


def _cap_token(token: str) -> str:
    if token.isupper() and len(token) > 1:
        return "-".join(p[:1] + p[1:].lower() for p in token.split("-"))
    return token


def display_names(given: pa.Array, family: pa.Array) -> pa.Array:
    """Gold value of person mentions: "Given Family", normal capitalisation.

    Only names with a run of capitals (``AL-HASSAN``) need a Python fix; those are
    fixed per distinct value and put back. O(n + distinct capitalised names).
    """
    full = pc.utf8_trim_whitespace(
        pc.binary_join_element_wise(pc.fill_null(given, ""), pc.fill_null(family, ""), " ")
    )
    caps = pc.match_substring_regex(full, "[A-Z][A-Z]")
    if not pc.any(caps).as_py():
        return full
    encoded = pc.dictionary_encode(full.filter(caps))
    fixed = pa.array(
        [" ".join(_cap_token(t) for t in u.split()) for u in encoded.dictionary.to_pylist()], pa.string()
    )
    return pc.replace_with_mask(full, caps, fixed.take(encoded.indices))


def uk_dates(iso: pa.Array) -> pa.Array:
    """ISO (possibly partial) -> UK written form, vectorised: 1990-05-12 -> 12/05/1990,
    1990-05 -> 05/1990, 1990 -> 1990 (nulls stay null). O(n)."""
    return _dates(iso, "/", day_first=True)


def european_dates(iso: pa.Array) -> pa.Array:
    """ISO -> German written form (12.05.1990). O(n)."""
    return _dates(iso, ".", day_first=True)


def _dates(iso: pa.Array, sep: str, *, day_first: bool) -> pa.Array:
    y = pc.utf8_slice_codeunits(iso, 0, 4)
    m = pc.utf8_slice_codeunits(iso, 5, 7)
    d = pc.utf8_slice_codeunits(iso, 8, 10)
    length = pc.utf8_length(iso)
    full = pc.binary_join_element_wise(d, m, y, sep)
    ym = pc.binary_join_element_wise(m, y, sep)
    out = pc.if_else(pc.equal(length, 10), full, pc.if_else(pc.equal(length, 7), ym, iso))
    return out


_ESCAPES = (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"))


def json_string(values: pa.Array) -> pa.Array:
    """JSON string literals (quoted, escaped) for a string array, vectorised.

    Same bytes as ``json.dumps(value, ensure_ascii=False)`` for text without
    control characters other than newline, carriage return and tab (which the
    simulator never writes otherwise). Nulls become ``null``. O(total length).
    """
    s = values
    # one cheap scan first: most columns (ids, dates, selectors) need no escaping
    if pc.any(pc.match_substring_regex(s, '[\\\\"\\n\\r\\t]')).as_py():
        for raw, escaped in _ESCAPES:
            s = pc.replace_substring(s, raw, escaped)
    quoted = pc.binary_join_element_wise('"', s, '"', "")
    return pc.fill_null(quoted, "null")


def lines_bytes(lines: pa.Array) -> bytes:
    """The strings of ``lines`` each followed by a newline, as one UTF-8 buffer. O(n)."""
    if len(lines) == 0:
        return b""
    joined = pc.binary_join_element_wise(lines, "\n", "")
    if joined.null_count:
        raise ValueError("a JSON line is null")
    # A string array stores its values back to back: the data buffer between the
    # first and the last offset is exactly the concatenation, no Python per line.
    offsets = np.frombuffer(joined.buffers()[1], dtype=np.int32)[joined.offset : joined.offset + len(joined) + 1]
    data = joined.buffers()[2]
    assert data is not None
    return data.to_pybytes()[int(offsets[0]) : int(offsets[-1])]


def jsonl_lines(columns: dict[str, pa.Array]) -> pa.Array:
    """One JSON object per row (keys in order, ``json.dumps`` spacing). Numbers stay
    numbers (int64 columns), everything else is a string. O(n x columns)."""
    parts: list[pa.Array | str] = []
    for k, (name, col) in enumerate(columns.items()):
        parts.append(("{" if k == 0 else ", ") + f'"{name}": ')
        if pa.types.is_integer(col.type):
            parts.append(col.cast(pa.string()))
        else:
            parts.append(json_string(col.cast(pa.string())))
    parts.append("}")
    return pc.binary_join_element_wise(*parts, "")


__all__ += ["european_dates", "lines_bytes", "jsonl_lines"]
