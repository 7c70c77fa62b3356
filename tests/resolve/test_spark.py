"""The Spark engine gives the DuckDB engine's answer (local Spark, loopback only)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from crosslink.resolve.workspace import resolve_workspace
from crosslink.store import Workspace

from .test_workspace import canonical, person, population, write

pytestmark = pytest.mark.spark


# The `spark` fixture (tests/conftest.py): one session for the whole run.


def test_spark_session_binds_to_loopback_only(spark: object) -> None:
    conf = spark.sparkContext.getConf()  # type: ignore[attr-defined]
    assert conf.get("spark.driver.host") == "127.0.0.1"
    assert conf.get("spark.driver.bindAddress") == "127.0.0.1"
    assert conf.get("spark.ui.enabled") == "false"
    assert os.environ["SPARK_LOCAL_IP"] == "127.0.0.1"


def test_spark_dedupe_matches_duckdb(spark: object, tmp_path: Path) -> None:
    clusters: dict[str, dict[str, str]] = {}
    for engine in ("duckdb", "spark"):
        with Workspace.create(tmp_path / f"{engine}.duckdb") as ws:
            session = ws.session("tester", "test")
            write(session, "r-pop", population(people=60))
            write(session, "r-ns", [
                *person("ns-1", "r-ns", name="Ali Hassan Omar", birthDate="1971-03-04"),
                *person("ns-2", "r-ns", name="Ali Hassan Omar", birthDate="1994-11-23"),
            ])
            result = resolve_workspace(session, engine=engine)
            assert result["mode"] == "full"
            clusters[engine] = canonical(session)
    # the same clusters under the same (stable, member-derived) canonical ids
    assert clusters["spark"] == clusters["duckdb"]
    assert clusters["spark"]["ns-1"] != clusters["spark"]["ns-2"]
