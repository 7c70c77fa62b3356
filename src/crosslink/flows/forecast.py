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
    "minimum_length",
    "rolling_forecasts",
]

#: Season length per frequency (days: the week; weeks: the publisher's 52-week year).
SEASON = {"D": 7, "W": 52, "M": 12}
LEVELS = (80, 95)
#: Longest training window per frequency: three years of days (older days say little
#: about next week and make every fit slower); all of a weekly or monthly series.
MAX_TRAIN = {"D": 3 * 365, "W": 100 * 52, "M": 100 * 12}

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
    # half a period's mean on both sides: months or weeks near zero do not swing the ratio
    pad = max(level * 0.5, 1.0)
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
        # Daily: two days in three have no crossing. The intermittent-demand models
        # replace AutoTheta and AutoETS, which take seconds per fit on years of days.
        del out["mstl_theta_sqrt"], out["ets_sqrt"]
        out["croston"] = _raw(CrostonOptimized)
        out["adida"] = _raw(ADIDA)
        out["tsb"] = _raw(lambda: TSB(alpha_d=0.1, alpha_p=0.1))
    return out


def rolling_forecasts(y: np.ndarray, origins: np.ndarray, horizon: int,
                      methods: dict[str, Method], freq: str | None = None) -> dict[str, np.ndarray]:
    """Refit each method at each origin (train = y[:origin]); forecasts as
    (origins x horizon) arrays. With ``freq``, each fit sees at most the last
    :data:`MAX_TRAIN` points. O(origins x methods x one fit)."""
    out = {name: np.full((len(origins), horizon), np.nan) for name in methods}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsforecast warns on short or flat windows
        for i, origin in enumerate(origins):
            train = y[max(0, origin - MAX_TRAIN[freq]):origin] if freq else y[:origin]
            for name, method in methods.items():
                try:
                    out[name][i] = method(train, horizon)
                except Exception:  # noqa: BLE001  (a model that cannot fit this window loses it)
                    out[name][i] = np.nan
    return out


def _fit_chunk(job: tuple[np.ndarray, np.ndarray, int, str, tuple[str, ...]]) -> dict[str, np.ndarray]:
    """A worker's share of :func:`rolling_forecasts` (the standard candidates, by name)."""
    y, origins, horizon, freq, names = job
    methods = {n: m for n, m in candidates(freq).items() if n in names}
    return rolling_forecasts(y, origins, horizon, methods, freq)


def _parallel_forecasts(y: np.ndarray, origins: np.ndarray, horizon: int, freq: str,
                        names: tuple[str, ...], workers: int) -> dict[str, np.ndarray]:
    """:func:`rolling_forecasts` over ``workers`` processes (crosslink.parallel: this
    process plus forkserver workers, never a fork). Origins are dealt round-robin
    into chunks so each chunk costs about the same."""
    from crosslink.parallel import run_jobs

    chunks = [np.arange(k, len(origins), 4 * workers) for k in range(4 * workers)]
    jobs = [(y, origins[c], horizon, freq, names) for c in chunks if len(c)]
    out = {n: np.full((len(origins), horizon), np.nan) for n in names}
    kept = [c for c in chunks if len(c)]
    for index, part in run_jobs(_fit_chunk, jobs, workers=workers):
        for n in names:
            out[n][kept[index]] = part[n]
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


def interval_quantiles(residuals: np.ndarray, *, pool: int = 1) -> np.ndarray:
    """Per horizon, the (lo80, hi80, lo95, hi95) quantiles of sqrt-scale residuals
    (rows: origins, columns: horizons; NaN ignored), with the finite-sample conformal
    correction (the ceil((n+1)(1-a/2))/n empirical quantile). Residuals of the
    ``pool`` neighbouring horizons on each side are pooled in: errors change slowly
    with the horizon, and three times the sample steadies the 95 % bounds."""
    horizons = residuals.shape[1]
    out = np.zeros((horizons, 4))
    for h in range(horizons):
        r = residuals[:, max(0, h - pool): h + pool + 1].ravel()
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
    """A rolling-origin backtest: per method, the forecasts and scaled errors at each
    origin; the method the procedure selected at each origin (``selected``, whose
    forecasts are the method ``"crosslink"``); and whether each outcome fell inside
    the procedure's conformal intervals (calibrated on earlier origins only)."""

    freq: str
    horizon: int
    origins: np.ndarray
    forecasts: dict[str, np.ndarray]       # method -> (origins x horizon)
    errors: dict[str, np.ndarray]          # method -> (origins x horizon) scaled errors
    actuals: np.ndarray
    scale: np.ndarray                      # (origins x 1) MASE denominators
    selected: list[str | None]             # per origin (None: too early to select)
    chosen: str                            # what the procedure picks for the next origin
    hits: dict[int, np.ndarray] = field(default_factory=dict)  # level -> 0/1/NaN
    residuals: np.ndarray | None = None    # sqrt-scale errors of the procedure
    bounds: np.ndarray | None = None       # (origins x horizon x 4) procedure intervals

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
        """Per-horizon share of outcomes inside the procedure's ``level`` % interval
        (only outcomes above zero with ``nonzero``), out of sample."""
        hit = self.hits[level].copy()
        if nonzero:
            hit[~(self.actuals > 0)] = np.nan
        if rows is not None:
            hit = hit[rows]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return np.asarray(np.nanmean(hit, axis=0))


#: Candidates the ensemble takes the median of (the sqrt-scale models and the profile).
ENSEMBLE_OF = ("mstl_sqrt", "mstl_theta_sqrt", "ets_sqrt", "profile")
PROCEDURE = "crosslink"


def backtest(y: np.ndarray, freq: str, horizon: int, *, origins: np.ndarray,
             methods: dict[str, Method] | None = None, window: int = 26,
             calibration: int = 104, workers: int = 1) -> Backtest:
    """Rolling-origin backtest of every candidate, the ensemble, and the procedure.

    The procedure (method ``"crosslink"``): at each origin, use the candidate with the
    lowest MASE over the origins of the last ``window`` time points whose whole horizon
    was already observed (online model selection: what :func:`forecast` would have
    picked then). Its intervals at each origin are conformal, from the sqrt-scale
    errors of the procedure at up to ``calibration`` earlier completed origins, so the
    coverage is an out-of-sample figure. ``window`` (26 weeks) was chosen on the
    tuning period of ``bench/bench_flows.py``. ``workers`` > 1 fits the standard
    candidates in that many processes (not custom ``methods``).
    """
    y = np.asarray(y, dtype=float)
    origins = np.asarray(origins)
    season = SEASON[freq]
    if methods is None and workers > 1 and len(origins) >= 4 * workers:
        fc = _parallel_forecasts(y, origins, horizon, freq, tuple(candidates(freq)), workers)
    else:
        fc = rolling_forecasts(y, origins, horizon, methods or candidates(freq), freq)
    members = [n for n in ENSEMBLE_OF if n in fc]
    if members:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fc["ensemble"] = np.nanmedian(np.stack([fc[n] for n in members]), axis=0)
    act = _actuals(y, origins, horizon)
    scale = _scales(y, origins, season)[:, None]
    errors = {name: np.abs(act - f) / scale for name, f in fc.items()}
    pool = [n for n in fc if n != "seasonal_naive"] or list(fc)
    step = int(np.median(np.diff(origins))) if len(origins) > 1 else 1
    per_window = max(1, window // max(step, 1))

    def pick(before: int) -> str | None:
        done = np.flatnonzero(origins + horizon <= before)[-per_window:]
        if len(done) < min(5, per_window):
            return None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            score = {n: float(np.nanmean(errors[n][done])) for n in pool}
        finite = {n: v for n, v in score.items() if np.isfinite(v)}
        return min(finite, key=lambda n: finite[n]) if finite else None

    selected = [pick(int(o)) for o in origins]
    procedure = np.full(act.shape, np.nan)
    for i, name in enumerate(selected):
        if name is not None:
            procedure[i] = fc[name][i]
    fc[PROCEDURE] = procedure
    errors[PROCEDURE] = np.abs(act - procedure) / scale
    chosen = pick(len(y) + horizon) or ("ensemble" if members else pool[0])
    resid = np.sqrt(act) - np.sqrt(np.clip(procedure, 0.0, None))
    hit = {level: np.full(act.shape, np.nan) for level in LEVELS}
    all_bounds = np.full((*act.shape, 4), np.nan)
    for i, origin in enumerate(origins):
        rows = np.flatnonzero((origins + horizon <= origin) & np.isfinite(procedure[:, 0]))[-calibration:]
        if len(rows) < 20 or not np.isfinite(procedure[i, 0]):
            continue
        bounds = _apply(procedure[i], interval_quantiles(resid[rows]))
        all_bounds[i] = bounds
        ok = np.isfinite(act[i])
        for k, level in enumerate(LEVELS):
            lo, hi = bounds[:, 2 * k], bounds[:, 2 * k + 1]
            hit[level][i, ok] = (act[i, ok] >= lo[ok]) & (act[i, ok] <= hi[ok])
    return Backtest(freq, horizon, origins, fc, errors, act, scale, selected, chosen, hit, resid, all_bounds)


@dataclass
class Forecast:
    """A forecast: per step the point and the 80 % and 95 % bounds, the method, and
    the backtest it was chosen by."""

    point: np.ndarray
    bounds: np.ndarray      # (horizon x 4): lo80, hi80, lo95, hi95
    method: str
    backtest: Backtest


def minimum_length(freq: str, horizon: int) -> int:
    return 2 * SEASON[freq] + horizon + 30


def forecast(y: np.ndarray, freq: str, horizon: int, *, origins: int = 104, step: int = 2,
             window: int = 26, workers: int = 1) -> Forecast:
    """Forecast ``horizon`` steps: the method the procedure selects now (lowest backtest
    MASE over the last ``window`` points), with conformal intervals from the procedure's
    own backtest errors over the last ``origins`` points (refitting every ``step``)."""
    from crosslink.errors import CrosslinkError

    y = np.asarray(y, dtype=float)
    if not np.all(np.isfinite(y)) or (y < 0).any():
        raise CrosslinkError("values must be counts (numbers >= 0) with no gaps")
    need = minimum_length(freq, horizon)
    if len(y) < need:
        raise CrosslinkError(
            f"series too short to forecast: {len(y)} points; need at least {need} "
            f"for frequency {freq} and horizon {horizon}"
        )
    first = max(SEASON[freq] + 8, len(y) - origins - horizon)
    starts = np.arange(len(y) - horizon, first - 1, -step)[::-1]
    bt = backtest(y, freq, horizon, origins=starts, window=window, workers=workers)
    methods = candidates(freq)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if bt.chosen == "ensemble":
            point = np.median(np.stack([methods[n](y[-MAX_TRAIN[freq]:], horizon)
                                        for n in ENSEMBLE_OF if n in methods]), axis=0)
        else:
            point = methods[bt.chosen](y[-MAX_TRAIN[freq]:], horizon)
    assert bt.residuals is not None
    bounds = _apply(point, interval_quantiles(bt.residuals))
    return Forecast(point, bounds, bt.chosen, bt)
