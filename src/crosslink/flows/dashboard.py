"""What a dashboard panel for one series shows, as plain data for the web service.

:func:`panel` reads the series through the session (need-to-know and audit apply:
a series the user may not see is :class:`~crosslink.flows.store.NotFound`), forecasts
it, replays the alerts and draws the chart. The web layer renders the returned dict;
the SVG in it is already escaped and safe to embed.
"""

from __future__ import annotations

from typing import Any

from crosslink.flows.forecast import forecast
from crosslink.flows.monitor import alerts, chart_svg
from crosslink.flows.series import next_dates, workspace_series
from crosslink.store.session import Session

__all__ = ["panel"]


def panel(session: Session, series_id: str, *, horizon: int = 13, periods: int = 26) -> dict[str, Any]:
    """Series metadata with provenance, the forecast rows, the alerts and the SVG chart."""
    series = workspace_series(session, series_id)
    result = forecast(series.values, series.freq, horizon)
    found = alerts(series, periods=periods)
    dates = next_dates(series.dates, series.freq, horizon)
    return {
        "series": series.name,
        "freq": series.freq,
        "provenance": dict(series.provenance),
        "method": result.method,
        "forecast": [
            {"date": d.isoformat(), "point": round(float(p), 1),
             **{k: round(float(v), 1) for k, v in zip(("lo80", "hi80", "lo95", "hi95"), b, strict=True)}}
            for d, p, b in zip(dates, result.point, result.bounds, strict=True)
        ],
        "alerts": [
            {"date": a.date.isoformat(), "actual": a.actual, "point": round(a.point, 1), "lo95": round(a.lo95, 1),
             "hi95": round(a.hi95, 1), "direction": a.direction}
            for a in found
        ],
        "chart_svg": chart_svg(series, result, found),
    }
