"""The workbench's search index: candidates for ``/api/search`` without a scan of
every statement on every request.

Built once from the whole ``statements`` table at service start, and again in a
background thread when a search finds the service's version moved on (every write
the service makes, ingest or judgement, calls ``Service.changed``):

- every distinct name value, lower-cased, as one list for rapidfuzz's Jaro-Winkler
  (``process.cdist`` over the list, C++ with SIMD) and joined into one string for
  substring search (``str.find`` is a C memchr-style scan: a few ms over a million
  names, where a Python loop or a DuckDB ``ILIKE`` over the statements costs tens);
- one row per (value, entity, report) as numpy arrays sorted by DuckDB's
  ``hash(value)``, so the entities holding a value (a selector form or a matched name)
  are a ``searchsorted`` away. Entity, report and schema are dictionary codes
  (ranks of their DuckDB hashes): about 30 bytes a statement in all, with a second
  order by entity for the captions of the results;
- the resolved clusters (``canonical``), so results are keyed and captioned without
  a query.

The index covers every statement whatever the caller's clearance: it only proposes.
A candidate row counts only when its report is in the caller's ``visible_reports``
(a boolean mask over the report codes, read from the caller's own view once per
clearance and index version), so an entity the user may not see contributes to no
result and no count. Scores follow the scanning query of
:func:`crosslink.api.queries.search` exactly: a selector form 1.0, a name containing
the query 0.99, else a name's Jaro-Winkler similarity when at least the threshold.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from crosslink.store.captions import caption_props
from crosslink.store.session import Clearance, Session

__all__ = ["SearchIndex", "Snapshot"]

#: Above this many candidate rows the caller scans instead (a one-letter query).
MAX_CANDIDATE_ROWS = 200_000
_SEP = "\x00"  # joins the lower-cased names; a query holding it is never indexed


@dataclass
class Snapshot:
    """The index as of one service version (immutable once built)."""

    version: int
    lowered: list[str]
    name_hash: np.ndarray  # uint64, DuckDB hash() of each distinct name value
    joined: str
    starts: np.ndarray  # int64 offset of each lowered name in ``joined``
    lower_groups: list[np.ndarray]  # lowered name i -> indices into name_hash
    value_hash: np.ndarray  # uint64, sorted
    entity: np.ndarray  # int32 codes into entity_ids
    report: np.ndarray  # int32 codes into report_ids
    schema: np.ndarray  # int16 codes into schemas
    is_name: np.ndarray  # bool
    entity_ids: pa.Array  # entity code -> id; codes are ranks of entity_hashes
    report_ids: pa.Array
    schemas: list[str]
    entity_hashes: np.ndarray  # uint64, sorted: DuckDB hash(entity_id) per code
    by_entity: np.ndarray  # int32 row indices grouped by entity code
    entity_start: np.ndarray  # entity code -> first position in by_entity (+1 sentinel)
    prop: np.ndarray  # int16 codes into props
    props: list[str]
    cap_value: np.ndarray  # int32 code into cap_values; -1: not a caption property
    cap_values: list[str]
    report_titles: list[str | None]  # report code -> title (titles are never sanitised)
    canon_of: np.ndarray  # int32 entity code -> index into canon_ids; -1: unresolved
    canon_ids: list[str]
    canon_members: dict[str, np.ndarray]  # canonical id -> entity codes it stands for
    _masks: dict[object, np.ndarray] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def visible_mask(self, session: Session) -> np.ndarray:
        """Which report codes the session's ``visible_reports`` holds (cached)."""
        key = _clearance_key(session.clearance)
        with self._lock:
            found = self._masks.get(key)
        if found is not None:
            return found
        ids = session.con.sql("SELECT id FROM visible_reports").to_arrow_table().column(0)
        mask = np.asarray(pc.is_in(self.report_ids, value_set=ids.combine_chunks()
                                   .cast(pa.string())).to_numpy(zero_copy_only=False),
                          dtype=bool)
        with self._lock:
            self._masks[key] = mask
        return mask

    def name_candidates(self, q: str, fuzzy: float) -> tuple[np.ndarray, np.ndarray] | None:
        """(value hashes, scores) of the name values ``q`` matches; None: too many."""
        ql = q.lower()
        if _SEP in ql or not self.lowered:
            return None
        scores: dict[int, float] = {}
        # substring: every distinct lowered name that contains the query
        at = self.joined.find(ql)
        while at >= 0:
            i = int(np.searchsorted(self.starts, at, side="right")) - 1
            scores[i] = 0.99
            if len(scores) > MAX_CANDIDATE_ROWS:
                return None
            nxt = int(self.starts[i + 1]) if i + 1 < len(self.starts) else len(self.joined)
            at = self.joined.find(ql, nxt)
        # fuzzy: a slightly lower cut-off for the float32 pass, then the exact score
        sims = process.cdist([ql], self.lowered, scorer=JaroWinkler.similarity,
                             score_cutoff=fuzzy - 0.01, dtype=np.float32, workers=1)[0]
        for i in np.flatnonzero(sims).tolist():
            if i not in scores:
                s = JaroWinkler.similarity(self.lowered[i], ql)
                if s >= fuzzy:
                    scores[i] = s
        if not scores:
            return np.zeros(0, dtype=np.uint64), np.zeros(0)
        idx = list(scores)
        groups = [self.lower_groups[i] for i in idx]
        hashes = self.name_hash[np.concatenate(groups)]
        score = np.concatenate([np.full(g.size, scores[i]) for i, g in zip(idx, groups,
                                                                          strict=True)])
        return hashes, score

    def rows_for(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row indices, which of ``hashes`` each row is for) of rows with those values."""
        lo = np.searchsorted(self.value_hash, hashes, side="left")
        hi = np.searchsorted(self.value_hash, hashes, side="right")
        counts = hi - lo
        if counts.sum() == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        which = np.repeat(np.arange(hashes.size), counts)
        offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        return np.repeat(lo, counts) + offsets, which

    def search(self, session: Session, q: str, forms: list[str], fuzzy: float, limit: int,
               ) -> tuple[list[tuple[str, str, float, bool, int]], dict[str, str]] | None:
        """(rows, captions) as :func:`crosslink.api.queries.search` answers them from
        its scan: rows (id, schema, score, by selector, total) keyed by canonical id,
        best first, at most ``limit``; None: the query matches too much, scan instead."""
        found = self._entities(session, q, forms, fuzzy)
        if found is None:
            return None
        ent, sch, score, sel = found
        ids = self.entity_ids.take(pa.array(ent)).to_pylist()
        keyed: dict[str, list[Any]] = {}
        own: dict[str, int] = {}
        for e, i, sc, s, b in zip(ent.tolist(), ids, sch.tolist(), score.tolist(), sel.tolist(),
                                  strict=True):
            c = int(self.canon_of[e])
            key = self.canon_ids[c] if c >= 0 else str(i)
            if c < 0:
                own[key] = e
            cur = keyed.get(key)
            if cur is None:
                keyed[key] = [self.schemas[sc], s, b]
            else:
                cur[1], cur[2] = max(cur[1], s), cur[2] or b
        total = len(keyed)
        best = sorted(keyed.items(), key=lambda kv: (-kv[1][1], kv[0]))[:limit]
        rows = [(k, str(v[0]), float(v[1]), bool(v[2]), total) for k, v in best]
        members = {k: self.canon_members[k] if k in self.canon_members
                   else np.asarray([own[k]], dtype=np.int64) for k, *_ in rows}
        return rows, self.captions(session, members)

    def _entities(self, session: Session, q: str, forms: list[str], fuzzy: float,
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
        """(entity code, schema code, best score, any selector) of every entity ``q``
        matches through a statement the session may see; None: too many candidates."""
        named = self.name_candidates(q, fuzzy)
        if named is None:
            return None
        form_hash = np.asarray([r[0] for r in session.con.execute(
            "SELECT hash(f) FROM (SELECT unnest(?::VARCHAR[]) AS f)", [forms]).fetchall()],
            dtype=np.uint64)
        sel_rows, _ = self.rows_for(form_hash)
        name_rows, which = self.rows_for(named[0])
        keep = self.is_name[name_rows]
        name_rows, name_score = name_rows[keep], named[1][which[keep]]
        if sel_rows.size + name_rows.size > MAX_CANDIDATE_ROWS:
            return None
        rows = np.concatenate([sel_rows, name_rows])
        score = np.concatenate([np.ones(sel_rows.size), name_score])
        sel = np.concatenate([np.ones(sel_rows.size, bool), np.zeros(name_rows.size, bool)])
        seen = self.visible_mask(session)[self.report[rows]]
        rows, score, sel = rows[seen], score[seen], sel[seen]
        ent = self.entity[rows]
        order = np.lexsort((-score, ent))  # per entity, best score first
        ent, score, sel, rows = ent[order], score[order], sel[order], rows[order]
        if ent.size == 0:
            return ent, ent, score, sel
        first = np.flatnonzero(np.r_[True, ent[1:] != ent[:-1]])
        any_sel = np.logical_or.reduceat(sel, first)
        return ent[first], self.schema[rows[first]], score[first], any_sel

    def captions(self, session: Session, members: dict[str, np.ndarray]) -> dict[str, str]:
        """Captions of result keys (entity or canonical ids, each with its members'
        entity codes) exactly as :func:`crosslink.api.queries.quick_captions` gives
        them from the caller's views, but from the snapshot's rows of the members (no
        scan of the statements): the same rows, deduplicated by (entity, schema, prop,
        value) with the least report title, go to the same chooser."""
        from crosslink.api.queries import choose_caption  # the one rule for captions

        mask = self.visible_mask(session)
        out: dict[str, str] = {}
        for key, codes in members.items():
            groups: dict[tuple[int, int, int, int], str | None] = {}
            for code in codes.tolist():
                rows = self.by_entity[self.entity_start[code]:self.entity_start[code + 1]]
                for r in rows[mask[self.report[rows]]].tolist():
                    v = int(self.cap_value[r])
                    g = (code, int(self.schema[r]), int(self.prop[r]),
                         v if v >= 0 else -2 - (int(self.value_hash[r]) & 0x7FFFFFFFFFFF))
                    title = self.report_titles[int(self.report[r])]
                    old = groups.get(g, title)
                    groups[g] = title if old is None or (title is not None and title < old) \
                        else old
            if groups:
                out[key] = choose_caption([
                    (self.schemas[sc], self.props[pr], self.cap_values[v] if v >= 0 else "",
                     title) for (_, sc, pr, v), title in groups.items()])
        return out


def build(con: duckdb.DuckDBPyConnection, version: int) -> Snapshot:
    """Read every statement's value, entity, report, schema and prop into a snapshot.

    Strings cross into Python once per distinct entity, report, schema and prop (and
    caption value); each statement comes as integers (DuckDB's ``hash``), coded by
    binary search, so a 10-million-statement workspace needs no 10-million-row
    string column in memory."""
    # a value of any schema's caption property: the chooser reads the entity's rows of
    # the most frequent schema's caption properties whatever schema each row has
    caps = sorted({str(r["prop"]) for r in caption_props().to_pylist() if r["prop"]})
    t = con.sql(
        "SELECT hash(value) AS vh, coalesce(entity_hash, hash(entity_id)) AS eh, "
        "hash(report_id) AS rh, hash(schema) AS sh, hash(prop) AS ph, "
        "coalesce(prop_type = 'name', FALSE) AS is_name, "
        "CASE WHEN list_contains($caps, prop) THEN value END AS cap "
        "FROM statements", params={"caps": caps},
    ).to_arrow_table()
    vh = t.column("vh").to_numpy()
    order = np.argsort(vh, kind="stable")

    def dictionary(sql: str) -> tuple[np.ndarray, list[Any]]:
        rows = con.sql(sql).fetchall()  # (hash, value), ordered by hash
        return np.asarray([r[0] for r in rows], dtype=np.uint64), [r[1] for r in rows]

    def codes(column: str, keys: np.ndarray) -> np.ndarray:
        h = t.column(column).to_numpy()[order]
        return np.searchsorted(keys, h).astype(np.int32)

    ent_h, ent_ids = dictionary("SELECT DISTINCT coalesce(entity_hash, hash(entity_id)), "
                                "entity_id FROM statements ORDER BY 1, 2")
    if np.unique(ent_h).size != ent_h.size:  # two ids with one 64-bit hash: vanishingly rare
        raise RuntimeError("search index: entity id hash collision")
    rep_h, rep_ids = dictionary("SELECT DISTINCT hash(report_id), report_id FROM statements "
                                "ORDER BY 1")
    sch_h, schemas = dictionary("SELECT DISTINCT hash(schema), schema FROM statements ORDER BY 1")
    prop_h, props = dictionary("SELECT DISTINCT hash(prop), prop FROM statements ORDER BY 1")
    titles = dict(con.execute("SELECT id, title FROM reports").fetchall())
    entity = codes("eh", ent_h)
    cap = t.column("cap").combine_chunks().take(pa.array(order)).dictionary_encode()
    cap_codes = cap.indices.fill_null(-1).to_numpy().astype(np.int32)
    by_entity = np.argsort(entity, kind="stable").astype(np.int32)
    entity_start = np.searchsorted(entity[by_entity], np.arange(len(ent_ids) + 1))

    # Resolved clusters: judgements change them, and each judgement is a write that
    # bumps the service's version, so the snapshot is rebuilt with them.
    def code_of(h: int, entity_id: str) -> int:
        c = int(np.searchsorted(ent_h, np.uint64(h)))
        return c if c < ent_h.size and int(ent_h[c]) == int(h) and ent_ids[c] == entity_id \
            else -1

    canon_of = np.full(len(ent_ids), -1, dtype=np.int32)
    canon_ids: list[str] = []
    canon_members: dict[str, list[int]] = {}
    for cid, ch, eid, eh in con.execute(
            "SELECT canonical_id, hash(canonical_id), entity_id, hash(entity_id) "
            "FROM canonical ORDER BY 1, 3").fetchall():
        if cid not in canon_members:
            canon_members[cid] = [c for c in [code_of(ch, cid)] if c >= 0]
            canon_ids.append(cid)
        c = code_of(eh, eid)
        if c >= 0:
            canon_of[c] = len(canon_ids) - 1
            canon_members[cid].append(c)

    names = con.sql(
        "SELECT DISTINCT value, hash(value) FROM statements WHERE prop_type = 'name'"
    ).to_arrow_table()
    values = [str(v) for v in names.column(0).to_pylist()]
    name_hash = names.column(1).to_numpy().astype(np.uint64)
    groups: dict[str, list[int]] = {}
    for i, v in enumerate(values):
        groups.setdefault(v.lower(), []).append(i)
    lowered = list(groups)
    lengths = np.fromiter((len(s) + 1 for s in lowered), dtype=np.int64, count=len(lowered))
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    return Snapshot(
        version=version, lowered=lowered, name_hash=name_hash,
        joined=_SEP.join(lowered), starts=starts,
        lower_groups=[np.asarray(g, dtype=np.int64) for g in groups.values()],
        value_hash=vh[order].astype(np.uint64), entity=entity,
        report=codes("rh", rep_h), schema=codes("sh", sch_h).astype(np.int16),
        is_name=t.column("is_name").to_numpy(zero_copy_only=False)[order],
        entity_ids=pa.array(ent_ids, pa.string()), report_ids=pa.array(rep_ids, pa.string()),
        schemas=[str(x) for x in schemas], entity_hashes=ent_h, by_entity=by_entity,
        entity_start=entity_start, prop=codes("ph", prop_h).astype(np.int16), props=[str(x) for x in props],
        cap_value=cap_codes, cap_values=[str(x) for x in cap.dictionary.to_pylist()],
        report_titles=[titles.get(r) for r in rep_ids], canon_of=canon_of,
        canon_ids=canon_ids,
        canon_members={k: np.asarray(sorted(set(v)), dtype=np.int64)
                       for k, v in canon_members.items()},
    )


def _clearance_key(c: Clearance) -> object:
    return (None if c.compartments is None else tuple(sorted(c.compartments)), c.source_unit)


class SearchIndex:
    """The current snapshot of a served workspace, rebuilt in a thread after writes.

    :meth:`current` answers the snapshot only when it was built at the service's
    present version; otherwise the caller scans (correct, slower) while a rebuild runs,
    so a search never misses what a write just added.
    """

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor  # () -> a new DuckDB cursor on the workspace
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._wanted = -1

    def build_now(self, version: int) -> Snapshot:
        con = self._cursor()
        try:
            snap = build(con, version)
        finally:
            con.close()
        with self._lock:
            if self._snapshot is None or snap.version >= self._snapshot.version:
                self._snapshot = snap
        return snap

    def current(self, version: int) -> Snapshot | None:
        with self._lock:
            snap = self._snapshot
            if snap is not None and snap.version == version:
                return snap
            self._wanted = max(self._wanted, version)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._rebuild, daemon=True,
                                                name="crosslink-search-index")
                self._thread.start()
        return None

    def _rebuild(self) -> None:
        while True:
            with self._lock:
                wanted = self._wanted
                if self._snapshot is not None and self._snapshot.version >= wanted:
                    self._thread = None
                    return
            try:
                self.build_now(wanted)
            except duckdb.Error:  # the workspace closed under us: nothing to serve
                with self._lock:
                    self._thread = None
                return

    def close(self) -> None:
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join(timeout=60)
