"""Monitoring and anticipating migration flows: published series, calibrated forecasts, alerts.

- :mod:`crosslink.flows.readers`: the published layouts (Home Office small boats,
  Frontex monthly detections, IOM Missing Migrants) read into series.
- :mod:`crosslink.flows.store`: the ``flow_series`` / ``flow_points`` workspace tables,
  read and written through a :class:`~crosslink.store.Session` (need-to-know, audit).
- :mod:`crosslink.flows.forecast`: candidates, rolling-origin backtest with online
  model selection, conformal intervals.
- :mod:`crosslink.flows.series`: a series from any CSV or the workspace; forecast CSV.
- :mod:`crosslink.flows.monitor`: alerts outside the 95 % interval; the SVG chart.
- :mod:`crosslink.flows.dashboard`: one series' panel as data for the web service.
"""

from __future__ import annotations

from crosslink.flows.forecast import Backtest, Forecast, backtest, forecast
from crosslink.flows.monitor import Alert, alerts, chart_svg
from crosslink.flows.readers import FlowFile, read_flow_file
from crosslink.flows.series import Series, read_series_csv, workspace_series, write_forecast
from crosslink.flows.store import IngestResult, NotFound, ingest_file, list_series, load_series

__all__ = [
    "Alert",
    "Backtest",
    "FlowFile",
    "Forecast",
    "Series",
    "alerts",
    "backtest",
    "chart_svg",
    "forecast",
    "read_series_csv",
    "workspace_series",
    "write_forecast",
    "IngestResult",
    "NotFound",
    "ingest_file",
    "list_series",
    "load_series",
    "read_flow_file",
]
