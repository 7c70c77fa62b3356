"""Entity-resolution benchmark: crosslink vs Splink's documented configuration.

Prints, per data set, pairwise precision/recall/F1, cluster-level F1, wall time
and peak memory for crosslink and for Splink configured as its documentation
recommends for the set's columns (see ``_splink_config``), EM-trained on that
set, scored at the best of its usual thresholds (fitted to the truth: the peer
is, if anything, stronger than plain Splink), with links made one-to-one by
Splink's own ``cluster_using_single_best_links``; side by side with
crosslink/Splink ratios, and the mean F1 difference over the real sets. Names
across scripts (``translit_*``) also print a rapidfuzz + transliteration
baseline with a fitted threshold. Each run is a fresh subprocess, so peak
memory is that run's own.

    .venv/bin/python bench/bench_resolve.py                 # real sets + 100k simulated
    .venv/bin/python bench/bench_resolve.py --sizes 100000 1000000
    .venv/bin/python bench/bench_resolve.py --only febrl4 fake_1000
    .venv/bin/python bench/bench_resolve.py --only sim10000 --sizes 10000 --noise 1 0.5 0.25

Data: ``../shared/data/entity_resolution`` (relative to the repo) and
``crosslink.simulate.person_records`` (namesakes, transliteration noise).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "entity_resolution"

# ---------------------------------------------------------------- loading


def _csv(path: Path, sep: str | None = None) -> pa.Table:
    con = duckdb.connect()
    kwargs: dict[str, Any] = {"header": True, "all_varchar": True}
    if sep:
        kwargs["sep"] = sep
    rel = con.read_csv(str(path), **kwargs)
    cols = ", ".join(f'NULLIF(TRIM("{c}"), \'\') AS "{c.strip()}"' for c in rel.columns)
    con.register("t", rel)
    return con.sql(f"SELECT {cols} FROM t").to_arrow_table()  # noqa: S608


def _props(table: pa.Table, mapping: dict[str, str | list[str]], id_col: str) -> pa.Table:
    """Select/rename columns into unique_id + Person properties (joined if several)."""
    out = {"unique_id": table.column(id_col)}
    for prop, cols in mapping.items():
        cols = [cols] if isinstance(cols, str) else cols
        if len(cols) == 1:
            out[prop] = table.column(cols[0])
        else:
            rows = zip(*[table.column(c).to_pylist() for c in cols], strict=True)
            out[prop] = pa.array([" ".join(v for v in r if v) or None for r in rows], pa.string())
    return pa.table(out)


def _truth_from_pairs(ids: list[str], pairs: list[tuple[str, str]]) -> dict[str, str]:
    parent = {i: i for i in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        if a in parent and b in parent:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[ra] = rb
    return {i: find(i) for i in ids}


def load(name: str, size: int = 0, noise: float = 1.0) -> dict[str, Any]:
    """A task: kind ('dedupe'|'link'), tables, truth (id -> entity) or gold pairs."""
    febrl_map = {
        "firstName": "given_name", "lastName": "surname",
        "address": ["street_number", "address_1", "address_2"], "city": "suburb",
        "postalCode": "postcode", "birthDate": "date_of_birth", "idNumber": "soc_sec_id",
    }
    if name == "febrl4":
        a = _csv(DATA / "febrl" / "dataset4a.csv")
        b = _csv(DATA / "febrl" / "dataset4b.csv")
        left, right = _props(a, febrl_map, "rec_id"), _props(b, febrl_map, "rec_id")
        gold = {(x, y) for x in left.column("unique_id").to_pylist()
                for y in [x.replace("-org", "-dup-0")]}
        return {"kind": "link", "left": left, "right": right, "gold": gold,
                "raw": (a, b)}
    if name == "febrl3":
        t = _csv(DATA / "febrl" / "dataset3.csv")
        recs = _props(t, febrl_map, "rec_id")
        truth = {i: i.split("-")[1] for i in recs.column("unique_id").to_pylist()}
        return {"kind": "dedupe", "records": recs, "truth": truth, "raw": t}
    if name == "fake_1000":
        t = _csv(DATA / "splink_fake_1000" / "fake_1000.csv")
        recs = _props(t, {"firstName": "first_name", "lastName": "surname",
                          "birthDate": "dob", "city": "city", "email": "email"}, "unique_id")
        truth = dict(zip(t.column("unique_id").to_pylist(), t.column("cluster").to_pylist(), strict=True))
        return {"kind": "dedupe", "records": recs, "truth": truth, "raw": t}
    if name == "census":
        t = _csv(DATA / "census" / "a.csv", sep=";")
        recs = _props(t, {"firstName": "first_name", "lastName": "last_name",
                          "middleName": "middle_name", "address": "street_address",
                          "postalCode": "zip_code"}, "id")
        g = _csv(DATA / "census" / "gold.csv", sep=";")
        pairs = list(zip(g.column("id1").to_pylist(), g.column("id2").to_pylist(), strict=True))
        ids = recs.column("unique_id").to_pylist()
        return {"kind": "dedupe", "records": recs, "truth": _truth_from_pairs(ids, pairs), "raw": t}
    if name == "ncvr":
        m = {"firstName": "first_name", "middleName": "middle_name", "lastName": "last_name",
             "gender": "gender_code", "address": "res_street_address", "city": "res_city_desc",
             "postalCode": "zip_code"}
        a = _csv(DATA / "ncvr_1700" / "a.csv", sep=";")
        b = _csv(DATA / "ncvr_1700" / "b.csv", sep=";")
        g = _csv(DATA / "ncvr_1700" / "gold.csv", sep=";")
        gold = set(zip(g.column("id1").to_pylist(), g.column("id2").to_pylist(), strict=True))
        return {"kind": "link", "left": _props(a, m, "ncid"), "right": _props(b, m, "ncid"),
                "gold": gold, "raw": (a, b)}
    if name.startswith("translit"):
        return _translit_task(name.removeprefix("translit_") or "arabic")
    if name.startswith("sim"):
        from crosslink.simulate import person_records
        from crosslink.simulate.noise import DEFAULT_NOISE

        t = person_records(max(1, int(size / 2.0)), seed=7, records_per_person=2.0,
                           noise=DEFAULT_NOISE.scaled(noise))
        recs = _props(t, {"firstName": "first_name", "lastName": "last_name",
                          "birthDate": "birth_date", "nationality": "nationality",
                          "phone": "phone", "email": "email",
                          "passportNumber": "passport_number", "city": "city"}, "record_id")
        truth = dict(zip(t.column("record_id").to_pylist(), t.column("true_id").to_pylist(), strict=True))
        return {"kind": "dedupe", "records": recs, "truth": truth, "raw": t}
    raise ValueError(name)


def _translit_task(script: str, n: int = 1000, seed: int = 13) -> dict[str, Any]:
    """Name-only linking across scripts: ``n`` Latin-script names on the left; on
    the right the same names in ``script`` plus ``n`` distractors (other names in
    that script). Gold: each Latin name to its own transliteration. Drawn from the
    dev slice (``*_16``) of the Wikidata pairs, one row per Latin name and per
    target spelling, so no distractor is written like a true match."""
    import random

    path = DATA / "name_transliteration" / f"wd_{script}_16.tsv"
    rows: list[tuple[str, str]] = []
    seen_l: set[str] = set()
    seen_r: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        latin, target = parts[0].strip(), parts[1].replace(" ", "").strip()
        if latin and target and latin not in seen_l and target not in seen_r:
            seen_l.add(latin)
            seen_r.add(target)
            rows.append((latin, target))
    random.Random(seed).shuffle(rows)
    true, extra = rows[:n], rows[n:2 * n]
    left = pa.table({"unique_id": [f"L{i}" for i in range(n)], "lastName": [lat for lat, _ in true]})
    right_ids = [f"R{i}" for i in range(n)] + [f"D{i}" for i in range(len(extra))]
    right = pa.table({"unique_id": right_ids, "lastName": [t for _, t in true] + [t for _, t in extra]})
    gold = {(f"L{i}", f"R{i}") for i in range(n)}
    return {"kind": "link", "left": left, "right": right, "gold": gold, "raw": None}


def run_rapidfuzz(task: dict[str, Any]) -> dict[str, Any]:
    """The plain baseline for names across scripts: both sides transliterated to
    ASCII (rigour's ``ascii_text``, what followthemoney uses), each left name's
    best right name by rapidfuzz similarity (``fuzz.ratio``), kept at or above a
    threshold; one prediction per threshold, and the caller keeps the best
    against the truth (the threshold is fitted)."""
    import numpy as np
    from rapidfuzz import fuzz, process
    from rigour.text import ascii_text

    def fold(values: list[str]) -> list[str]:
        return [ascii_text(v).lower() for v in values]

    left, right = task["left"], task["right"]
    lids, rids = left.column("unique_id").to_pylist(), right.column("unique_id").to_pylist()
    scores = process.cdist(fold(left.column("lastName").to_pylist()),
                           fold(right.column("lastName").to_pylist()), scorer=fuzz.ratio, workers=1)
    best = np.argmax(scores, axis=1)
    top = scores[np.arange(len(lids)), best]
    return {f"{t}": {(lids[i], rids[best[i]]) for i in range(len(lids)) if top[i] >= t}
            for t in range(30, 100, 5)}


# ---------------------------------------------------------------- metrics


def dedupe_metrics(pred: dict[str, str], truth: dict[str, str]) -> dict[str, float]:
    """Pairwise P/R/F1 and cluster-level F1 (exact cluster matches), in SQL."""
    con = duckdb.connect()
    ids = list(truth)
    con.register("t", pa.table({"id": ids, "p": [pred.get(i, i) for i in ids],
                                "t": [truth[i] for i in ids]}))
    row = con.sql(
        """WITH pc AS (SELECT p, count(*) n FROM t GROUP BY p),
                tc AS (SELECT t, count(*) n FROM t GROUP BY t),
                pt AS (SELECT p, t, count(*) n FROM t GROUP BY p, t)
           SELECT (SELECT sum(n*(n-1)/2) FROM pt), (SELECT sum(n*(n-1)/2) FROM pc),
                  (SELECT sum(n*(n-1)/2) FROM tc),
                  (SELECT count(*) FROM pt JOIN pc USING (p) JOIN tc USING (t)
                     WHERE pt.n = pc.n AND pt.n = tc.n),
                  (SELECT count(*) FROM pc), (SELECT count(*) FROM tc)"""
    ).fetchall()[0]
    tp, npred, ntrue, exact, npc, ntc = (float(x or 0) for x in row)
    p = tp / npred if npred else 1.0
    r = tp / ntrue if ntrue else 1.0
    cp, cr = exact / npc, exact / ntc
    return {"P": p, "R": r, "F1": 2 * p * r / (p + r) if p + r else 0.0,
            "cF1": 2 * cp * cr / (cp + cr) if cp + cr else 0.0}


def link_metrics(pred: set[tuple[str, str]], gold: set[tuple[str, str]]) -> dict[str, float]:
    tp = len(pred & gold)
    p = tp / len(pred) if pred else 1.0
    r = tp / len(gold) if gold else 1.0
    return {"P": p, "R": r, "F1": 2 * p * r / (p + r) if p + r else 0.0, "cF1": float("nan")}


def simulated_ceiling(raw: pa.Table) -> dict[str, float]:
    """The best any method can do on simulated records without guessing.

    Two records of one person are *distinguishable* when they share evidence a
    namesake would not: a phone, e-mail or passport number, or a birth year
    (with both dates present), or a name that no other person's record carries.
    Records of one person joined only by a common name and nothing else (no date
    of birth on one side, no selector) look exactly like records of namesakes,
    of whom the simulator makes many ("Mohammed Ahmed"). The ceiling clusters
    each person's records by distinguishable links (never merging two people)
    and scores that clustering. O(records x records per person) in SQL.
    """
    con = duckdb.connect()
    con.register("raw", raw)
    con.execute(
        """CREATE TABLE r AS SELECT record_id, true_id,
               lower(coalesce(first_name, '') || ' ' || coalesce(last_name, '')) AS nm,
               right(regexp_replace(phone, '[^0-9]', '', 'g'), 9) AS ph, lower(email) AS em,
               passport_number AS pp, TRY_CAST(left(birth_date, 4) AS INTEGER) AS y
           FROM raw"""
    )
    con.execute(
        """CREATE TABLE solo AS SELECT nm FROM r GROUP BY nm HAVING count(DISTINCT true_id) = 1"""
    )
    edges = con.sql(
        """SELECT a.record_id, b.record_id FROM r a JOIN r b
             ON a.true_id = b.true_id AND a.record_id < b.record_id
           WHERE a.ph = b.ph OR a.em = b.em OR a.pp = b.pp OR a.y = b.y
              OR (a.nm = b.nm AND a.nm IN (SELECT nm FROM solo))"""
    ).fetchall()
    ids = raw.column("record_id").to_pylist()
    oracle = _truth_from_pairs(ids, edges)
    truth = dict(zip(ids, raw.column("true_id").to_pylist(), strict=True))
    return dedupe_metrics(oracle, truth)


def feature_ceiling(task: dict[str, Any], floor: float = 0.001) -> dict[str, float]:
    """The best any pairwise scorer can do with the Person model's comparisons.

    Trains the model as ``dedupe`` does, scores every blocked pair, and groups
    pairs by their *pattern*: the level of each comparison and its
    term-frequency adjustment (to one bit). The oracle keeps every pattern in
    which at least half the pairs are true matches, which is the pairwise
    F1-optimal decision for anything that sees only those comparisons, and,
    fitted to the truth itself, more than any trained scorer can do. It bounds
    pairwise scoring, not clustering: combining records (transitivity, cluster
    profiles) can go beyond it. Pairs the model scores below ``floor`` are left
    out (at 100,000 records 0.001 changes the oracle's F1 by 0.0001 and cuts the
    pairs five-fold). O(candidate pairs) in SQL.
    """
    from splink import DuckDBAPI, Linker

    from crosslink.resolve import load_model, load_variant_table
    from crosslink.resolve.engine import train_linker
    from crosslink.resolve.prepare import prepare_person_features

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.register("_in", task["records"])
    con.execute("CREATE TABLE x_in AS SELECT *, 'input' AS source_dataset FROM _in")
    available = set(prepare_person_features(con, "x_in", "x_features", load_variant_table()))
    linker = train_linker(con, ["x_features"], load_model("Person"), available)
    settings = {**dict(linker.misc.save_model_to_json(out_path=None)),
                "retain_intermediate_calculation_columns": True}
    scorer = Linker(DuckDBAPI(connection=con).register("x_features"), settings)
    scored = scorer.inference.predict(threshold_match_probability=floor).physical_name
    columns = [r[0] for r in con.sql(f"DESCRIBE {scored}").fetchall()]  # noqa: S608
    parts = [f"round({c})" if c.startswith("mw_tf_adj_") else c for c in columns if c.startswith("mw_")]
    pattern = ", ".join(f"{expr} AS k{i}" for i, expr in enumerate(parts))
    keys = ", ".join(f"k{i}" for i in range(len(parts)))
    truth = task["truth"]
    con.register("_truth", pa.table({"id": list(truth), "t": list(truth.values())}))
    tp, kept = con.sql(
        f"""WITH l AS (SELECT {pattern}, CAST(a.t = b.t AS INTEGER) AS y FROM {scored} p
                       JOIN _truth a ON a.id = p.unique_id_l JOIN _truth b ON b.id = p.unique_id_r),
                 g AS (SELECT sum(y) AS tp, count(*) AS n FROM l GROUP BY {keys})
            SELECT sum(tp) FILTER (WHERE 2 * tp >= n), sum(n) FILTER (WHERE 2 * tp >= n) FROM g"""  # noqa: S608
    ).fetchall()[0]
    actual = con.sql("SELECT sum(n * (n - 1) / 2) FROM (SELECT count(*) n FROM _truth GROUP BY t)").fetchall()[0][0]
    p, r = float(tp) / float(kept), float(tp) / float(actual)
    return {"P": p, "R": r, "F1": 2 * p * r / (p + r), "cF1": float("nan")}


# ---------------------------------------------------------------- runners


def run_crosslink(task: dict[str, Any]) -> Any:
    from crosslink.resolve import dedupe_records, link_records

    if task["kind"] == "dedupe":
        out = dedupe_records(task["records"])
        return dict(zip(out.column("unique_id").to_pylist(), out.column("cluster_id").to_pylist(), strict=True))
    out = link_records(task["left"], task["right"])
    return set(zip(out.column("left_id").to_pylist(), out.column("right_id").to_pylist(), strict=True))


#: Splink's decision thresholds tried on every set; the peer is scored at the
#: one that does best against the truth (fitted, so the peer is if anything
#: stronger than an analyst with plain Splink would get).
SPLINK_THRESHOLDS = (0.5, 0.8, 0.95)


def _splink_config(name: str) -> tuple[list[Any], list[Any], list[Any], list[Any]]:
    """Comparisons, prediction rules, deterministic (prior) rules and EM rules for
    one set, as Splink's documentation configures such columns: NameComparison
    (Jaro-Winkler levels) with term-frequency adjustments for names,
    DateOfBirthComparison for dates, exact/edit-distance levels for ids, postal
    codes and selectors, blocking rules that reach the true pairs."""
    import splink.comparison_library as cl
    from splink import block_on

    name_cmp = lambda c: cl.NameComparison(c).configure(term_frequency_adjustments=True)  # noqa: E731
    dob = cl.DateOfBirthComparison("dob", input_is_string=True, invalid_dates_as_null=True)
    if name in ("febrl4", "febrl3"):
        # Splink's FEBRL examples (febrl3 dedupe / febrl4 link demos)
        comparisons = [
            name_cmp("firstName"), name_cmp("lastName"), dob,
            cl.DamerauLevenshteinAtThresholds("idNumber", [1, 2]),
            cl.ExactMatch("address").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postalCode", [1, 2]).configure(term_frequency_adjustments=True),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
        ]
        rules = [block_on("firstName", "lastName"), "l.firstName = r.lastName and l.lastName = r.firstName",
                 block_on("lastName", "dob"), block_on("firstName", "dob"), block_on("postalCode", "firstName"),
                 block_on("idNumber"), block_on("dob")]
        det = [block_on("idNumber"), block_on("firstName", "lastName", "dob")]
        em = [block_on("dob"), block_on("postalCode"), block_on("firstName", "lastName")]
    elif name in ("census", "ncvr"):
        comparisons = [name_cmp("firstName"), name_cmp("lastName"),
                       cl.NameComparison("middleName").configure(term_frequency_adjustments=True),
                       cl.JaroWinklerAtThresholds("address", [0.9, 0.7]).configure(term_frequency_adjustments=True),
                       cl.DamerauLevenshteinAtThresholds("postalCode", [1]).configure(term_frequency_adjustments=True)]
        if name == "ncvr":
            comparisons += [cl.ExactMatch("gender"), cl.ExactMatch("city").configure(term_frequency_adjustments=True)]
        rules = [block_on("firstName", "lastName"), block_on("lastName", "postalCode"),
                 block_on("firstName", "postalCode"), block_on("address"), block_on("lastName", "address")]
        det = [block_on("firstName", "lastName", "postalCode"), block_on("lastName", "address")]
        em = [block_on("lastName"), block_on("postalCode"), block_on("firstName")]
    elif name.startswith("translit"):
        comparisons = [cl.NameComparison("lastName")]
        rules = [block_on("substr(lastName, 1, 1)")]
        det = [block_on("lastName")]
        em = []
    else:  # fake_1000 and simulated: Splink's getting-started tutorial on fake_1000
        comparisons = [name_cmp("firstName"), cl.JaroAtThresholds("lastName"), dob,
                       cl.ExactMatch("city").configure(term_frequency_adjustments=True),
                       cl.EmailComparison("email")]
        if name.startswith("sim"):
            comparisons += [cl.ExactMatch("phone"), cl.ExactMatch("passportNumber"),
                            cl.ExactMatch("nationality").configure(term_frequency_adjustments=True)]
        rules = [block_on("firstName", "dob"), block_on("lastName")]
        if name.startswith("sim"):
            rules = [block_on("firstName", "lastName"), block_on("lastName", "dob"), block_on("firstName", "dob"),
                     block_on("email"), block_on("phone")]
        det = [block_on("firstName", "dob"), "l.firstName = r.firstName and levenshtein(r.lastName, l.lastName) <= 2",
               block_on("email")]
        em = [block_on("firstName", "lastName"), block_on("dob")]
    return comparisons, rules, det, em


def run_splink(task: dict[str, Any], name: str) -> dict[str, Any]:
    """Splink configured as its documentation does for this kind of data.

    Returns a prediction per decision threshold (see SPLINK_THRESHOLDS). Link
    sets list each person once per source, so links are made with Splink's own
    one-to-one clustering (``cluster_using_single_best_links``).
    """
    import logging

    from splink import DuckDBAPI, Linker, SettingsCreator

    logging.getLogger("splink").addHandler(logging.NullHandler())
    logging.getLogger("splink").propagate = False
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")  # keep the printed table readable

    def prep(t: pa.Table, ds: str) -> pa.Table:
        con.register("x", t)
        cols = set(t.column_names)
        extra = []
        if "birthDate" in cols:
            # documented DateOfBirthComparison wants ISO strings
            extra.append("""CASE WHEN regexp_matches(birthDate, '^\\d{8}$')
                THEN substr(birthDate,1,4)||'-'||substr(birthDate,5,2)||'-'||substr(birthDate,7,2)
                ELSE birthDate END AS dob""")
        out = con.sql(
            "SELECT *, " + ", ".join(extra or ["1 AS one"]) + f", '{ds}' AS source_dataset FROM x"  # noqa: S608
        ).to_arrow_table()
        con.unregister("x")
        return out

    comparisons, rules, det, em = _splink_config(name)
    if name.startswith("translit"):
        # names in other scripts: a Splink user would transliterate first, as
        # Splink's docs advise standardising names; the same rigour call crosslink uses
        from rigour.text import ascii_text

        def latin(t: pa.Table) -> pa.Table:
            names = [ascii_text(v).lower() for v in t.column("lastName").to_pylist()]
            return t.set_column(t.column_names.index("lastName"), "lastName", pa.array(names))

        task = {**task, "left": latin(task["left"]), "right": latin(task["right"])}
    db = DuckDBAPI(connection=con)
    link = task["kind"] == "link"
    if link:
        sdfs = [db.register(prep(task["left"], "left")), db.register(prep(task["right"], "right"))]
    else:
        sdfs = [db.register(prep(task["records"], "input"))]
    settings = SettingsCreator(link_type="link_only" if link else "dedupe_only", unique_id_column_name="unique_id",
                               comparisons=comparisons, blocking_rules_to_generate_predictions=rules)
    linker = Linker(sdfs if link else sdfs[0], settings, log_level=None)
    try:
        linker.training.estimate_probability_two_random_records_match(det, recall=0.7)
    except Exception:  # noqa: BLE001 - Splink raises bare errors when a rule finds nothing
        pass
    prior = linker._settings_obj._probability_two_random_records_match
    if not 0 < prior < 1:  # the deterministic rule found nothing usable
        linker._settings_obj._probability_two_random_records_match = 1e-3
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    for rule in em:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule, estimate_without_term_frequencies=True)
        except Exception:  # noqa: BLE001, S112
            continue
    preds = linker.inference.predict(threshold_match_probability=min(SPLINK_THRESHOLDS))
    out: dict[str, Any] = {}
    for cut in SPLINK_THRESHOLDS:
        if link:
            clusters = linker.clustering.cluster_using_single_best_links(
                preds, duplicate_free_datasets=["left", "right"], threshold_match_probability=cut)
            rows = con.sql(
                f"""SELECT a.unique_id, b.unique_id FROM {clusters.physical_name} a
                    JOIN {clusters.physical_name} b USING (cluster_id)
                    WHERE a.source_dataset = 'left' AND b.source_dataset = 'right'"""  # noqa: S608
            ).fetchall()
            out[f"{cut:g}"] = {(str(a), str(b)) for a, b in rows}
            continue
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(preds, threshold_match_probability=cut)
        rows = con.sql(f"SELECT unique_id, cluster_id FROM {clusters.physical_name}").fetchall()  # noqa: S608
        out[f"{cut:g}"] = {str(a): str(b) for a, b in rows}
    return out


def _child(name: str, size: int, method: str, noise: float, queue: Any) -> None:
    if method == "features":
        sys.path.insert(0, str(REPO / "src"))
        queue.put(feature_ceiling(load(name, size, noise)))
        return
    sys.path.insert(0, str(REPO / "src"))
    task = load(name, size, noise)
    start = time.perf_counter()
    runner = {"crosslink": run_crosslink, "splink": lambda t: run_splink(t, name),
              "rapidfuzz": run_rapidfuzz}[method]
    pred = runner(task)
    wall = time.perf_counter() - start
    score = (lambda p: link_metrics(p, task["gold"])) if task["kind"] == "link" else (
        lambda p: dedupe_metrics(p, task["truth"]))
    if isinstance(pred, dict) and method != "crosslink":  # one prediction per threshold
        scored = {cut: score(p) for cut, p in pred.items()}
        best = max(scored, key=lambda cut: scored[cut]["F1"])
        metrics = {**scored[best], "at": best}
    else:
        metrics = score(pred)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n = task["left"].num_rows + task["right"].num_rows if task["kind"] == "link" else task["records"].num_rows
    result = {**metrics, "wall": wall, "peak_mb": peak_mb, "n": n}
    if name.startswith("sim") and method == "crosslink":
        result["ceiling"] = simulated_ceiling(task["raw"])
    queue.put(result)


def measure(name: str, size: int, method: str, noise: float = 1.0) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(name, size, method, noise, queue))
    proc.start()
    proc.join()
    if proc.exitcode != 0:
        return {"error": f"exit {proc.exitcode}"}
    result: dict[str, Any] = queue.get()
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--sizes", nargs="*", type=int, default=[100_000])
    parser.add_argument("--noise", nargs="*", type=float, default=[1.0],
                        help="Simulated sets: noise factors (1 = the simulator's documented rates; "
                             "every rate is multiplied by the factor).")
    parser.add_argument("--skip-baseline-above", type=int, default=2_000_000,
                        help="Do not run the Splink baseline above this many records.")
    parser.add_argument("--feature-ceiling", action="store_true",
                        help="Simulated sets: also print the best pairwise scorer on the model's "
                             "comparisons, fitted to the truth (see feature_ceiling; minutes at 1M).")
    args = parser.parse_args(argv)
    tasks: list[tuple[str, int, float]] = [
        (n, 0, 1.0) for n in ("febrl4", "febrl3", "fake_1000", "census", "ncvr",
                              "translit_arabic", "translit_russian", "translit_hebrew")
    ]
    tasks += [(f"sim{s}", s, f) for f in args.noise for s in args.sizes]
    if args.only:
        tasks = [t for t in tasks if t[0] in args.only]
    head = f"{'data set':<15}{'records':>9} | {'method':<9}{'P':>7}{'R':>7}{'F1':>7}{'clusterF1':>10}{'wall s':>8}{'peak MB':>9}"
    print(head)
    print("-" * len(head))
    diffs: list[float] = []
    fmt: Callable[[float], str] = lambda v: "   n/a" if v != v else f"{v:7.4f}"  # noqa: E731
    for name, size, noise in tasks:
        if noise != 1.0:
            name = f"{name}@{noise:g}"  # noqa: PLW2901 - the label shows the noise factor
        results = {"crosslink": measure(name.split("@")[0], size, "crosslink", noise)}
        if size <= args.skip_baseline_above:
            results["splink"] = measure(name.split("@")[0], size, "splink", noise)
        if name.startswith("translit"):
            results["rapidfuzz"] = measure(name, size, "rapidfuzz", noise)
        for method, r in results.items():
            if "error" in r:
                print(f"{name:<15}{'':>9} | {method:<9} {r['error']}")
                continue
            at = f"  (threshold {r['at']}, fitted)" if "at" in r else ""
            print(f"{name:<15}{r['n']:>9} | {method:<9}{fmt(r['P'])}{fmt(r['R'])}{fmt(r['F1'])}"
                  f"{fmt(r['cF1']):>10}{r['wall']:8.1f}{r['peak_mb']:9.0f}{at}")
        if all("error" not in r for r in results.values()) and "splink" in results:
            c, s = results["crosslink"], results["splink"]
            ratio = lambda a, b: f"{a / b:7.2f}" if b else "    inf"  # noqa: E731
            print(f"{'':<15}{'':>9} | {'ratio':<9}{ratio(c['P'], s['P'])}{ratio(c['R'], s['R'])}"
                  f"{ratio(c['F1'], s['F1'])}{'':>10}{ratio(c['wall'], s['wall']):>8}"
                  f"{ratio(c['peak_mb'], s['peak_mb']):>9}")
        # names across scripts stay out of the mean: both tools score 0 there (name-only links stay below the link threshold)
        if not name.startswith(("sim", "translit")) and all("F1" in r for r in results.values()) and "splink" in results:
            diffs.append(results["crosslink"]["F1"] - results["splink"]["F1"])
        ceiling = results["crosslink"].get("ceiling")
        if ceiling:
            print(f"{'':<15}{'':>9} | {'ceiling':<9}{fmt(ceiling['P'])}{fmt(ceiling['R'])}"
                  f"{fmt(ceiling['F1'])}{fmt(ceiling['cF1']):>10}   (no guessing: see simulated_ceiling)")
        if ceiling and args.feature_ceiling:
            oracle = measure(name.split("@")[0], size, "features", noise)
            if "error" not in oracle:
                print(f"{'':<15}{'':>9} | {'features':<9}{fmt(oracle['P'])}{fmt(oracle['R'])}"
                      f"{fmt(oracle['F1'])}{'':>10}   (best pairwise scorer on these comparisons: "
                      "see feature_ceiling)")
        sys.stdout.flush()
    if diffs:
        print(f"real sets: crosslink F1 - Splink F1, mean {sum(diffs) / len(diffs):+.4f} "
              f"over {len(diffs)} sets; worst {min(diffs):+.4f}")


if __name__ == "__main__":
    main()
