"""The dashboard panel: forecast, alerts and chart through a session, need-to-know kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from crosslink.flows import NotFound, ingest_file
from crosslink.flows.dashboard import panel
from crosslink.store import Workspace
from crosslink.store.session import Clearance

from .test_cli import _monthly_file


def test_panel_carries_provenance_and_hides_what_a_user_may_not_see(workspace: Workspace, tmp_path: Path) -> None:
    admin = workspace.session("admin", "setup")
    ingest_file(admin, _monthly_file(tmp_path / "m.csv"), compartment="op-heron")
    cleared = workspace.session("analyst", "monitoring", clearance=Clearance(compartments=frozenset({"op-heron"})))
    got = panel(cleared, "uk-small-boats/migrants/M", horizon=3, periods=6)
    assert [r["date"] for r in got["forecast"]] == ["2025-01-01", "2025-02-01", "2025-03-01"]
    assert got["provenance"]["grading"] == "1B" and got["provenance"]["report_id"]
    assert got["chart_svg"].startswith("<svg") and isinstance(got["alerts"], list)
    outsider = workspace.session("other", "monitoring", clearance=Clearance(compartments=frozenset({"x"})))
    with pytest.raises(NotFound):
        panel(outsider, "uk-small-boats/migrants/M")
