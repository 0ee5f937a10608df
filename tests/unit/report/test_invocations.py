"""Invocations parsed from CloudWatch Logs events, in Lambda's Text and JSON log formats."""

from __future__ import annotations

import json

from fogbank.report.invocations import emf_metrics, invocations_from_log_events

EMF = json.dumps(
    {
        "_aws": {
            "Timestamp": 1,
            "CloudWatchMetrics": [
                {
                    "Namespace": "Demo",
                    "Dimensions": [["service"]],
                    "Metrics": [{"Name": "Orders", "Unit": "Count"}],
                }
            ],
        },
        "service": "shop",
        "Orders": [1, 2],
    }
)


def _event(ms: int, message: str, stream: str = "s1") -> dict[str, object]:
    return {"timestamp": ms, "message": message, "logStreamName": stream}


def test_text_format_lines_group_into_invocations_per_stream():
    # GIVEN two streams; a cold then a warm invocation in one, a timed-out one in the other
    events = [
        _event(1000, "START RequestId: a Version: $LATEST"),
        _event(1001, "hello from a"),
        _event(1002, EMF),
        _event(1003, "END RequestId: a"),
        _event(
            1003,
            "REPORT RequestId: a\tDuration: 2.50 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tInit Duration: 90.10 ms\t\nXRAY TraceId: 1-abc-def\tSegmentId: 11\tSampled: true\t",
        ),
        _event(2000, "START RequestId: b Version: $LATEST"),
        _event(2001, "END RequestId: b"),
        _event(
            2001,
            "REPORT RequestId: b\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 41 MB\t",
        ),
        _event(1500, "START RequestId: c Version: $LATEST", "s2"),
        _event(4500, "END RequestId: c", "s2"),
        _event(
            4500,
            "REPORT RequestId: c\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 41 MB\tStatus: timeout\t",
            "s2",
        ),
    ]
    # WHEN they are parsed
    found = invocations_from_log_events("fn", events)
    # THEN each invocation has its figures, lines and EMF metrics, oldest first
    assert [(i.request_id, i.cold_start, i.duration_ms, i.status) for i in found] == [
        ("a", True, 2.5, "success"),
        ("c", False, 3000.0, "timeout"),
        ("b", False, 1.0, "success"),
    ]
    first = found[0]
    assert first.trace_id == "1-abc-def" and first.init_duration_ms == 90.1 and first.max_memory_used_mb == 40
    assert [line.message for line in first.logs][1] == "hello from a"
    assert [(m.namespace, m.name, m.values, m.dimensions) for m in first.metrics] == [
        ("Demo", "Orders", [1.0, 2.0], {"service": "shop"})
    ]


def test_json_format_platform_records_are_understood():
    # GIVEN Lambda's JSON log format
    start = {"time": "2026-01-01T00:00:00.000Z", "type": "platform.start", "record": {"requestId": "j"}}
    report = {
        "time": "2026-01-01T00:00:00.010Z",
        "type": "platform.report",
        "record": {
            "requestId": "j",
            "status": "error",
            "metrics": {"durationMs": 4.2, "initDurationMs": 50.0, "maxMemoryUsedMB": 33},
            "tracing": {"value": "Root=1-x-y;Sampled=1"},
        },
    }
    events = [
        _event(1, json.dumps(start)),
        _event(5, '{"level": "INFO", "message": "hi"}'),
        _event(10, json.dumps(report)),
    ]
    # WHEN they are parsed
    [invocation] = invocations_from_log_events("fn", events)
    # THEN the figures come from the platform.report record
    assert (invocation.request_id, invocation.duration_ms, invocation.cold_start, invocation.status) == (
        "j",
        4.2,
        True,
        "error",
    )
    assert invocation.trace_id == "1-x-y" and invocation.failed


def test_lines_before_the_first_start_are_ignored_and_non_emf_json_is_no_metric():
    # GIVEN a window that starts in the middle of an invocation
    events = [
        _event(1, "tail of an earlier invocation"),
        _event(2, "REPORT RequestId: z\tDuration: 1.00 ms\t"),
    ]
    # WHEN parsed THEN nothing is invented
    assert invocations_from_log_events("fn", events) == []
    assert emf_metrics('{"message": "not emf"}') == [] and emf_metrics('{"_aws": 1') == []
