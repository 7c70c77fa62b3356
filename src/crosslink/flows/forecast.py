"""Forecasts of flow series with intervals whose stated coverage is their true coverage.

How a forecast is made (:func:`forecast`):

1. **Candidates.** Standard models from ``statsforecast`` (seasonal naive, MSTL,
   AutoETS, AutoTheta; for daily series, where two days in three have no crossing,
   the intermittent-demand models CrostonOptimized, ADIDA and TSB), most of them fitted
   on the square-root scale, which steadies the variance of counts, and a
   *seasonal profile* model (below). Plus the median of the three best (an ensemble).
2. **Rolling-origin backtest.** Every candidate is refitted at each of the last
   ``origins`` time points and forecasts ``horizon`` steps; the one with the lowest
   mean MASE (mean absolute error scaled by the in-sample seasonal-naive error,
   Hyndman and Koehler 2006) is chosen.
3. **Conformal intervals.** The chosen method's backtest errors on the square-root
   scale, per horizon, give the 10/90 and 2.5/97.5 % quantiles (split conformal
   prediction); they are added to the final forecast on that scale and squared back.
   Intervals are so as wide as the method's real errors were, widening with the
   horizon and with the level (a summer week is more uncertain than a winter one).

The seasonal profile model is written here because no library offers it: a weekly
series with a 52-week season and few years is too short for a seasonal ARIMA or ETS
(statsforecast's ETS stops at season 24), and seasonal naive copies one noisy
week of last year. The profile averages the shape of the last two years, smooths it
over neighbouring weeks, and scales it by the last year's mean, adjusted by how the
last eight weeks ran against the profile. It is one candidate among the others and
wins only when the backtest says so.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "SEASON",
    "Backtest",
    "Forecast",
    "backtest",
    "candidates",
    "forecast",
    "interval_quantiles",
    "rolling_forecasts",
]

#: Season length per frequency (days: the week; weeks: the publisher's 52-week year).
SEASON = {"D": 7, "W": 52, "M": 12}
LEVELS = (80, 95)

Method = Callable[[np.ndarray, int], np.ndarray]


def _sqrt(model: Callable[[], object]) -> Method:
    """Fit a statsforecast model on sqrt(y); forecast squared back (a median forecast)."""
    def run(y: np.ndarray, h: int) -> np.ndarray:
        out = model().forecast(y=np.sqrt(y), h=h)  # type: ignore[attr-defined]
        return np.square(np.clip(np.asarray(out["mean"], dtype=float), 0.0, None))
    return run


def _raw(model: Callable[[], object]) -> Method:
    def run(y: np.ndarray, h: int) -> np.ndarray:
        out = model().forecast(y=y, h=h)  # type: ignore[attr-defined]
        return np.clip(np.asarray(out["mean"], dtype=float), 0.0, None)
    return run


def seasonal_profile(y: np.ndarray, h: int, season: int, *, years: int = 2, half: int = 3,
                     recent: int = 8, shrink: float = 0.5) -> np.ndarray:
    """The seasonal profile forecast (see the module docstring). O(season * years)."""
    n = len(y)
    if n < season * years + recent:
        years = max(1, (n - recent) // season)
    if n < season + recent:
        return np.full(h, y[-season:].mean() if n else 0.0)
    base = n - recent  # profile fitted without the recent weeks, which then set the level
    index = np.zeros(season)
    for k in range(1, years + 1):
        block = y[base - season * k: base - season * (k - 1)]
        positions = (base - season * k + np.arange(season)) % season
        index[positions] += block / max(block.mean(), 1e-9)
    index /= years
    if half:
        kernel = np.ones(2 * half + 1) / (2 * half + 1)
        index = np.convolve(np.r_[index[-half:], index, index[:half]], kernel, "valid")
    level = y[base - season: base].mean()
    ahead = level * index[(base + np.arange(recent + h)) % season]
    # +season/2 people on both sides: months or weeks near zero do not swing the ratio
    pad = level * 0.5
    ratio = (y[base:].sum() + pad) / (ahead[:recent].sum() + pad)
    return np.clip(ahead[recent:] * ratio**shrink, 0.0, None)


def candidates(freq: str) -> dict[str, Method]:
    """The candidate methods for a frequency, by name."""
    from statsforecast.models import (
        ADIDA,
        MSTL,
        TSB,
        AutoETS,
        AutoTheta,
        CrostonOptimized,
        SeasonalNaive,
    )

    m = SEASON[freq]
    out: dict[str, Method] = {
        "seasonal_naive": _raw(lambda: SeasonalNaive(season_length=m)),
        "mstl": _raw(lambda: MSTL(season_length=m)),
        "mstl_sqrt": _sqrt(lambda: MSTL(season_length=m)),
        "mstl_theta_sqrt": _sqrt(lambda: MSTL(season_length=m, trend_forecaster=AutoTheta())),
        "ets_sqrt": _sqrt(lambda: AutoETS(season_length=m if m <= 24 else 1)),
        "profile": lambda y, h: seasonal_profile(y, h, m),
    }
    if freq == "D":
        out["croston"] = _raw(CrostonOptimized)
        out["adida"] = _raw(ADIDA)
        out["tsb"] = _raw(lambda: TSB(alpha_d=0.1, alpha_p=0.1))
    return out


def rolling_forecasts(y: np.ndarray, origins: np.ndarray, horizon: int,
                      methods: dict[str, Method]) -> dict[str, np.ndarray]:
    """Refit each method at each origin (train = y[:origin]); forecasts as
    (origins x horizon) arrays. O(origins x methods x one fit)."""
    out = {name: np.full((len(origins), horizon), np.nan) for name in methods}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsforecast warns on short or flat windows
        for i, origin in enumerate(origins):
            train = y[:origin]
            for name, method in methods.items():
                try:
                    out[name][i] = method(train, horizon)
                except Exception:  # noqa: BLE001  (a model that cannot fit this window loses it)
                    out[name][i] = np.nan
    return out


def _actuals(y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
    idx = origins[:, None] + np.arange(horizon)[None, :]
    act = np.full(idx.shape, np.nan)
    ok = idx < len(y)
    act[ok] = y[idx[ok]]
    return act


def _scales(y: np.ndarray, origins: np.ndarray, season: int) -> np.ndarray:
    """In-sample seasonal-naive MAE of each training window (the MASE denominator)."""
    diffs = np.abs(y[season:] - y[:-season])
    csum = np.r_[0.0, np.cumsum(diffs)]
    counts = np.maximum(origins - season, 1)
    return np.maximum(csum[np.clip(origins - season, 0, len(diffs))] / counts, 1e-9)


def interval_quantiles(residuals: np.ndarray) -> np.ndarray:
    """Per horizon, the (lo80, hi80, lo95, hi95) quantiles of sqrt-scale residuals
    (rows: origins, columns: horizons; NaN ignored). Finite-sample conformal
    correction: the ceil((n+1)(1-a/2))/n empirical quantile."""
    out = np.zeros((residuals.shape[1], 4))
    for h in range(residuals.shape[1]):
        r = residuals[:, h]
        r = r[np.isfinite(r)]
        if len(r) == 0:
            out[h] = np.nan
            continue
        n = len(r)
        qs = []
        for level in LEVELS:
            a = 1 - level / 100
            hi = min(1.0, np.ceil((n + 1) * (1 - a / 2)) / n)
            lo = max(0.0, 1 - hi)
            qs += [np.quantile(r, lo, method="lower"), np.quantile(r, hi, method="higher")]
        out[h] = qs
    return out


def _apply(point: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Point forecasts (n x h) or (h,) plus sqrt-scale quantiles (h x 4) -> bounds."""
    root = np.sqrt(np.clip(point, 0.0, None))[..., None]
    return np.square(np.clip(root + q, 0.0, None))


@dataclass
class Backtest:
    """A rolling-origin backtest: per method and horizon, MASE; the chosen method and
    the coverage of its conformal intervals (calibrated on earlier origins only)."""

    freq: str
    horizon: int
    origins: np.ndarray
    errors: dict[str, np.ndarray]          # method -> (origins x horizon) scaled errors
    chosen: str
    ensemble_of: list[str]
    forecasts: dict[str, np.ndarray]
    actuals: np.ndarray
    scale: np.ndarray                      # (origins x 1) MASE denominators
    hits: dict[int, np.ndarray] = field(default_factory=dict)  # level -> (origins x horizon) 0/1/NaN

    def mase(self, method: str, rows: np.ndarray | None = None) -> np.ndarray:
        """Per-horizon mean MASE of ``method`` over the origins ``rows`` (mask; default all)."""
        err = self.errors[method] if rows is None else self.errors[method][rows]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return np.asarray(np.nanmean(err, axis=0))

    def ratio(self, method: str, baseline: str = "seasonal_naive",
              rows: np.ndarray | None = None) -> np.ndarray:
        """Per-horizon MASE of ``method`` over that of ``baseline`` (below 1: better)."""
        return self.mase(method, rows) / self.mase(baseline, rows)

    def coverage(self, level: int, rows: np.ndarray | None = None, *,
                 nonzero: bool = False) -> np.ndarray:
        """Per-horizon share of outcomes inside the ``level`` % interval (only the
        outcomes above zero with ``nonzero``), out of sample."""
        hit = self.hits[level].copy()
        if nonzero:
            hit[~(self.actuals > 0)] = np.nan
        if rows is not None:
            hit = hit[rows]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return np.asarray(np.nanmean(hit, axis=0))


def _ensemble(forecasts: dict[str, np.ndarray], names: list[str]) -> np.ndarray:
    return np.nanmedian(np.stack([forecasts[n] for n in names]), axis=0)


def backtest(y: np.ndarray, freq: str, horizon: int, *, origins: np.ndarray,
             methods: dict[str, Method] | None = None, choose_on: np.ndarray | None = None,
             calibration: int = 104) -> Backtest:
    """Rolling-origin backtest of every method (plus the median of the best three).

    ``choose_on``: a boolean mask over ``origins`` picking the origins on which the
    method is chosen (default all; give earlier origins to keep the rest held out).
    Coverage at origin *i* uses intervals calibrated on the residuals of origins whose
    whole horizon was observed before origin *i* (at most ``calibration`` of them), so
    it is an out-of-sample figure.
    """
    y = np.asarray(y, dtype=float)
    season = SEASON[freq]
    methods = methods or candidates(freq)
    fc = rolling_forecasts(y, origins, horizon, methods)
    act = _actuals(y, origins, horizon)
    scale = _scales(y, origins, season)[:, None]
    mask = np.ones(len(origins), bool) if choose_on is None else choose_on
    errors = {name: np.abs(act - f) / scale for name, f in fc.items()}

    def score(name: str) -> float:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = float(np.nanmean(errors[name][mask]))
        return value if np.isfinite(value) else float("inf")

    best3 = sorted((n for n in fc if n != "seasonal_naive"), key=score)[:3]
    fc["ensemble"] = _ensemble(fc, best3)
    errors["ensemble"] = np.abs(act - fc["ensemble"]) / scale
    chosen = min(fc, key=score)
    result = Backtest(freq, horizon, origins, errors, chosen, best3, fc, act, scale)

    # Out-of-sample coverage: online split conformal over the origins in order.
    pred = fc[chosen]
    resid = np.sqrt(act) - np.sqrt(np.clip(pred, 0.0, None))
    hit = {level: np.full(act.shape, np.nan) for level in LEVELS}
    for i, origin in enumerate(origins):
        done = origins + horizon <= origin
        rows = np.flatnonzero(done)[-calibration:]
        if len(rows) < 20:
            continue
        q = interval_quantiles(resid[rows])
        bounds = _apply(pred[i], q)
        for k, level in enumerate(LEVELS):
            lo, hi = bounds[:, 2 * k], bounds[:, 2 * k + 1]
            ok = np.isfinite(act[i])
            hit[level][i, ok] = (act[i, ok] >= lo[ok]) & (act[i, ok] <= hi[ok])
    result.hits = hit
    return result


@dataclass
class Forecast:
    """A forecast: per step the point and the 80 % and 95 % bounds, the method, and
    the backtest it was chosen by."""

    point: np.ndarray
    bounds: np.ndarray      # (horizon x 4): lo80, hi80, lo95, hi95
    method: str
    backtest: Backtest


def forecast(y: np.ndarray, freq: str, horizon: int, *, origins: int = 52, step: int = 1) -> Forecast:
    """Choose a method by rolling-origin backtest over the last ``origins`` points and
    forecast ``horizon`` steps with conformal intervals from its backtest errors."""
    y = np.asarray(y, dtype=float)
    season = SEASON[freq]
    if len(y) < season + horizon + 20:
        from crosslink.errors import CrosslinkError

        raise CrosslinkError(
            f"series too short to forecast: {len(y)} points; need at least {season + horizon + 20} "
            f"for frequency {freq} and horizon {horizon}"
        )
    first = max(season + 8, len(y) - origins - horizon + 1)
    starts = np.arange(first, len(y) - horizon + 1, step)
    bt = backtest(y, freq, horizon, origins=starts)
    methods = candidates(freq)
    if bt.chosen == "ensemble":
        point = np.median(np.stack([methods[n](y, horizon) for n in bt.ensemble_of]), axis=0)
    else:
        point = methods[bt.chosen](y, horizon)
    resid = np.sqrt(bt.actuals) - np.sqrt(np.clip(bt.forecasts[bt.chosen], 0.0, None))
    bounds = _apply(point, interval_quantiles(resid))
    return Forecast(point, bounds, bt.chosen, bt)
