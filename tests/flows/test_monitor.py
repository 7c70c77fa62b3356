"""Alerts on periods outside their interval; the SVG chart is valid and escaped."""

from __future__ import annotations

import xml.dom.minidom
from datetime import date, timedelta

import numpy as np

from crosslink.flows.forecast import Forecast
from crosslink.flows.monitor import Alert, alerts, chart_svg
from crosslink.flows.series import Series


def _monthly(values: np.ndarray) -> Series:
    dates = []
    d = date(2015, 1, 1)
    for _ in values:
        dates.append(d)
        d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return Series("test/monthly", "M", dates, values, {"report_id": "r1", "grading": "1B", "handling_code": "P"})


def test_a_spike_is_an_alert_and_ordinary_months_are_not() -> None:
    rng = np.random.default_rng(3)
    t = np.arange(120)
    y = rng.poisson(300 + 150 * np.sin(2 * np.pi * t / 12)).astype(float)
    y[-3] = y[-3] * 4  # a month nobody expected
    found = alerts(_monthly(y), periods=12)
    spike = _monthly(y).dates[-3]
    assert any(a.date == spike and a.direction == "above" for a in found)
    assert len(found) <= 3  # ~5 % of 12 ordinary months, plus the spike


def test_chart_is_valid_svg_with_every_value_escaped() -> None:
    y = np.arange(30, dtype=float)
    s = _monthly(y)
    s.name = '<script>alert("x")</script>'
    s.provenance["source"] = "a&b.csv"
    result = Forecast(np.full(3, 30.0), np.tile([20.0, 40.0, 10.0, 50.0], (3, 1)), "profile", None)  # type: ignore[arg-type]
    alert = Alert(s.dates[-1], 29.0, 10.0, 1.0, 20.0, "above", "<b>m</b>")
    svg = chart_svg(s, result, [alert])
    xml.dom.minidom.parseString(svg)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "a&amp;b.csv" in svg and "&lt;b&gt;m&lt;/b&gt;" in svg
    assert svg.count("<polygon") == 2 and svg.count("<circle") == 1
    assert (date(2015, 1, 1) + timedelta(days=0)).isoformat() in svg
