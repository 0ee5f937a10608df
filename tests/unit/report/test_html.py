"""The HTML report: one self-contained page, failures first and open."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from fogbank.report.html import render_html, write_report
from fogbank.report.model import (
    DeployReport,
    FeatureReport,
    Invocation,
    LogLine,
    RunReport,
    TestReport,
    TraceSegment,
    TraceWaterfall,
)

T0 = datetime(2026, 11, 29, 18, 0, tzinfo=UTC)


def _report() -> RunReport:
    trace = TraceWaterfall(
        trace_id="1-abc",
        start_time=1.0,
        end_time=2.0,
        segments=[
            TraceSegment(id="a", name="fn", start_time=1.0, end_time=2.0, annotations={"order": "</script>"})
        ],
    )
    invocation = Invocation(
        function_name="checkout-fn",
        request_id="req-1",
        started_at=T0,
        cold_start=True,
        duration_ms=12.5,
        payload='{"item": 1}',
        response='{"ok": false}',
        logs=[LogLine(timestamp=T0, message="computing the total")],
        trace=trace,
    )
    failing = TestReport(
        nodeid="tests/e2e/shop/test_shop.py::test_total",
        outcome="failed",
        started_at=T0,
        duration_seconds=0.4,
        longrepr="assert 41 == 42",
        invocations=[invocation],
    )
    passing = TestReport(
        nodeid="tests/e2e/shop/test_shop.py::test_ok", outcome="passed", started_at=T0, duration_seconds=0.1
    )
    deploy = DeployReport(
        stack_name="fogbank-shop-1", started_at=T0, duration_seconds=3.0, outputs={"Fn": "checkout-fn"}
    )
    feature = FeatureReport(name="shop", deploy=deploy, tests=[passing, failing])
    return RunReport(run_id="r1", target="local", started_at=T0, features=[feature])


def test_the_failure_comes_first_open_with_what_the_functions_did():
    # GIVEN a run with a passing and a failing test
    html = render_html(_report())
    # THEN the failures section comes before the features, open, with the assertion, logs and waterfall
    failures = html.index('id="failures"')
    assert failures < html.index("<h2>Features</h2>")
    section = html[failures : html.index("<h2>Features</h2>")]
    assert '<details class="test failed" open' in section
    assert "assert 41 == 42" in section and "computing the total" in section
    assert 'class="wf" data-trace-id="1-abc"' in section and "cold start" in section


def test_the_page_is_self_contained_and_embeds_its_data(tmp_path: Path):
    # GIVEN a report written to disk
    html_path, json_path = write_report(_report(), tmp_path / "out" / "report.html")
    html = html_path.read_text(encoding="utf-8")
    # THEN it loads nothing from elsewhere, and its embedded data equals the JSON beside it
    assert "src=" not in html and "<link" not in html and "http://" not in html and "https://" not in html
    embedded = html.split('<script type="application/json" id="fogbank-report-data">', 1)[1].split(
        "</script>", 1
    )[0]
    assert json.loads(embedded.replace("<\\/", "</")) == json.loads(json_path.read_text(encoding="utf-8"))
    assert '</script>"' not in embedded  # text from the run cannot end the script element


def test_a_failed_deploy_and_missing_data_are_shown_not_hidden():
    # GIVEN a feature whose deploy failed, with a failed stack event, and a note on data that never arrived
    from fogbank.report.model import StackEvent, TeardownReport

    failed_event = StackEvent(
        timestamp=T0, logical_id="Table", resource_type="AWS::DynamoDB::Table", status="CREATE_FAILED",
        reason="KeySchema is required", duration_seconds=0.2,
    )  # fmt: skip
    deploy = DeployReport(
        stack_name="fogbank-shop-1", started_at=T0, duration_seconds=2.0, events=[failed_event],
        error="DeployError: stack fogbank-shop-1 ended in ROLLBACK_COMPLETE",
    )  # fmt: skip
    teardown = TeardownReport(started_at=T0, duration_seconds=1.0)
    feature = FeatureReport(
        name="shop", deploy=deploy, teardown=teardown, notes=["some traces had not arrived"]
    )
    report = RunReport(run_id="r1", target="aws", started_at=T0, features=[feature])
    # WHEN rendered
    html = render_html(report)
    # THEN the feature is failed, its deploy opens with the error and the failing event, and the note is shown
    assert report.outcome == "failed"
    assert '<details class="deploy" open>' in html
    assert "ROLLBACK_COMPLETE" in html and "Table CREATE_FAILED: KeySchema is required" in html
    assert "some traces had not arrived" in html
