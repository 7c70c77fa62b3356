"""Fixtures for the flows tests: a workspace and the shared migration series."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crosslink.store import Workspace


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    with Workspace.create(tmp_path / "ws.duckdb") as ws:
        yield ws


@pytest.fixture(scope="session")
def flows_data(shared_data: Path) -> Path:
    path = shared_data / "migration_timeseries"
    if not path.is_dir():
        pytest.skip("migration_timeseries not in the shared data")
    return path
