"""Small inputs resolve too: the shipped priors decide where the data is thin."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crosslink.cli import app
from crosslink.resolve.priors import M_PSEUDO_MATCHES, PriorWeight, _blend

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_obvious_duplicates_in_ten_records_merge(tmp_path: Path) -> None:
    """examples/people.csv: the same name with the same phone or date of birth is
    one person even though EM has almost nothing to learn from."""
    out = tmp_path / "clusters.csv"
    result = CliRunner().invoke(
        app, ["dedupe", str(EXAMPLES / "people.csv"), "--id", "ref", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as handle:
        cluster = {row["record_id"]: row["cluster_id"] for row in csv.DictReader(handle)}
    # Karwan AZIZ / Aziz / Azeez (one date of birth, one phone between two of them)
    assert cluster["P001"] == cluster["P002"] == cluster["P003"]
    # Dilan RASHID / Rasheed: same date of birth and phone
    assert cluster["P004"] == cluster["P005"]
    # Hawre Qadir / Kadir: same date of birth, nationality
    assert cluster["P009"] == cluster["P010"]
    assert len({cluster["P001"], cluster["P004"], cluster["P008"], cluster["P009"]}) == 4


def test_priors_fade_as_data_grows() -> None:
    prior, data = 0.8, 0.4
    small = _blend(data, prior, n=2, pseudo=M_PSEUDO_MATCHES)
    large = _blend(data, prior, n=100_000, pseudo=M_PSEUDO_MATCHES)
    assert small > 0.7 and abs(large - data) < 0.001
    assert _blend(None, prior, n=100_000, pseudo=M_PSEUDO_MATCHES) == prior
    assert PriorWeight(u_pairs=45, m_matches=1.5).undertrained
    assert not PriorWeight(u_pairs=3e5, m_matches=5_000).undertrained


@pytest.mark.parametrize("records", [10, 5_000])
def test_weight_share(records: int) -> None:
    share = PriorWeight(u_pairs=records * 4.5, m_matches=records * 0.5).m_share
    assert (share > 0.5) == (records < 20)
