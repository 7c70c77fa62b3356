"""Fixtures shared by every test module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The project's shared third-party test data, read in place (never copied).

    A user's clone has no ../shared: tests that need it skip with a reason there.
    CI always has it, so there they run.
    """
    if not SHARED_DATA.is_dir():
        pytest.skip("shared test data not found at ../shared/data (relative to the repo)")
    return SHARED_DATA


@pytest.fixture(scope="session", autouse=True)
def _model_cache(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Models trained during the tests (the online triage model) are cached in a
    temporary directory, never in the user's ~/.cache."""
    import os

    old = os.environ.get("CROSSLINK_CACHE")
    os.environ["CROSSLINK_CACHE"] = str(tmp_path_factory.mktemp("model-cache"))
    yield
    if old is None:
        os.environ.pop("CROSSLINK_CACHE", None)
    else:
        os.environ["CROSSLINK_CACHE"] = old


@pytest.fixture(scope="session")
def spark_or_none() -> Iterator[object | None]:
    """One local Spark session (loopback only) for the whole run, started on first
    use; None where pyspark or Java is missing."""
    from crosslink.resolve.spark import spark_available, spark_session

    if spark_available():
        yield None
        return
    session = spark_session()
    yield session
    session.stop()  # type: ignore[attr-defined]


@pytest.fixture
def spark(spark_or_none: object | None) -> object:
    """The run's Spark session; skips with the reason where Spark cannot run."""
    if spark_or_none is None:
        from crosslink.resolve.spark import spark_available

        pytest.skip(spark_available() or "Spark unavailable")
    return spark_or_none
