"""Monitoring: alerts when a period lands outside its interval, and a static chart.

:func:`alerts` replays the forecasting procedure one step ahead over the last
periods (refitted at each, intervals calibrated on earlier periods only, exactly as
it would have run then) and flags each period whose outcome fell outside its 95 %
interval: the arrivals an analyst did not have reason to expect.

:func:`chart_svg` draws actual values, the forecast fan (80 % and 95 %) and the
alerts as a self-contained SVG for reports and the dashboard. It is written by hand
(a few dozen elements) rather than with a plotting library, which the project does
not otherwise need; every text that reaches it is escaped (:func:`html_text`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from crosslink.flows.forecast import Forecast, backtest
from crosslink.flows.series import Series, next_dates
from crosslink.model.safe import html_text

__all__ = ["Alert", "alerts", "chart_svg"]


@dataclass(frozen=True)
class Alert:
    date: date
    actual: float
    point: float
    lo95: float
    hi95: float
    direction: str        # "above" or "below" the 95 % interval
    method: str

    @property
    def excess(self) -> float:
        """How far outside: actual over the bound it crossed (above: >1; below: <1)."""
        bound = self.hi95 if self.direction == "above" else self.lo95
        return self.actual / bound if bound > 0 else float("inf")


def alerts(series: Series, *, periods: int = 26, calibration: int = 40) -> list[Alert]:
    """Periods among the last ``periods`` whose value fell outside the one-step-ahead
    95 % interval. Refits the candidates at ``periods + calibration`` origins."""
    y = series.values
    n = len(y)
    first = max(8 + 2 * 52 if series.freq == "W" else 30, n - periods - calibration)
    origins = np.arange(first, n)
    bt = backtest(y, series.freq, 1, origins=origins, calibration=104)
    assert bt.bounds is not None
    out = []
    for i in np.flatnonzero(origins >= n - periods):
        lo95, hi95 = bt.bounds[i, 0, 2], bt.bounds[i, 0, 3]
        actual = bt.actuals[i, 0]
        if not (np.isfinite(lo95) and np.isfinite(actual)) or lo95 <= actual <= hi95:
            continue
        out.append(Alert(series.dates[int(origins[i])], float(actual), float(bt.forecasts["crosslink"][i, 0]),
                         float(lo95), float(hi95), "above" if actual > hi95 else "below",
                         str(bt.selected[i])))
    return out


def _nice_max(value: float) -> tuple[float, float]:
    """An axis top and tick step: 1, 2 or 5 times a power of ten, about 5 ticks."""
    if value <= 0:
        return 1.0, 0.2
    raw = value / 5
    power = 10 ** np.floor(np.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return float(np.ceil(value / step) * step), float(step)


def chart_svg(series: Series, result: Forecast | None = None, found: list[Alert] | None = None, *,
              history: int = 104, width: int = 800, height: int = 320) -> str:
    """An SVG of the last ``history`` periods, the forecast fan and the alerts."""
    dates = series.dates[-history:]
    y = series.values[-history:]
    h = len(result.point) if result is not None else 0
    ahead = next_dates(series.dates, series.freq, h) if h else []
    top_value = max([float(y.max()) if len(y) else 0.0]
                    + ([float(result.bounds[:, 3].max())] if result is not None else []))
    top, step = _nice_max(top_value)
    left, right, up, down = 56, 12, 40, 36
    pw, ph = width - left - right, height - up - down
    total = len(dates) + h

    def px(i: float) -> float:
        return left + pw * i / max(total - 1, 1)

    def py(v: float) -> float:
        return up + ph * (1 - v / top)

    title = f"{series.name} ({series.freq})"
    prov = series.provenance
    sub = "; ".join(f"{k} {prov[k]}" for k in ("source", "report_id", "grading", "handling_code") if prov.get(k))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{html_text(title)}" '
        'font-family="sans-serif" font-size="11">',
        f"<title>{html_text(title)}</title>",
        f'<text x="{left}" y="16" font-size="13" font-weight="bold">{html_text(title)}</text>',
        f'<text x="{left}" y="30" fill="#555">{html_text(sub)}</text>',
    ]
    ticks = np.arange(0, top + step / 2, step)
    for t in ticks:
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{py(t):.1f}" y2="{py(t):.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 4}" y="{py(t) + 4:.1f}" text-anchor="end">{t:,.0f}</text>')
    every = max(1, total // 8)
    for i, d in enumerate([*dates, *ahead]):
        if i % every == 0:
            parts.append(f'<text x="{px(i):.1f}" y="{height - down + 16}" text-anchor="middle">'
                         f"{html_text(d.isoformat())}</text>")
    if result is not None and h:
        xs = [px(len(dates) - 1 + i + 1) for i in range(h)]
        for lo, hi, colour in ((2, 3, "#cfe0f3"), (0, 1, "#8fb5e0")):
            upper = " ".join(f"{x:.1f},{py(v):.1f}" for x, v in zip(xs, result.bounds[:, hi], strict=True))
            lower = " ".join(f"{x:.1f},{py(v):.1f}"
                             for x, v in zip(xs[::-1], result.bounds[::-1, lo], strict=True))
            parts.append(f'<polygon points="{upper} {lower}" fill="{colour}" stroke="none"/>')
        line = " ".join(f"{x:.1f},{py(v):.1f}" for x, v in zip(xs, result.point, strict=True))
        parts.append(f'<polyline points="{line}" fill="none" stroke="#1f5fa8" stroke-width="2" '
                     'stroke-dasharray="5,3"/>')
    actual = " ".join(f"{px(i):.1f},{py(v):.1f}" for i, v in enumerate(y))
    parts.append(f'<polyline points="{actual}" fill="none" stroke="#222" stroke-width="1.5"/>')
    index = {d: i for i, d in enumerate(dates)}
    for a in found or []:
        if a.date not in index:
            continue
        i = index[a.date]
        tip = (f"{a.date.isoformat()}: {a.actual:,.0f} {a.direction} the 95% interval "
               f"{a.lo95:,.0f}-{a.hi95:,.0f} (forecast {a.point:,.0f}, {a.method})")
        parts.append(f'<circle cx="{px(i):.1f}" cy="{py(a.actual):.1f}" r="5" fill="none" stroke="#c0392b" '
                     f'stroke-width="2"><title>{html_text(tip)}</title></circle>')
    legend_y = height - 6
    parts.append(f'<text x="{left}" y="{legend_y}" fill="#555">black: actual; dashed: forecast; '
                 'bands: 80% and 95% intervals; red rings: outside the 95% interval</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
