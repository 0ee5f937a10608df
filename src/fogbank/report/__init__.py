"""The run report of `fogbank e2e`: a typed model of one run, collected by the pytest plugin, rendered as one
self-contained HTML file with the same data as JSON beside it.

Example:
    >>> from fogbank.report import RunReport, render_html
    >>> html = render_html(RunReport.load(Path("cdk.out/fogbank-report.json")))  # doctest: +SKIP
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
