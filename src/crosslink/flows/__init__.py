"""Monitoring and anticipating migration flows: published series, calibrated forecasts, alerts.

- :mod:`crosslink.flows.readers`: the published layouts (Home Office small boats,
  Frontex monthly detections, IOM Missing Migrants) read into series.
- :mod:`crosslink.flows.store`: the ``flow_series`` / ``flow_points`` workspace tables,
  read and written through a :class:`~crosslink.store.Session` (need-to-know, audit).
"""

from __future__ import annotations

from crosslink.flows.readers import FlowFile, read_flow_file
from crosslink.flows.store import IngestResult, NotFound, ingest_file, list_series, load_series

__all__ = [
    "FlowFile",
    "IngestResult",
    "NotFound",
    "ingest_file",
    "list_series",
    "load_series",
    "read_flow_file",
]
