"""Fixtures shared by every test module."""

from __future__ import annotations

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
