"""Scoring for workspace resolution: the saved model and pair scoring.

A full run trains the model and scores all blocked pairs; an incremental run
scores new records against everything with the saved model (see
:mod:`crosslink.resolve.workspace` for when each applies). The trained model is
kept in the workspace's ``meta`` table with a signature of the model file and the
evidence it was trained on, so a changed model forces a full run.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
from splink import DuckDBAPI, Linker, block_on

from crosslink.resolve.engine import train_linker_weighed
from crosslink.resolve.model import ResolutionModel
from crosslink.resolve.priors import PriorWeight
from crosslink.store.sql import scalar

SCHEMA = "Person"

#: Records with none of these are "name-only" (see module docstring).
SUBSTANTIVE = ("dob_y", "phone", "email", "passport_number", "id_number")

#: A name-only record attaches to a cluster when the name comparison alone gives
#: at least this match weight (bits, term-frequency adjusted; 5 = a Bayes factor
#: of 32: an exact, swapped or transliteration-equal name that is not among the
#: commonest) and every record it agrees with that strongly is in that one
#: cluster. The uniqueness rule is the guard against namesakes; the weight keeps
#: loose agreements (same family name only) out.
NAME_ONLY_MIN_WEIGHT = 5.0

def meta_key(name: str, schema: str = SCHEMA) -> str:
    return f"resolve:{schema}:{name}"



# -- the saved model -------------------------------------------------------------


@dataclass(frozen=True)
class SavedModel:
    settings: dict[str, Any]
    signature: str
    watermark: datetime | None


def model_signature(model: ResolutionModel, available: set[str]) -> str:
    text = json.dumps([model.spec, sorted(available)], sort_keys=True, default=str)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def saved_model(con: duckdb.DuckDBPyConnection, schema: str = SCHEMA) -> SavedModel | None:
    """The model the last resolution of ``schema`` trained, or None before the first run."""
    keys = {name: meta_key(name, schema) for name in ("model", "signature", "watermark")}
    rows = dict(con.execute(
        "SELECT key, value FROM meta WHERE key IN (?, ?, ?)",
        [keys["model"], keys["signature"], keys["watermark"]],
    ).fetchall())
    if keys["model"] not in rows:
        return None
    mark = rows.get(keys["watermark"])
    return SavedModel(
        settings=json.loads(rows[keys["model"]]),
        signature=str(rows.get(keys["signature"], "")),
        watermark=datetime.fromisoformat(mark) if mark else None,
    )


def save_meta(
    con: duckdb.DuckDBPyConnection, values: dict[str, str], schema: str = SCHEMA
) -> None:
    for key, value in values.items():
        con.execute(
            "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [meta_key(key, schema), value],
        )


def training_meta(weight: PriorWeight | None) -> str:
    """What the saved model learnt from, as JSON for ``meta`` (None: not measured,
    e.g. trained on Spark)."""
    if weight is None:
        return json.dumps(None)
    return json.dumps({
        "matching_pairs": round(weight.m_matches, 1),
        "undertrained": weight.undertrained,
        "prior_share": round(weight.m_share, 3),
    })


def training_note(con: duckdb.DuckDBPyConnection, schema: str = SCHEMA) -> str | None:
    """One line for the reviewer when the saved model learnt from too few matches
    for its weights to be the data's own (``PriorWeight.undertrained``), else None."""
    row = con.execute("SELECT value FROM meta WHERE key = ?", [meta_key("training", schema)]).fetchone()
    info = json.loads(row[0]) if row and row[0] else None
    if not isinstance(info, dict) or not info.get("undertrained"):
        return None
    pairs = float(info.get("matching_pairs", 0.0))
    return (f"the model learnt from about {pairs:.0f} matching pair{'' if round(pairs) == 1 else 's'}; "
            "its weights lean on the shipped priors")


def explaining_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """Settings that keep each comparison's level and weight in predictions."""
    return {
        **settings,
        "retain_intermediate_calculation_columns": True,
        "retain_matching_columns": True,
    }


def comparison_names(settings: dict[str, Any]) -> list[str]:
    return [str(c["output_column_name"]) for c in settings["comparisons"]]


# -- scoring ---------------------------------------------------------------------


def pairs_sql(source: str, settings: dict[str, Any]) -> str:
    """Normalise Splink predictions to the ``resolution_pairs`` columns (a < b)."""
    names = comparison_names(settings)
    gammas = ", ".join(f'CAST("gamma_{c}" AS TINYINT)' for c in names)
    weights = ", ".join(f'CAST("mw_{c}" AS FLOAT)' for c in names)
    # tf adjustments, where the comparison has them, add to its weight
    with_tf = {
        str(c["output_column_name"]) for c in settings["comparisons"]
        if any(level.get("tf_adjustment_column") for level in c["comparison_levels"])
    }
    weights = ", ".join(
        f'CAST("mw_{c}" + coalesce("mw_tf_adj_{c}", 0) AS FLOAT)' if c in with_tf
        else f'CAST("mw_{c}" AS FLOAT)'
        for c in names
    )
    return f"""
        SELECT least(CAST(unique_id_l AS VARCHAR), CAST(unique_id_r AS VARCHAR)) AS a,
               greatest(CAST(unique_id_l AS VARCHAR), CAST(unique_id_r AS VARCHAR)) AS b,
               match_weight, match_probability,
               [{gammas}] AS gammas, [{weights}] AS weights
        FROM {source}
    """  # noqa: S608 - identifiers from the saved model


def tf_columns(settings: dict[str, Any]) -> list[str]:
    cols = {
        str(level["tf_adjustment_column"])
        for c in settings["comparisons"] for level in c["comparison_levels"]
        if level.get("tf_adjustment_column")
    }
    return sorted(cols)


def score_full(
    mem: duckdb.DuckDBPyConnection,
    model: ResolutionModel,
    available: set[str],
    step: Callable[[str], None],
) -> tuple[dict[str, Any], int, PriorWeight]:
    """Train on all records and score every blocked pair into ``xl_pairs``;
    returns the trained settings, the pairs scored and the data's weight."""
    linker, weight = train_linker_weighed(mem, ["xl_features"], model, available, progress=step)
    settings = dict(linker.misc.save_model_to_json(out_path=None))
    step("scoring candidate pairs")
    scorer = Linker(DuckDBAPI(connection=mem).register("xl_features"), explaining_settings(settings))
    predicted = scorer.inference.predict(
        threshold_match_probability=model.predict_threshold, warning_mode="never"
    )
    mem.execute(f"CREATE OR REPLACE TEMP TABLE xl_pairs AS {pairs_sql(predicted.physical_name, settings)}")  # noqa: S608
    return settings, int(scalar(mem.execute("SELECT count(*) FROM xl_pairs"))), weight


def score_full_spark(
    mem: duckdb.DuckDBPyConnection,
    model: ResolutionModel,
    available: set[str],
    step: Callable[[str], None],
) -> tuple[dict[str, Any], int]:
    """As :func:`score_full`, with training and scoring on Spark."""
    from crosslink.resolve.spark import train_and_predict  # optional dependency

    features = mem.sql("SELECT * FROM xl_features ORDER BY unique_id").to_arrow_table()
    settings, predicted = train_and_predict(features, model, available, progress=step)
    mem.register("_xl_spark_pairs", predicted)
    try:
        mem.execute(
            f"CREATE OR REPLACE TEMP TABLE xl_pairs AS {pairs_sql('_xl_spark_pairs', settings)}"  # noqa: S608
        )
    finally:
        mem.unregister("_xl_spark_pairs")
    return settings, int(scalar(mem.execute("SELECT count(*) FROM xl_pairs")))


def score_new(
    mem: duckdb.DuckDBPyConnection,
    model: ResolutionModel,
    settings: dict[str, Any],
    step: Callable[[str], None],
) -> int:
    """Score new x all records with the saved model into ``xl_pairs``.

    ``xl_new`` and ``xl_old`` split ``xl_features``. Old x old pairs are never
    formed: ``predict_between`` joins new against old only, ``predict_within``
    blocks among the new records.
    """
    db_api = DuckDBAPI(connection=mem)
    scorer = Linker(db_api.register("xl_features"), explaining_settings(settings))
    for column in tf_columns(settings):
        scorer.table_management.compute_tf_table(column)
    new, old = db_api.register("xl_new"), db_api.register("xl_old")
    step("scoring new records against existing ones")
    parts = []
    if int(scalar(mem.execute("SELECT count(*) FROM xl_old"))):
        between = scorer.inference.predict_between(
            new, old, threshold_match_probability=model.predict_threshold, warning_mode="never"
        )
        parts.append(pairs_sql(between.physical_name, settings))
    if int(scalar(mem.execute("SELECT count(*) FROM xl_new"))) > 1:
        within = scorer.inference.predict_within(
            new, threshold_match_probability=model.predict_threshold, warning_mode="never"
        )
        parts.append(pairs_sql(within.physical_name, settings))
    query = " UNION ALL ".join(parts) or empty_pairs_sql()
    mem.execute(f"CREATE OR REPLACE TEMP TABLE xl_pairs AS {query}")  # noqa: S608
    return int(scalar(mem.execute("SELECT count(*) FROM xl_pairs")))


def empty_pairs_sql() -> str:
    return (
        "SELECT NULL::VARCHAR AS a, NULL::VARCHAR AS b, NULL::DOUBLE AS match_weight, "
        "NULL::DOUBLE AS match_probability, NULL::TINYINT[] AS gammas, "
        "NULL::FLOAT[] AS weights WHERE FALSE"
    )


def thin_sql(alias: str = "f") -> str:
    """SQL that is true for a name-only record (no date of birth, no selector)."""
    return "NOT (" + " OR ".join(f"{alias}.{c} IS NOT NULL" for c in SUBSTANTIVE) + ")"


def split_thin(mem: duckdb.DuckDBPyConnection, table: str) -> None:
    """``{table}_thin`` / ``{table}_rich``: its name-only records and the others."""
    mem.execute(
        f"CREATE OR REPLACE TEMP TABLE {table}_thin AS SELECT * FROM {table} f WHERE {thin_sql()}"  # noqa: S608
    )
    mem.execute(
        f"CREATE OR REPLACE TEMP TABLE {table}_rich AS "  # noqa: S608
        f"SELECT * FROM {table} f WHERE NOT {thin_sql()}"
    )


def name_index(settings: dict[str, Any]) -> int:
    """1-based position of the name comparison in the saved model's comparisons."""
    names = comparison_names(settings)
    return names.index("name") + 1 if "name" in names else 1


def score_name_only(
    mem: duckdb.DuckDBPyConnection,
    settings: dict[str, Any],
    sides: list[tuple[str, str]],
) -> int:
    """Score name-only records against the others on name alone; add to ``xl_pairs``.

    The model's probabilities for these pairs stay low (a name is weak evidence
    against the prior), so the main pass never keeps them. Each ``(left, right)``
    table pair is blocked on ``name_key`` only and kept when the name comparison
    weighs at least :data:`NAME_ONLY_MIN_WEIGHT`. O(name-only records x records
    sharing their name key).
    """
    db_api = DuckDBAPI(connection=mem)
    scorer = Linker(db_api.register("xl_features"), explaining_settings(settings))
    for column in tf_columns(settings):
        scorer.table_management.compute_tf_table(column)
    prior = float(settings["probability_two_random_records_match"])
    prior_weight = math.log2(prior / (1 - prior))
    position = name_index(settings)
    parts = []
    for left, right in sides:
        if not int(scalar(mem.execute(f"SELECT count(*) FROM {left}"))) or not int(  # noqa: S608
            scalar(mem.execute(f"SELECT count(*) FROM {right}"))  # noqa: S608
        ):
            continue
        found = scorer.inference.predict_between(
            db_api.register(left), db_api.register(right),
            blocking_rules_to_generate_predictions=[block_on("name_key")],
            # other comparisons are mostly NULL for these pairs: a loose pre-filter
            threshold_match_weight=prior_weight + NAME_ONLY_MIN_WEIGHT - 4,
            warning_mode="never",
        )
        inner = pairs_sql(found.physical_name, settings)
        # identifiers and numbers of ours only
        keep = f"WHERE a <> b AND weights[{position}] >= {NAME_ONLY_MIN_WEIGHT}"
        parts.append(f"SELECT * FROM ({inner}) {keep}")  # noqa: S608
    if not parts:
        return 0
    mem.execute(
        f"""CREATE OR REPLACE TEMP TABLE xl_pairs AS
            SELECT * FROM (SELECT * FROM xl_pairs UNION ALL {" UNION ALL ".join(parts)})
            QUALIFY row_number() OVER (PARTITION BY a, b ORDER BY match_probability DESC) = 1"""  # noqa: S608
    )
    return int(scalar(mem.execute("SELECT count(*) FROM xl_pairs")))


