"""Fixtures for the online tests: a workspace, hand-made triage results, the shipped model."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crosslink.online import Scored
from crosslink.store import Workspace

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    with Workspace.create(tmp_path / "ws.duckdb") as ws:
        yield ws


def scored(pid: str, *, platform: str = "telegram", label: str = "smuggling_advert", score: float = 0.97,
           text: str = "Boat to UK, 100% guaranteed, WhatsApp +44 7700 900123", author: str | None = "Safar_UK",
           selectors: list[dict[str, object]] | None = None, campaign: str | None = None) -> Scored:
    """A triage result as :func:`crosslink.online.triage` makes it (no model needed)."""
    post: dict[str, object] = {"id": pid, "platform": platform, "text": text, "time": "2025-06-01T10:00:00Z"}
    if author:
        post["author"] = author
    sel = selectors if selectors is not None else [{"type": "phone", "value": "+447700900123"}]
    return Scored(id=pid, label=label, score=score, indicators=["crossing_offer", "guarantee"], selectors=sel,
                  lang="en", script="Latn", campaign=campaign, post=post)


@pytest.fixture(scope="session")
def model():  # type: ignore[no-untyped-def]
    """The shipped model, trained once per test run (into the temporary cache the root
    conftest sets, never the user's own cache directory)."""
    from crosslink.online.model import load_model

    return load_model()
