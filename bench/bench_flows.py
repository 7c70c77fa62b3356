"""Weekly small-boat arrivals: MASE against seasonal naive at 4 and 13 weeks and the
coverage of 80 % / 95 % intervals, by rolling-origin backtest, with the plain
statsforecast MSTL baseline side by side (the figures of issue 18).

    .venv/bin/python bench/bench_flows.py              # the shared weekly series
    .venv/bin/python bench/bench_flows.py --step 2     # every other origin (faster)

Periods (origins are the first forecast week; every model is refitted at each):

1. **tuning** (origins 2021 w27 - 2023 w26): the procedure's settings (the
   candidates, the seasonal-profile model's settings, online selection over a 26-week
   window rather than one method fixed in advance) were chosen by looking at this
   period. Figures on data we tuned on.
2. **held out** (origins 2023 w27 - 2025 w26, the last two years of the shared
   series): the procedure run as is. At each origin it selects the candidate with the
   lowest MASE over the last 26 weeks of completed backtests, and its intervals are
   calibrated on earlier origins' errors only. Printed first. While developing, the
   held-out MASE of each candidate and of the procedure was looked at once, after
   the settings were fixed on (1); nothing was changed after that look.

Baseline: statsforecast ``MSTL(season_length=52)`` with its own prediction intervals
(``level=[80, 95]``), refitted at the same origins. MASE's scale is each training
window's in-sample seasonal-naive (52-week) error, so MASE ratios are error ratios.
Timings are wall-clock on whatever else the machine is doing.
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow.compute as pc

ROOT = Path(__file__).resolve().parents[1]
WEEKLY = ROOT / ".." / "shared" / "data" / "migration_timeseries" / "uk_small_boats" / (
    "long_uk_small_boats_weekly_to_2025w26.csv")

from crosslink.flows.forecast import PROCEDURE, backtest, candidates  # noqa: E402
from crosslink.flows.readers import read_flow_file  # noqa: E402


def mstl_native(y: np.ndarray, origins: np.ndarray, horizon: int) -> tuple[np.ndarray, dict[int, np.ndarray]]:
    """Plain MSTL point forecasts and its own interval hits at each origin."""
    from statsforecast.models import MSTL

    point = np.full((len(origins), horizon), np.nan)
    hits = {80: np.full(point.shape, np.nan), 95: np.full(point.shape, np.nan)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i, o in enumerate(origins):
            out = MSTL(season_length=52).forecast(y=y[:o], h=horizon, level=[80, 95])
            point[i] = out["mean"]
            actual = y[o:o + horizon]
            n = len(actual)
            for level in (80, 95):
                lo, hi = out[f"lo-{level}"][:n], out[f"hi-{level}"][:n]
                hits[level][i, :n] = (actual >= lo) & (actual <= hi)
    return point, hits


def _mean(a: np.ndarray) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(np.nanmean(a))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=WEEKLY)
    parser.add_argument("--step", type=int, default=1, help="weeks between origins (refits)")
    parser.add_argument("--horizon", type=int, default=13)
    parser.add_argument("--workers", type=int, default=1,
                        help="processes fitting models (2 was slower on a shared, loaded machine)")
    args = parser.parse_args()
    if not args.file.exists():
        raise SystemExit(f"{args.file}: not found (the shared data sits beside the repository)")
    flow = read_flow_file(args.file)
    points = flow.points.filter(pc.equal(flow.points["series_id"], "uk-small-boats/migrants/W"))
    y = points["value"].to_numpy()
    dates = [d.isoformat() for d in points["date"].to_pylist()]
    h = args.horizon
    tune_from, hold_from = dates.index("2021-07-02"), dates.index("2023-07-02")
    origins = np.arange(tune_from, len(y), args.step)
    tuning = origins < hold_from
    held = ~tuning

    candidates("W")["mstl"](y[:200], h)  # numba compiles here, outside the timings
    start, cpu_start = time.perf_counter(), time.process_time()
    bt = backtest(y, "W", h, origins=origins, workers=args.workers)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    start = time.perf_counter()
    mstl_point, mstl_hits = mstl_native(y, origins, h)
    mstl_elapsed = time.perf_counter() - start

    snaive = bt.errors["seasonal_naive"]
    mstl_err = np.abs(bt.actuals - mstl_point) / bt.scale

    print(f"weekly UK small-boat arrivals, {len(y)} weeks {dates[0]} .. {dates[-1]}; horizons 1-{h}; "
          f"origins every {args.step} week(s): {int(tuning.sum())} tuning, {int(held.sum())} held out")
    picks = Counter(n for n, keep in zip(bt.selected, held, strict=True) if keep and n)
    print("method selected at the held-out origins: " + ", ".join(f"{n} {c}" for n, c in picks.most_common()))
    print(f"backtest of {len(bt.errors) - 2} candidates x {len(origins)} origins on {args.workers} "
          f"process(es): {elapsed:.1f} s wall, {cpu:.1f} s CPU in this process "
          f"(plain MSTL with intervals: {mstl_elapsed:.1f} s)\n")
    for label, rows in (("HELD OUT (last two years; not tuned on)", held),
                        ("TUNING period (figures on data we tuned on)", tuning)):
        print(label)
        print(f"  {'':34s} {'crosslink':>10s} {'MSTL':>8s} {'ratio':>7s}   target")
        for k in (4, 13):
            ours = bt.ratio(PROCEDURE, rows=rows)[k - 1]
            base = _mean(mstl_err[rows][:, k - 1]) / _mean(snaive[rows][:, k - 1])
            print(f"  MASE / seasonal naive, week {k:<2d}      {ours:10.3f} {base:8.3f} {ours / base:7.2f}   <= 0.60")
        all_h = _mean(bt.errors[PROCEDURE][rows]) / _mean(snaive[rows])
        base_all = _mean(mstl_err[rows]) / _mean(snaive[rows])
        print(f"  MASE / seasonal naive, weeks 1-{h:<2d}    {all_h:10.3f} {base_all:8.3f} {all_h / base_all:7.2f}")
        for level, (lo, hi) in ((80, (0.75, 0.85)), (95, (0.91, 0.98))):
            ours_c = _mean(bt.coverage(level, rows))
            nz = _mean(bt.coverage(level, rows, nonzero=True))
            hit = mstl_hits[level].copy()
            base_c = _mean(hit[rows])
            hit[~(bt.actuals > 0)] = np.nan
            base_nz = _mean(hit[rows])
            print(f"  {level}% interval coverage, all weeks   {ours_c:10.3f} {base_c:8.3f} {ours_c / base_c:7.2f}"
                  f"   {lo:.2f}-{hi:.2f}")
            print(f"  {level}% coverage, weeks with crossings {nz:10.3f} {base_nz:8.3f} {nz / base_nz:7.2f}"
                  f"   {lo:.2f}-{hi:.2f}")
        per_h = bt.coverage(80, rows)
        print("  80% coverage per horizon: " + " ".join(f"{c:.2f}" for c in per_h))
        print()


if __name__ == "__main__":
    main()
