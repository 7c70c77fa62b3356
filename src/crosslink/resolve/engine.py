"""Train a Splink model on prepared features and score candidate pairs.

The engine is Splink's Fellegi-Sunter implementation: u probabilities from
random sampling, m probabilities from EM over the model's training rules, the
prior from deterministic rules. Scores are explainable: each comparison's level
and Bayes factor can be recovered for any pair (see :mod:`crosslink.resolve.explain`).

Cost: blocking is a hash join per rule, so predict is O(n + candidate pairs);
training samples at most ``max_u_pairs`` pairs for u and caps EM pairs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb
from splink import DuckDBAPI, Linker
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.splink_dataframe import SplinkDataFrame

from crosslink.resolve.model import LinkType, ResolutionModel
from crosslink.resolve.priors import TF_MIN_RECORDS, PriorWeight, apply_priors, starting_values

__all__ = [
    "Progress",
    "ScoredModel",
    "conditional_u",
    "score_pairs",
    "train",
    "train_linker",
    "train_linker_weighed",
]

#: Called with a short description of the step that is starting.
Progress = Callable[[str], None]

logger = logging.getLogger(__name__)

# EM needs enough pairs to learn m well, not every pair.
_EM_MAX_PAIRS = 2e6


def _quiet_splink() -> None:
    """Keep Splink's training chatter out of the analyst's terminal.

    Splink logs warnings (untrained levels, sampling notes) with no handler, so
    Python prints them raw to stderr; our own progress display replaces them.
    """
    splink_logger = logging.getLogger("splink")
    if not any(isinstance(h, logging.NullHandler) for h in splink_logger.handlers):
        splink_logger.addHandler(logging.NullHandler())
    splink_logger.propagate = False


@dataclass
class ScoredModel:
    """A trained linker and the table of scored pairs it predicted."""

    linker: Linker
    pairs_table: str
    available: set[str]
    #: the same pairs as Splink's frame, for Splink's clustering functions
    predictions: SplinkDataFrame | None = None


def train_linker(
    con: duckdb.DuckDBPyConnection,
    feature_tables: list[str],
    model: ResolutionModel,
    available: set[str],
    *,
    link_type: LinkType = "dedupe_only",
    progress: Progress | None = None,
    seed: int = 42,
) -> Linker:
    """Build and train a linker over ``feature_tables`` (one for dedupe, two for link)."""
    return train_linker_weighed(
        con, feature_tables, model, available, link_type=link_type, progress=progress, seed=seed
    )[0]


def train_linker_weighed(
    con: duckdb.DuckDBPyConnection,
    feature_tables: list[str],
    model: ResolutionModel,
    available: set[str],
    *,
    link_type: LinkType = "dedupe_only",
    progress: Progress | None = None,
    seed: int = 42,
) -> tuple[Linker, PriorWeight]:
    """As :func:`train_linker`, with how much data the estimates rest on (saved
    with the model so ``crosslink review`` can say when the priors decide)."""
    step = progress or (lambda _msg: None)
    _quiet_splink()
    db_api = DuckDBAPI(connection=con)
    sdfs = [db_api.register(t) for t in feature_tables]
    sizes = [int(con.sql(f"SELECT count(*) FROM {t}").fetchall()[0][0]) for t in feature_tables]  # noqa: S608
    n = sum(sizes)
    settings = model.settings(available, link_type, term_frequencies=n >= TF_MIN_RECORDS)
    linker = Linker(sdfs if len(sdfs) > 1 else sdfs[0], settings, log_level=None)
    given_u = conditional_u(con, feature_tables[0], model, available)
    weight = train(linker, model, available, records=n, seed=seed, progress=step, given_u=given_u,
                   link_sizes=(sizes[0], sizes[1]) if len(sizes) == 2 else None)
    return linker, weight


#: Records sampled, and at most this many per key, for a conditional u.
_COND_U_SAMPLE = 20_000
_COND_U_PER_KEY = 50
_COND_U_MIN_PAIRS = 100


def conditional_u(
    con: duckdb.DuckDBPyConnection, table: str, model: ResolutionModel, available: set[str]
) -> dict[str, float]:
    """u of the agreeing level of each comparison with ``u_given: KEY``, among
    records that share ``KEY`` (see the nationality comparison in person.yaml).

    Random-pair u is right for evidence independent of the blocking keys; for
    evidence that follows the name (nationality), the pairs the model scores
    agree far more often than random pairs do. Pairs sharing a key are almost all
    non-matches, so their agreement rate estimates u. O(sample x per-key cap).
    """
    out: dict[str, float] = {}
    for comparison in model.usable_comparisons(available):
        key = comparison.get("u_given")
        column = next((lvl["exact"] for lvl in comparison["levels"] if "exact" in lvl), None)
        if not key or key not in available or column is None:
            continue
        # identifiers from the model file, checked against the feature columns
        row = con.sql(
            f"""WITH s AS (
                    SELECT "{key}" AS k, "{column}" AS v, unique_id FROM {table}
                    WHERE "{key}" IS NOT NULL AND "{column}" IS NOT NULL
                    USING SAMPLE reservoir({_COND_U_SAMPLE} ROWS) REPEATABLE (42)
                ), capped AS (
                    SELECT k, v, row_number() OVER (PARTITION BY k ORDER BY hash(unique_id)) AS i FROM s
                    QUALIFY i <= {_COND_U_PER_KEY}
                )
                SELECT avg(CAST(a.v = b.v AS DOUBLE)), count(*)
                FROM capped a JOIN capped b ON a.k = b.k AND a.i < b.i"""  # noqa: S608
        ).fetchall()[0]
        agree, pairs = row
        if pairs >= _COND_U_MIN_PAIRS and agree is not None:
            # never 0 or 1: the other level would get an infinite weight
            out[str(comparison["name"])] = min(max(float(agree), 0.001), 0.99)
    return out


def _apply_conditional_u(linker: Linker, values: dict[str, float]) -> None:
    """Set the agreeing (first non-null) level's u to the conditional estimate and
    spread the rest over the other levels in their random-pair proportions."""
    for comparison in linker._settings_obj.comparisons:  # Splink has no public setter
        u = values.get(comparison.output_column_name)
        if u is None:
            continue
        levels = [lvl for lvl in comparison.comparison_levels if not lvl.is_null_level]
        rest = [lvl for lvl in levels[1:] if isinstance(lvl.u_probability, float)]
        total = sum(float(lvl.u_probability or 0.0) for lvl in rest)
        levels[0].u_probability = u
        for lvl in rest:
            share = float(lvl.u_probability or 0.0) / total if total else 1.0 / len(rest)
            lvl.u_probability = (1.0 - u) * share


def train(
    linker: Linker,
    model: ResolutionModel,
    available: set[str],
    *,
    records: int,
    seed: int = 42,
    progress: Progress | None = None,
    given_u: dict[str, float] | None = None,
    link_sizes: tuple[int, int] | None = None,
) -> PriorWeight:
    """Estimate the prior, u (random pairs, or ``given_u`` from
    :func:`conditional_u`) and m (EM) on any Splink backend, then weigh in the
    model file's priors as far as the data is thin (returns how far).

    The same sequence for DuckDB and Spark, so both engines train one model.
    """
    step = progress or (lambda _msg: None)
    step("estimating the prior match probability")
    rules: list[str | BlockingRuleCreator] = list(model.deterministic(available))
    if rules:
        try:
            linker.training.estimate_probability_two_random_records_match(
                rules, recall=model.deterministic_recall
            )
        except Exception as exc:  # noqa: BLE001 - Splink raises bare errors on empty matches
            logger.info("prior estimation skipped: %s", exc)
    prior = float(linker._settings_obj._probability_two_random_records_match)
    if not 0 < prior < 1:
        # The deterministic rules found no (or only) matches: assume each record
        # has about one match among all others. Splink offers no public setter.
        prior = min(0.5, 1.0 / max(records, 2))
        linker._settings_obj._probability_two_random_records_match = prior
    start = starting_values(linker)
    step("estimating u probabilities (random pairs)")
    # One chunk: Splink's early-stopping probe re-runs the sample per comparison
    # until rare levels (an exact passport match) are seen 100 times, which they
    # never are among random pairs; that multiplied u time by five on FEBRL4.
    linker.training.estimate_u_using_random_sampling(
        max_pairs=model.max_u_pairs, seed=seed, num_chunks=1, min_count_per_level=None
    )
    for columns, rule in zip(model.em_rule_columns(available), model.em_rules(available), strict=True):
        if not model.trainable_by(columns, available):
            logger.info("EM session on %s skipped: it would train no comparison", columns)
            continue
        step(f"estimating m probabilities (EM, {rule.get_blocking_rule('duckdb').blocking_rule_sql})")
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True, max_pairs=_EM_MAX_PAIRS
            )
        except Exception as exc:  # noqa: BLE001 - e.g. a rule that blocks every comparison
            logger.info("EM session skipped: %s", exc)
        # Splink 5 copies the session's settings back whole, so the global prior
        # becomes the session's blocking-adjusted one (0.99 in a session blocked on
        # dates of birth, where a rare date makes almost every pair a match):
        # the prior stays the one estimated above, as Splink documents.
        linker._settings_obj._probability_two_random_records_match = prior
    # the shipped priors weigh in as far as the data is thin (crosslink.resolve.priors)
    weight = apply_priors(linker, model, available, records=records,
                          max_u_pairs=model.max_u_pairs, link_records=link_sizes, start=start)
    if weight.undertrained:
        logger.info("model undertrained: about %.0f matching pairs to learn from", weight.m_matches)
    if given_u:
        # last: every training session re-derives u from its random-pair sample
        _apply_conditional_u(linker, given_u)
    return weight


def score_pairs(
    con: duckdb.DuckDBPyConnection,
    feature_tables: list[str],
    model: ResolutionModel,
    available: set[str],
    *,
    link_type: LinkType = "dedupe_only",
    threshold: float | None = None,
    progress: Progress | None = None,
) -> ScoredModel:
    """Train, then predict pairs at or above ``threshold`` into a DuckDB table.

    The pairs table has ``unique_id_l, unique_id_r, match_weight,
    match_probability`` (and ``source_dataset_l/_r`` when linking).
    """
    step = progress or (lambda _msg: None)
    linker = train_linker(
        con, feature_tables, model, available, link_type=link_type, progress=progress
    )
    step("scoring candidate pairs")
    cut = model.predict_threshold if threshold is None else threshold
    predictions = linker.inference.predict(threshold_match_probability=cut)
    return ScoredModel(
        linker=linker, pairs_table=predictions.physical_name, available=available,
        predictions=predictions,
    )


def model_parameters(linker: Linker) -> dict[str, Any]:
    """The trained model as Splink's settings dict (m/u per level), for saving."""
    return dict(linker.misc.save_model_to_json(out_path=None))
