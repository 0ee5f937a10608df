"""Lambda's own log lines: START, END, REPORT and the timeout notice, as text and as JSON records."""

from __future__ import annotations

import json

from fogbank.cloud.lambda_.platform_logs import Report, platform_lines
from fogbank.cloud.telemetry.records import LogLine


def test_report_line_has_lambdas_fields() -> None:
    # GIVEN a cold-start report
    report = Report(
        "rid", "$LATEST", duration_ms=12.341, memory_size_mb=128, max_memory_used_mb=40, init_duration_ms=99.5
    )

    # WHEN it is rendered as text
    text = report.text()

    # THEN the fields are AWS's, tab-separated, billed duration rounded up
    assert text == (
        "REPORT RequestId: rid\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\t"
        "Max Memory Used: 40 MB\tInit Duration: 99.50 ms\t"
    )


def test_platform_lines_wrap_function_output_and_note_timeouts() -> None:
    # GIVEN a timed-out invocation with one line of output
    report = Report("rid", "3", duration_ms=1000, memory_size_mb=128, max_memory_used_mb=30, status="timeout")

    # WHEN its lines are built
    lines = platform_lines(
        report,
        started_ms=1000,
        ended_ms=2000,
        function_lines=[LogLine(1500, "hi")],
        timeout_s=1.0,
        log_format="Text",
    )

    # THEN START, the output, the timeout notice, END and REPORT come in order
    messages = [line.message for line in lines]
    assert messages[0] == "START RequestId: rid Version: 3"
    assert messages[1] == "hi"
    assert messages[2].endswith("rid Task timed out after 1.00 seconds")
    assert messages[3] == "END RequestId: rid"
    assert messages[4].startswith("REPORT RequestId: rid") and "Status: timeout" in messages[4]


def test_json_platform_lines() -> None:
    # GIVEN a report in JSON log format
    report = Report("rid", "$LATEST", duration_ms=2, memory_size_mb=128, max_memory_used_mb=30)

    # WHEN its lines are built
    lines = platform_lines(
        report, started_ms=1, ended_ms=3, function_lines=[], timeout_s=None, log_format="JSON"
    )

    # THEN they are platform records
    records = [json.loads(line.message) for line in lines]
    assert [r["type"] for r in records] == ["platform.start", "platform.runtimeDone", "platform.report"]
    assert records[2]["record"]["metrics"]["billedDurationMs"] == 2


def test_json_platform_lines_name_why_the_runtime_ended() -> None:
    # GIVEN the report of an invocation whose runtime was killed for its memory, in JSON log format
    report = Report(
        "rid",
        "$LATEST",
        duration_ms=2,
        memory_size_mb=128,
        max_memory_used_mb=128,
        status="failure",
        error_type="Runtime.OutOfMemory",
    )

    # WHEN its lines are built
    lines = platform_lines(
        report, started_ms=1, ended_ms=3, function_lines=[], timeout_s=None, log_format="JSON"
    )

    # THEN runtimeDone and report carry the error type (the Telemetry API's errorType)
    records = [json.loads(line.message) for line in lines]
    assert records[1]["record"]["errorType"] == "Runtime.OutOfMemory"
    assert records[2]["record"]["errorType"] == "Runtime.OutOfMemory"
    assert records[2]["record"]["metrics"]["maxMemoryUsedMB"] == 128
