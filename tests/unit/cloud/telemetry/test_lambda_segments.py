"""Lambda's own X-Ray segments for an Active invocation: the service segment and the function segment."""

from __future__ import annotations

import json
from dataclasses import replace

from fogbank.cloud.telemetry.lambda_segments import lambda_segment_documents
from fogbank.cloud.telemetry.records import InvocationRecord

ARN = "arn:aws:lambda:us-east-1:123456789012:function:orders"
RECORD = InvocationRecord(
    trace_id="1-5f84c7a0-aaaaaaaaaaaaaaaaaaaaaaaa",
    service_segment_id="1111111111111111",
    function_segment_id="2222222222222222",
    function_name="orders",
    function_arn=ARN,
    region="us-east-1",
    request_id="req-1",
    tracing_mode="Active",
    start=10.0,
    end=10.5,
    invocation_start=10.2,
    invocation_end=10.4,
)


def _segments(record: InvocationRecord) -> tuple[dict, dict]:  # type: ignore[type-arg]
    service, function = (json.loads(d) for d in lambda_segment_documents(record))
    return service, function


def test_a_warm_invocation_has_a_service_segment_and_a_function_segment_under_it() -> None:
    # WHEN a warm, successful invocation is recorded
    service, function = _segments(RECORD)
    # THEN the service segment is AWS::Lambda with the request's status and id
    assert (service["id"], service["origin"], service["trace_id"]) == (
        "1111111111111111",
        "AWS::Lambda",
        RECORD.trace_id,
    )
    assert service["http"] == {"response": {"status": 200}} and service["aws"] == {"request_id": "req-1"}
    assert "error" not in service and "fault" not in service
    # AND the function segment is the Parent the function saw, under the service segment
    assert (function["id"], function["parent_id"], function["origin"]) == (
        "2222222222222222",
        "1111111111111111",
        "AWS::Lambda::Function",
    )
    # AND its subsegments are Invocation then Overhead, timed by the invocation (no Initialization when warm)
    names = [(s["name"], s["start_time"], s["end_time"]) for s in function["subsegments"]]
    assert names == [("Invocation", 10.2, 10.4), ("Overhead", 10.4, 10.5)]
    assert function["start_time"] == 10.2


def test_a_cold_failed_invocation_has_initialization_and_error_flags() -> None:
    # GIVEN a cold start whose handler failed, answered with a 502
    record = replace(
        RECORD, cold_start=True, init_start=10.05, init_end=10.15, function_error="Unhandled", status=502
    )
    # WHEN its segments are made
    service, function = _segments(record)
    # THEN Initialization comes first and starts the function segment; error and fault flags are Lambda's
    assert [s["name"] for s in function["subsegments"]] == ["Initialization", "Invocation", "Overhead"]
    assert function["start_time"] == 10.05 and function["error"] is True
    assert function["subsegments"][1]["fault"] is True
    assert (service["error"], service["fault"]) == (True, True)


def test_pass_through_functions_get_no_lambda_segments() -> None:
    # WHEN tracing is PassThrough THEN Lambda sends nothing
    assert lambda_segment_documents(replace(RECORD, tracing_mode="PassThrough")) == []
