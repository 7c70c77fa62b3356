"""The Spark engine: the same Splink model, trained and scored on Apache Spark.

``crosslink resolve --engine spark`` runs the training (prior, u by random
sampling, m by EM) and the prediction of :mod:`crosslink.resolve.engine` on a
Spark session through Splink's Spark backend, for workspaces beyond one machine's
DuckDB. Feature preparation, clustering, name-only matching and the canonical
table stay in DuckDB: they are linear and cheap next to pairwise scoring.

The local session is bound to loopback only: ``spark.driver.host`` and
``spark.driver.bindAddress`` are 127.0.0.1, ``SPARK_LOCAL_IP`` is set, and the
web UI is off, so nothing listens beyond this machine. Splink's string
similarity functions (Jaro-Winkler, Damerau-Levenshtein) come from its UDF jar
(``splink.backends.spark.similarity_jar_location()``).

pyspark is an optional dependency (``pip install crosslink[spark]``) and needs
Java 17+; :func:`spark_available` says whether both are present.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa
from splink import Linker

from crosslink.errors import CrosslinkError
from crosslink.resolve.engine import conditional_u, train
from crosslink.resolve.model import ResolutionModel

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = ["spark_available", "spark_session", "train_and_predict"]

logger = logging.getLogger(__name__)

_LOOPBACK = "127.0.0.1"


def spark_available() -> str | None:
    """None when pyspark and Java are present, else the reason Spark cannot run."""
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install 'crosslink[spark]')"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "Java is not installed (Spark needs Java 17 or later)"
    return None


def spark_session(*, cores: int = 2, memory: str = "1g") -> SparkSession:
    """A local Spark session bound to loopback, with Splink's similarity UDFs."""
    reason = spark_available()
    if reason:
        raise CrosslinkError(f"cannot use the Spark engine: {reason}")
    os.environ["SPARK_LOCAL_IP"] = _LOOPBACK
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    return (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("crosslink-resolve")
        .config("spark.driver.host", _LOOPBACK)
        .config("spark.driver.bindAddress", _LOOPBACK)
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", memory)
        .config("spark.sql.shuffle.partitions", str(cores))
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.jars", similarity_jar_location())
        .getOrCreate()
    )


def train_and_predict(
    features: pa.Table,
    model: ResolutionModel,
    available: set[str],
    *,
    threshold: float | None = None,
    progress: Callable[[str], None] | None = None,
    spark: SparkSession | None = None,
    seed: int = 42,
) -> tuple[dict[str, Any], pa.Table]:
    """Train ``model`` on ``features`` and predict pairs, on Spark.

    ``features`` is the prepared feature table (:mod:`crosslink.resolve.prepare`).
    Returns the trained settings (Splink JSON, as saved in the workspace) and the
    predictions at or above ``threshold`` (default: the model's predict threshold)
    with each comparison's level (``gamma_*``) and weight (``mw_*``) retained.
    The same steps as :func:`crosslink.resolve.engine.train_linker`; cost is the
    same O(n + candidate pairs), spread over Spark's executors.
    """
    from splink.backends.spark import SparkAPI

    step = progress or (lambda _message: None)
    step("starting Spark (local, loopback only)")
    session = spark or spark_session()
    db_api = SparkAPI(spark_session=session, break_lineage_method="persist")
    frame = session.createDataFrame(features)
    linker = Linker(db_api.register(frame), model.settings(available, "dedupe_only"),
                    log_level=None)
    local = duckdb.connect()  # the conditional u sample is small: read the Arrow table in place
    local.register("xl_features", features)
    given_u = conditional_u(local, "xl_features", model, available)
    local.close()
    train(linker, model, available, records=features.num_rows, seed=seed, given_u=given_u,
          progress=lambda message: step(f"{message} (Spark)"))
    trained = dict(linker.misc.save_model_to_json(out_path=None))
    step("scoring candidate pairs (Spark)")
    scorer = Linker(
        db_api.register(frame),
        {**trained, "retain_intermediate_calculation_columns": True,
         "retain_matching_columns": True},
        log_level=None,
    )
    cut = model.predict_threshold if threshold is None else threshold
    predicted = scorer.inference.predict(threshold_match_probability=cut, warning_mode="never")
    table = predicted.as_spark_dataframe().toArrow()
    return as_duckdb_settings(trained, model, available), table


def as_duckdb_settings(
    trained: dict[str, Any], model: ResolutionModel, available: set[str]
) -> dict[str, Any]:
    """The Spark-trained parameters in DuckDB-dialect settings.

    Saved settings carry SQL in the dialect they were trained in (Spark quotes
    with backticks), and the workspace reuses them in DuckDB for incremental runs,
    review and explain. So the model's own DuckDB settings are built and the
    trained prior and m/u probabilities copied in, level by level (same model,
    same comparisons, same order).
    """
    import duckdb
    from splink import DuckDBAPI

    con = duckdb.connect()
    try:
        columns = ", ".join(f"NULL::VARCHAR AS {c}" for c in ("unique_id", *sorted(available)))
        con.execute(f"CREATE TABLE empty_features AS SELECT {columns} WHERE FALSE")  # noqa: S608
        blank = Linker(
            DuckDBAPI(connection=con).register("empty_features"),
            model.settings(available, "dedupe_only"), log_level=None,
        )
        settings = dict(blank.misc.save_model_to_json(out_path=None))
    finally:
        con.close()
    settings["probability_two_random_records_match"] = trained[
        "probability_two_random_records_match"
    ]
    for ours, theirs in zip(settings["comparisons"], trained["comparisons"], strict=True):
        for level, learned in zip(
            ours["comparison_levels"], theirs["comparison_levels"], strict=True
        ):
            for key in ("m_probability", "u_probability"):
                if key in learned:
                    level[key] = learned[key]
    return settings
