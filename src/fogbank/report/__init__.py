"""The run report of `fogbank e2e`: a typed model of one run, collected by the pytest plugin, rendered as one
self-contained HTML file with the same data as JSON beside it.

Example:
    >>> from datetime import datetime, timezone
    >>> from fogbank.report import FeatureReport, RunReport, TestReport, render_html
    >>> started = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> test = TestReport(nodeid="test_log.py::test_ok", outcome="passed", started_at=started, duration_seconds=1)
    >>> report = RunReport(run_id="r1", target="local", started_at=started,
    ...                    features=[FeatureReport(name="logger", tests=[test])])
    >>> report.counts()["passed"], report.outcome
    (1, 'passed')
    >>> render_html(report).startswith("<!doctype html>")
    True
"""

from __future__ import annotations

from fogbank.report.html import render_html, write_report
from fogbank.report.model import (
    SCHEMA_VERSION,
    DeployReport,
    FeatureReport,
    Invocation,
    RunReport,
    TeardownReport,
    TestReport,
    TraceWaterfall,
)

__all__ = [
    "SCHEMA_VERSION",
    "DeployReport",
    "FeatureReport",
    "Invocation",
    "RunReport",
    "TeardownReport",
    "TestReport",
    "TraceWaterfall",
    "render_html",
    "write_report",
]
