"""The network: canonical entities as nodes, evidenced links as weighted edges.

A :class:`Network` holds three aligned things:

- ``nodes``: a pyarrow table (``id``, ``label``, ``schema``, ``roles``, ``targetable``);
  row ``i`` is node ``i`` of the graphs.
- ``edges``: a pyarrow table of undirected, aggregated edges (``u < v`` node indices,
  ``weight``, ``count``, ``kinds`` and, when built from a workspace, the evidence:
  ``statement_ids``, ``report_ids``, ``gradings``, dates, amounts, durations). Row ``e``
  is edge ``e`` of the igraph graph, so a path's edge ids index straight into evidence.
- ``arcs``: the directed ties (caller -> receiver, payer -> beneficiary, CSV source ->
  target), deduplicated, for brokerage roles which need direction.

Builders never loop in Python over edges: ids are factorised with Arrow dictionary
encoding, pairs aggregated with numpy (``unique`` over an int64 pair key) or DuckDB.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import igraph as ig
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from crosslink.errors import InputError
from crosslink.network.filters import PROTECTED_ROLES, NetworkFilter, grading_passes
from crosslink.store.captions import caption_sql, register_caption_props

if TYPE_CHECKING:
    import duckdb
    import networkit

__all__ = [
    "Network",
    "from_adjacency_csv",
    "from_edge_arrays",
    "from_edge_csv",
    "from_workspace",
]


@dataclass
class Network:
    """A resolved network ready for analysis (see module docstring for the layout)."""

    nodes: pa.Table
    edges: pa.Table
    arcs: np.ndarray
    provenance: dict[str, Any] = field(default_factory=dict)
    _ig: ig.Graph | None = field(default=None, repr=False)
    _nk: Any = field(default=None, repr=False)
    _index: dict[str, int] | None = field(default=None, repr=False)
    _ids: np.ndarray | None = field(default=None, repr=False)
    _uv: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    @property
    def n(self) -> int:
        return self.nodes.num_rows

    @property
    def m(self) -> int:
        return self.edges.num_rows

    @property
    def has_evidence(self) -> bool:
        return "statement_ids" in self.edges.column_names

    @property
    def ids(self) -> np.ndarray:
        """Node ids as a numpy object array (index = node); converted once, O(n)."""
        if self._ids is None:
            self._ids = np.asarray(self.nodes.column("id").to_numpy(zero_copy_only=False))
        return self._ids

    def endpoints(self) -> tuple[np.ndarray, np.ndarray]:
        """Edge end indices (u < v), converted once."""
        if self._uv is None:
            self._uv = (
                np.asarray(self.edges.column("u").to_numpy(), dtype=np.int64),
                np.asarray(self.edges.column("v").to_numpy(), dtype=np.int64),
            )
        return self._uv

    def weights(self) -> np.ndarray:
        return np.asarray(self.edges.column("weight").to_numpy(), dtype=np.float64)

    def targetable(self) -> np.ndarray:
        """Boolean mask: may this node be proposed as a target by default? People (or an
        edge list's nodes) not recorded as migrant, victim or witness; never documents,
        selectors or things (see :mod:`crosslink.network.targets`)."""
        from crosslink.network.targets import target_mask

        return target_mask(self)

    def graph(self) -> ig.Graph:
        """The undirected, weighted igraph graph (built once, O(n + m))."""
        if self._ig is None:
            u, v = self.endpoints()
            g = ig.Graph(n=self.n, edges=np.column_stack([u, v]), directed=False)
            g.es["weight"] = self.weights()
            self._ig = g
        return self._ig

    def nk_graph(self) -> networkit.Graph:
        """The same graph in networkit (parallel C++), built once, O(n + m)."""
        if self._nk is None:
            import networkit as nk

            u, v = self.endpoints()
            self._nk = nk.graph.GraphFromCoo(
                (self.weights(), (u.astype(np.uint64), v.astype(np.uint64))),
                n=self.n,
                weighted=True,
                directed=False,
            )
        return self._nk

    def index(self, node_id: str) -> int:
        """Node index of an id; raises InputError naming the id when absent.

        The first call builds a dict over all ids (O(n)); later calls are O(1).
        """
        if self._index is None:
            self._index = {str(x): i for i, x in enumerate(self.ids)}
        try:
            return self._index[node_id]
        except KeyError:
            raise InputError(f"no node with id {node_id!r} in the network") from None

    def labels(self, idx: np.ndarray | list[int]) -> list[str]:
        col = self.nodes.column("label")
        return [str(x) for x in col.take(pa.array(np.asarray(idx, dtype=np.int64))).to_pylist()]


def _aggregate(
    src: np.ndarray, dst: np.ndarray, weight: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Drop self-loops; return (u, v, weight sum, count) per undirected pair and the arcs.

    O(m log m) for the sort inside ``np.unique``; memory a few int64 arrays of length m.
    """
    keep = src != dst
    src, dst, weight = src[keep], dst[keep], weight[keep]
    n64 = np.int64(max(n, 1))
    arc_key = np.unique(src.astype(np.int64) * n64 + dst.astype(np.int64))
    arcs = np.column_stack([arc_key // n64, arc_key % n64]).astype(np.int32)
    lo = np.minimum(src, dst).astype(np.int64)
    hi = np.maximum(src, dst).astype(np.int64)
    key, inv = np.unique(lo * n64 + hi, return_inverse=True)
    w = np.bincount(inv, weights=weight, minlength=key.size)
    c = np.bincount(inv, minlength=key.size).astype(np.int64)
    return (key // n64).astype(np.int32), (key % n64).astype(np.int32), w, c, arcs


def from_edge_arrays(
    source: pa.Array | pa.ChunkedArray,
    target: pa.Array | pa.ChunkedArray,
    weight: np.ndarray | None = None,
    *,
    provenance: dict[str, Any] | None = None,
    protected: set[str] | None = None,
) -> Network:
    """Build a network from two aligned id columns (e.g. read from any tool's export).

    Ids are factorised with one Arrow dictionary encoding over both columns; parallel
    rows are summed into one weighted edge. ``protected`` ids are marked non-targetable.
    O(m log m) time, O(m) memory; no Python loop over rows.
    """
    src = source.combine_chunks() if isinstance(source, pa.ChunkedArray) else source
    dst = target.combine_chunks() if isinstance(target, pa.ChunkedArray) else target
    src = src.cast(pa.string())
    dst = dst.cast(pa.string())
    m = len(src)
    both = pa.concat_arrays([src, dst])
    enc = pc.dictionary_encode(both)
    codes = enc.indices.to_numpy(zero_copy_only=False).astype(np.int32)
    ids = enc.dictionary
    n = len(ids)
    w = np.ones(m, dtype=np.float64) if weight is None else np.asarray(weight, dtype=np.float64)
    u, v, wsum, cnt, arcs = _aggregate(codes[:m], codes[m:], w, n)
    # Nodes only seen in self-loops would be isolates: keep them (they exist in the data).
    targetable = np.ones(n, dtype=bool)
    if protected:
        targetable = ~np.asarray(
            pc.is_in(ids, value_set=pa.array(sorted(protected), pa.string())).to_numpy(
                zero_copy_only=False
            ),
            dtype=bool,
        )
    nodes = pa.table(
        {
            "id": ids,
            "label": ids,
            "schema": pa.nulls(n, pa.string()),
            "roles": pa.nulls(n, pa.list_(pa.string())),
            "targetable": pa.array(targetable),
        }
    )
    edges = pa.table(
        {
            "u": pa.array(u),
            "v": pa.array(v),
            "weight": pa.array(wsum),
            "count": pa.array(cnt),
        }
    )
    return Network(nodes, edges, arcs, provenance=dict(provenance or {}))


def from_edge_csv(
    path: Path,
    source: str,
    target: str,
    weight: str | None = None,
    *,
    delimiter: str = ",",
    protected: set[str] | None = None,
) -> Network:
    """Read an edge list CSV (any tool's export) and build the network.

    Reads only the named columns with Arrow's multi-threaded CSV reader; rows with an
    empty source or target are skipped and counted. O(m log m), memory O(m).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("file not found", file=str(path))
    cols = [source, target] + ([weight] if weight else [])
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        first = fh.readline().rstrip("\r\n").split(delimiter)
    names = [c.strip().strip('"') for c in first]
    for c in cols:
        if c not in names:
            raise InputError(
                f"no such column; columns are {', '.join(names)}", file=str(path), column=c
            )
    types: dict[str, pa.DataType] = {source: pa.string(), target: pa.string()}
    if weight:
        types[weight] = pa.float64()
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(encoding="utf8", block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delimiter),
            convert_options=pacsv.ConvertOptions(
                include_columns=cols, column_types=types, strings_can_be_null=True
            ),
        )
    except pa.ArrowInvalid as exc:
        msg = str(exc)
        column = weight if weight and weight in msg else None
        raise InputError(f"cannot read CSV: {msg}", file=str(path), column=column) from None
    s, t = table.column(source), table.column(target)
    ok = pc.and_(pc.is_valid(s), pc.is_valid(t))
    ok = pc.and_(ok, pc.and_(pc.not_equal(s, ""), pc.not_equal(t, "")))
    skipped = table.num_rows - pc.sum(pc.cast(ok, pa.int64())).as_py()
    if skipped:
        table = table.filter(ok)
    w = None
    if weight:
        w = pc.fill_null(table.column(weight), 1.0).to_numpy()
        if np.any(w < 0):
            raise InputError("negative weights are not allowed", file=str(path), column=weight)
    prov = {
        "source": "edge-list",
        "file": path.name,
        "columns": {"source": source, "target": target, "weight": weight},
        "rows": table.num_rows + skipped,
        "skipped_rows_without_endpoint": skipped,
    }
    return from_edge_arrays(
        table.column(source), table.column(target), w, provenance=prov, protected=protected
    )


# Link schemata: which entity-typed property is which end. 's'/'t' = directed source and
# target; 'x' = every pair of values is an undirected tie (co-travel on a Trip).
# Constants only: no user value is ever formatted into SQL.


def _ok_gradings(con: duckdb.DuckDBPyConnection, flt: NetworkFilter) -> list[str]:
    """Distinct (scheme, grading) pairs that pass: a loop over distinct values, not rows."""
    rows = con.execute(
        "SELECT DISTINCT grading_scheme, grading FROM visible_reports WHERE grading IS NOT NULL"
    ).fetchall()
    return [
        f"{scheme}|{written}"
        for scheme, written in rows
        if grading_passes(scheme, written, flt.min_gradings)
    ]


_REPORTS_COUNT_SQL = """
SELECT count(*) FROM visible_reports r
WHERE (NOT $use_grading
       OR list_contains($ok_gradings, coalesce(r.grading_scheme, '') || '|' || r.grading))
  AND (NOT $use_handling OR list_contains($handling, r.handling_code))
  AND ($compartments IS NULL OR r.compartment IS NULL
       OR list_contains($compartments, r.compartment))
"""


# One static statement; every value is a bound parameter, the constants are link
# schemata and selector properties (FtM 4). Roles: s/t = directed ends, x = co-travel.
_NETWORK_SQL = """
WITH ok_reports AS (
SELECT r.id, r.grading, r.grading_scheme, r.reported_at FROM visible_reports r
  WHERE (NOT $use_grading
         OR list_contains($ok_gradings, coalesce(r.grading_scheme, '') || '|' || r.grading))
    AND (NOT $use_handling OR list_contains($handling, r.handling_code))
    AND ($compartments IS NULL OR r.compartment IS NULL
         OR list_contains($compartments, r.compartment))
),
st AS (
  SELECT s.*, r.grading AS r_grading, r.grading_scheme AS r_scheme, r.reported_at AS r_date
  FROM visible_statements s LEFT JOIN ok_reports r ON s.report_id = r.id
  WHERE r.id IS NOT NULL OR (s.report_id IS NULL AND $allow_unreported)
),
canon AS (SELECT entity_id, canonical_id FROM canonical),
roles AS (
SELECT * FROM (VALUES
  ('Call','caller','s',0), ('Call','receiver','t',0),
  ('Call','callerNumber','s',1), ('Call','receiverNumber','t',1),
  ('Payment','payer','s',0), ('Payment','beneficiary','t',0),
  ('Associate','person','s',0), ('Associate','associate','t',0),
  ('Family','person','s',0), ('Family','relative','t',0),
  ('UnknownLink','subject','s',0), ('UnknownLink','object','t',0),
  ('Membership','member','s',0), ('Membership','organization','t',0),
  ('Ownership','owner','s',0), ('Ownership','asset','t',0),
  ('Trip','involved','x',0), ('Trip','vehicle','x',0), ('Trip','organizer','x',0)
) AS t(schema, prop, side, pref)
),
link_ends AS (
  SELECT coalesce(cl.canonical_id, s.entity_id) AS link_id, s.schema, ro.side, ro.pref,
         CASE WHEN s.prop_type = 'entity' THEN coalesce(ce.canonical_id, s.value)
              ELSE s.prop_type || ':' || s.value END AS node,
         s.prop_type <> 'entity' AS is_sel
  FROM st s
  JOIN roles ro ON ro.schema = s.schema AND ro.prop = s.prop
  LEFT JOIN canon cl ON cl.entity_id = s.entity_id
  LEFT JOIN canon ce ON ce.entity_id = s.value AND s.prop_type = 'entity'
  -- A number kept uncleaned (a subscriber id in a callerNumber column) still identifies
  -- one end of the call: it becomes a node with the value as written.
  WHERE list_contains($link_types, s.schema)
  QUALIFY ro.pref = min(ro.pref) OVER (PARTITION BY link_id, ro.side)
),
link_meta AS (
  SELECT coalesce(cl.canonical_id, s.entity_id) AS link_id,
         min(CASE WHEN s.prop IN ('date', 'startDate') THEN s.value END) AS d,
         min(s.r_date) AS rd,
         sum(CASE WHEN s.prop = 'duration' THEN TRY_CAST(s.value AS DOUBLE) END) AS duration,
         sum(CASE WHEN s.prop = 'amount' THEN TRY_CAST(s.value AS DOUBLE) END) AS amount,
         list(DISTINCT s.id) AS stmt_ids,
         list(DISTINCT s.report_id) FILTER (WHERE s.report_id IS NOT NULL) AS report_ids,
         list(DISTINCT coalesce(s.r_scheme || ':', '') || s.r_grading)
           FILTER (WHERE s.r_grading IS NOT NULL) AS gradings
  FROM st s LEFT JOIN canon cl ON cl.entity_id = s.entity_id
  WHERE list_contains($link_types, s.schema)
    AND s.schema IN ('Call','Payment','Associate','Family','UnknownLink','Membership','Ownership','Trip','Event','Message')
  GROUP BY 1
),
dated AS (
  SELECT *, coalesce(d, rd) AS when_ FROM link_meta
  WHERE ($since IS NULL OR coalesce(d, rd) >= $since)
    AND ($until IS NULL OR coalesce(d, rd) < $until)
),
link_pairs AS (
  SELECT a.link_id, a.schema AS kind, a.node AS src, b.node AS dst,
         a.is_sel AS src_sel, b.is_sel AS dst_sel
  FROM link_ends a JOIN link_ends b
    ON a.link_id = b.link_id
   AND ((a.side = 's' AND b.side = 't') OR (a.side = 'x' AND b.side = 'x' AND a.node < b.node))
  WHERE a.node <> b.node
),
sel_pairs AS (
  SELECT coalesce(ce.canonical_id, s.entity_id) AS src, s.prop_type || ':' || s.value AS dst,
         s.id AS stmt_id, s.report_id,
         CASE WHEN s.r_grading IS NULL THEN NULL
              ELSE coalesce(s.r_scheme || ':', '') || s.r_grading END AS grading
  FROM st s LEFT JOIN canon ce ON ce.entity_id = s.entity_id
  WHERE s.reason IS NULL AND (
  (s.prop_type IN ('phone', 'email', 'iban'))
  OR (s.schema = 'CryptoWallet' AND s.prop = 'publicKey')
  OR (s.schema = 'Vehicle' AND s.prop = 'registrationNumber')
  OR (s.schema = 'UserAccount' AND s.prop = 'username')
)
    AND s.schema NOT IN ('Call','Payment','Associate','Family','UnknownLink','Membership','Ownership','Trip','Event','Message')
    AND list_contains($link_types, 'Selector')
),
all_pairs AS (
  SELECT p.src, p.dst, p.kind, p.link_id, p.src_sel, p.dst_sel, m.when_ AS when_,
         m.duration, m.amount, m.stmt_ids, m.report_ids, m.gradings
  FROM link_pairs p JOIN dated m USING (link_id)
  UNION ALL
  SELECT src, dst, 'Selector', src || '>' || dst, FALSE, TRUE, NULL, NULL, NULL,
         [stmt_id], CASE WHEN report_id IS NULL THEN [] ELSE [report_id] END,
         CASE WHEN grading IS NULL THEN [] ELSE [grading] END
  FROM sel_pairs
),
sel_degree AS (
  SELECT node, count(DISTINCT other) AS k FROM (
    SELECT dst AS node, src AS other FROM all_pairs WHERE dst_sel
    UNION ALL SELECT src, dst FROM all_pairs WHERE src_sel
  ) GROUP BY node
),
kept AS (
  SELECT p.* FROM all_pairs p
  LEFT JOIN sel_degree a ON p.src_sel AND a.node = p.src
  LEFT JOIN sel_degree b ON p.dst_sel AND b.node = p.dst
  WHERE (NOT p.src_sel OR a.k >= 2) AND (NOT p.dst_sel OR b.k >= 2)
)
SELECT src, dst, src_sel, dst_sel,
       count(DISTINCT link_id) AS count,
       list(DISTINCT kind) AS kinds,
       sum(duration) AS duration, sum(amount) AS amount,
       min(when_) AS first_date, max(when_) AS last_date,
       list_sort(list_distinct(flatten(list(stmt_ids)))) AS statement_ids,
       list_sort(list_distinct(flatten(list(report_ids)))) AS report_ids,
       list_sort(list_distinct(flatten(list(gradings)))) AS gradings
FROM kept GROUP BY src, dst, src_sel, dst_sel
ORDER BY src, dst
"""


def from_workspace(con: duckdb.DuckDBPyConnection, flt: NetworkFilter | None = None) -> Network:
    """Build the network from a workspace's ``statements``/``reports``/``canonical`` tables.

    One SQL pass (DuckDB, vectorised): link entities become pair rows; pairs aggregate
    per undirected canonical pair with their link count, summed duration and amount,
    date range, and the statement ids, report ids and gradings behind them. Shared
    selectors (phone, e-mail, IBAN, wallet, plate, username) become selector nodes when
    at least two entities share them. Only nodes with at least one edge are kept.
    O(S log S) in the number of statements S.
    """
    flt = flt or NetworkFilter()
    report_params: dict[str, Any] = {
        "use_grading": bool(flt.min_gradings),
        "ok_gradings": _ok_gradings(con, flt) if flt.min_gradings else [],
        "use_handling": bool(flt.handling_codes),
        "handling": list(flt.handling_codes),
        "compartments": None if flt.compartments is None else list(flt.compartments),
    }
    params: dict[str, Any] = dict(report_params)
    params["link_types"] = list(flt.link_types)
    params["allow_unreported"] = not flt.restricts_reports
    params["since"] = flt.since
    params["until"] = flt.until

    try:
        arcs_tbl = con.sql(_NETWORK_SQL, params=params).to_arrow_table()
    except Exception as exc:  # duckdb.CatalogException etc.: not a workspace
        raise InputError(f"cannot build the network from this workspace: {exc}") from None
    n_reports = con.execute("SELECT count(*) FROM visible_reports").fetchall()
    n_ok = con.execute(_REPORTS_COUNT_SQL, report_params).fetchall()
    by_schema = con.execute(
        "SELECT schema, count(DISTINCT entity_id) FROM visible_statements GROUP BY 1 ORDER BY 2 DESC, 1"
    ).fetchall()
    return _without_unseen(_from_arc_table(
        con,
        arcs_tbl,
        provenance={
            "source": "workspace",
            "filters": flt.describe(),
            "reports_total": n_reports[0][0],
            "reports_used": n_ok[0][0],
            "entities_by_schema": {str(k): int(v) for k, v in by_schema},
        },
    ))


def _without_unseen(net: Network) -> Network:
    """The network without nodes the reader may not see.

    A visible link (a call in an open report) can name an entity whose every own
    statement is in a compartment the reader is not cleared for; the graph builder
    would keep it as a bare id with no schema. Need-to-know says such an entity is
    absent, so it goes, with its edges: the reader sees the call's other end only. (Found
    by the service's property test; every path that builds a network from a session,
    CLI, report, service, case files and exports, gets it here.)
    """
    keep = np.asarray(pc.is_valid(net.nodes.column("schema")).to_numpy(zero_copy_only=False),
                      dtype=bool)
    if keep.all():
        return net
    index = np.cumsum(keep) - 1
    u, v = net.endpoints()
    kept_edges = keep[u] & keep[v]
    edges = net.edges.filter(pa.array(kept_edges))
    for name, ends in (("u", u), ("v", v)):
        edges = edges.set_column(edges.column_names.index(name), name, pa.array(
            index[ends[kept_edges]]).cast(net.edges.schema.field(name).type))
    arcs = net.arcs
    if arcs.size:
        ok = keep[arcs[:, 0]] & keep[arcs[:, 1]]
        arcs = index[arcs[ok]].astype(arcs.dtype)
    return Network(net.nodes.filter(pa.array(keep)), edges, arcs, provenance=net.provenance)


def empty_network_message(net: Network) -> str:
    """Why a network has no links, and what would give it some: for an analyst, not a trace."""
    prov = net.provenance
    held = prov.get("entities_by_schema") or {}
    listed = ", ".join(f"{n:,} {k}" for k, n in list(held.items())[:8]) or "no entities"
    if prov.get("source") != "workspace":
        return f"the network is empty: {prov.get('file', 'the input')} has no rows with both ends"
    used, total = prov.get("reports_used", 0), prov.get("reports_total", 0)
    return (
        f"the network is empty: no links between entities in the {used:,} of {total:,} reports "
        "you may see with these filters. Links come from Call, Payment, Associate, Family, "
        "UnknownLink, Membership, Ownership and Trip entities, and from phones, e-mails, IBANs, "
        f"plates and usernames that two or more entities share. The workspace holds {listed}. "
        "Map the file's parties as entities (e.g. Call.caller: {entity: caller}) or as phones "
        "(Call.callerNumber), see docs/mappings.md"
    )


def _from_arc_table(
    con: duckdb.DuckDBPyConnection, t: pa.Table, provenance: dict[str, Any]
) -> Network:
    """Factorise ids, merge the two directions of each pair, attach node attributes."""
    m = t.num_rows
    both = (
        pa.concat_arrays(
            [
                t.column("src").combine_chunks().cast(pa.string()),
                t.column("dst").combine_chunks().cast(pa.string()),
            ]
        )
        if m
        else pa.array([], pa.string())
    )
    enc = pc.dictionary_encode(both)
    codes = enc.indices.to_numpy(zero_copy_only=False).astype(np.int32)
    ids = enc.dictionary
    n = len(ids)
    src, dst = codes[:m], codes[m:]
    is_sel = np.zeros(n, dtype=bool)
    is_sel[src[t.column("src_sel").to_numpy(zero_copy_only=False).astype(bool)]] = True
    is_sel[dst[t.column("dst_sel").to_numpy(zero_copy_only=False).astype(bool)]] = True
    arc_key = np.unique(src.astype(np.int64) * max(n, 1) + dst)
    arcs = np.column_stack([arc_key // max(n, 1), arc_key % max(n, 1)]).astype(np.int32)
    # Merge a->b and b->a rows: small table (one row per evidenced pair), so let DuckDB
    # do the list flattening.
    lo, hi = np.minimum(src, dst), np.maximum(src, dst)
    import duckdb

    pairs = (
        t.drop_columns(["src", "dst", "src_sel", "dst_sel"])
        .append_column("u", pa.array(lo))
        .append_column("v", pa.array(hi))
    )
    local = duckdb.connect()
    local.register("pairs", pairs)
    edges = local.sql(
        """
        SELECT u, v, CAST(sum(count) AS DOUBLE) AS weight, CAST(sum(count) AS BIGINT) AS count,
               list_sort(list_distinct(flatten(list(kinds)))) AS kinds,
               sum(duration) AS duration, sum(amount) AS amount,
               min(first_date) AS first_date, max(last_date) AS last_date,
               list_sort(list_distinct(flatten(list(statement_ids)))) AS statement_ids,
               list_sort(list_distinct(flatten(list(report_ids)))) AS report_ids,
               list_sort(list_distinct(flatten(list(gradings)))) AS gradings
        FROM pairs GROUP BY u, v ORDER BY u, v
        """
    ).to_arrow_table()
    local.close()
    nodes = _node_attributes(con, ids, is_sel)
    return Network(nodes, edges, arcs, provenance=provenance)


def _node_attributes(con: duckdb.DuckDBPyConnection, ids: pa.Array, is_sel: np.ndarray) -> pa.Table:
    """Label, schema and roles per node, from all member entities of each canonical id."""
    import duckdb

    local_ids = pa.table({"id": ids, "pos": pa.array(np.arange(len(ids), dtype=np.int64))})
    con.register("xl_network_node_ids", local_ids)
    register_caption_props(con)
    try:
        con.execute(
            """
            CREATE OR REPLACE TEMP VIEW xl_network_members AS
            SELECT n.id AS key, coalesce(c.entity_id, n.id) AS entity_id
            FROM xl_network_node_ids n LEFT JOIN canonical c ON c.canonical_id = n.id
            UNION SELECT n.id, n.id FROM xl_network_node_ids n
            """
        )
        attrs = con.sql(
            f"""
            WITH cap AS ({caption_sql("xl_network_members")}),
            role AS (
              SELECT m.key,
                     coalesce(list_sort(list_distinct(list(s.value) FILTER (WHERE s.prop = 'x:role'))), [])
                       AS roles
              FROM xl_network_members m LEFT JOIN visible_statements s ON s.entity_id = m.entity_id
              GROUP BY m.key
            )
            SELECT n.pos, cap.caption AS label, cap.schema, coalesce(role.roles, []) AS roles
            FROM xl_network_node_ids n LEFT JOIN cap ON cap.key = n.id
            LEFT JOIN role ON role.key = n.id
            ORDER BY n.pos
            """  # noqa: S608  (our own relation names)
        ).to_arrow_table()
    except duckdb.Error as exc:
        raise InputError(f"cannot read node attributes from the workspace: {exc}") from None
    finally:
        con.execute("DROP VIEW IF EXISTS xl_network_members")
        con.unregister("xl_network_node_ids")
    sel_types = pc.list_element(pc.split_pattern(ids, ":", max_splits=1), 0)
    sel_values = pc.replace_substring_regex(ids, "^[^:]*:", "", max_replacements=1)
    label = pc.if_else(pa.array(is_sel), sel_values, pc.coalesce(attrs.column("label"), ids))
    schema = pc.if_else(
        pa.array(is_sel),
        pc.binary_join_element_wise("Selector", sel_types, ":"),
        attrs.column("schema"),
    )
    roles = attrs.column("roles")
    flat = pc.list_flatten(roles)
    parent = pc.list_parent_indices(roles).to_numpy()
    protected = pc.is_in(flat, value_set=pa.array(sorted(PROTECTED_ROLES))).to_numpy(
        zero_copy_only=False
    )
    targetable = np.ones(len(ids), dtype=bool)
    targetable[parent[protected.astype(bool)]] = False
    targetable[is_sel] = False
    return pa.table(
        {"id": ids, "label": label, "schema": schema, "roles": roles, "targetable": targetable}
    )


def from_adjacency_csv(path: Path, *, protected: set[str] | None = None) -> Network:
    """Read a square adjacency-matrix CSV (UCINET-style export: labels in row 1 and col 1).

    Cells are tie values (0 = no tie); both directions are kept as arcs, the undirected
    edge weight is the sum. O(n^2) to read the matrix, which is how the format is stored.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("file not found", file=str(path))
    try:
        table = pacsv.read_csv(path, read_options=pacsv.ReadOptions(encoding="utf-8"))
    except pa.ArrowInvalid as exc:
        raise InputError(f"cannot read CSV: {exc}", file=str(path)) from None
    if table.num_columns < 2:
        raise InputError(
            "an adjacency matrix needs a label column and node columns", file=str(path)
        )
    row_labels = table.column(0).cast(pa.string()).to_pylist()
    col_labels = [c.lstrip("\ufeff") for c in table.column_names[1:]]
    if sorted(map(str, row_labels)) != sorted(col_labels):
        raise InputError("row labels and column labels differ: not a square matrix", file=str(path))
    try:
        mat = np.column_stack(
            [
                pc.fill_null(table.column(i).cast(pa.float64()), 0.0).to_numpy()
                for i in range(1, table.num_columns)
            ]
        )
    except pa.ArrowInvalid as exc:
        raise InputError(f"non-numeric cell: {exc}", file=str(path)) from None
    # Align columns to row order.
    pos = {lab: i for i, lab in enumerate(col_labels)}
    mat = mat[:, [pos[str(r)] for r in row_labels]]
    np.fill_diagonal(mat, 0.0)
    r, c = np.nonzero(mat)
    labels = pa.array([str(x) for x in row_labels], pa.string())
    net = from_edge_arrays(
        labels.take(pa.array(r)),
        labels.take(pa.array(c)),
        np.abs(mat[r, c]),
        provenance={"source": "adjacency-matrix", "file": path.name},
        protected=protected,
    )
    # Keep isolates: they are people in the data set with no recorded tie.
    missing = sorted(set(labels.to_pylist()) - set(net.ids.tolist()))
    if missing:
        extra = pa.table(
            {
                "id": pa.array(missing, pa.string()),
                "label": pa.array(missing, pa.string()),
                "schema": pa.nulls(len(missing), pa.string()),
                "roles": pa.nulls(len(missing), pa.list_(pa.string())),
                "targetable": pa.array(
                    [not (protected and m in protected) for m in missing], pa.bool_()
                ),
            }
        )
        net = Network(pa.concat_tables([net.nodes, extra]), net.edges, net.arcs, net.provenance)
    return net
