"""Forecasting: the seasonal profile, conformal intervals, online selection, refusals."""

from __future__ import annotations

import numpy as np
import pytest

from crosslink.errors import CrosslinkError
from crosslink.flows.forecast import backtest, forecast, interval_quantiles, seasonal_profile


def _seasonal_counts(n: int, season: int, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    mean = 200 + 180 * np.sin(2 * np.pi * t / season)
    return rng.poisson(np.clip(mean, 1, None)).astype(float)


def test_profile_reproduces_a_pure_seasonal_pattern() -> None:
    pattern = np.r_[np.zeros(20), np.linspace(10, 500, 32)]
    y = np.tile(pattern, 4)
    got = seasonal_profile(y, 13, 52, half=0)
    assert np.allclose(got, pattern[:13])


def test_interval_quantiles_are_the_conformal_order_statistics() -> None:
    residuals = np.arange(-50, 50, dtype=float)[:, None]  # 100 residuals, one horizon
    q = interval_quantiles(residuals)[0]
    # 80 %: ceil(101 * 0.9) / 100 = 0.91 quantile ("higher") and its mirror
    assert q[1] == np.quantile(residuals, 0.91, method="higher")
    assert q[0] == np.quantile(residuals, 0.09, method="lower")
    assert q[0] < 0 < q[1] and q[2] <= q[0] and q[3] >= q[1]


def test_stated_coverage_is_true_coverage_on_counts() -> None:
    y = _seasonal_counts(260, 26)
    origins = np.arange(60, 256)
    from crosslink.flows.forecast import candidates

    fast = {k: v for k, v in candidates("W").items() if k in ("seasonal_naive", "profile")}
    # season 26 stands in for 52 to keep the test quick: a 26-week profile on a
    # 26-week cycle, refitted at every origin
    fast["profile"] = lambda train, h: seasonal_profile(train, h, 26)
    bt = backtest(y, "W", 4, origins=origins, methods=fast, calibration=104)
    cover80 = float(np.nanmean(bt.coverage(80)))
    cover95 = float(np.nanmean(bt.coverage(95)))
    assert 0.72 <= cover80 <= 0.88
    assert 0.90 <= cover95 <= 0.99
    # and on weeks with crossings alone (here every week has some)
    assert 0.72 <= float(np.nanmean(bt.coverage(80, nonzero=True))) <= 0.88


def test_online_selection_follows_the_better_method() -> None:
    y = _seasonal_counts(120, 12)
    methods = {
        "seasonal_naive": lambda train, h: np.resize(train[-12:], h),
        "truth": lambda train, h: np.clip(200 + 180 * np.sin(2 * np.pi * (len(train) + np.arange(h)) / 12), 1, None),
        "flat": lambda train, h: np.full(h, train.mean()),
    }
    bt = backtest(y, "M", 3, origins=np.arange(30, 117), methods=methods)
    picked = [s for s in bt.selected if s]
    assert picked and picked.count("truth") / len(picked) > 0.9
    assert bt.ratio("crosslink").mean() < 0.9


def test_too_short_or_not_counts_is_refused() -> None:
    with pytest.raises(CrosslinkError, match="too short"):
        forecast(np.ones(40), "W", 4)
    with pytest.raises(CrosslinkError, match="counts"):
        forecast(np.r_[np.ones(200), -1.0], "W", 4)
