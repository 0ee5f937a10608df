"""Reading invocations back on a deadline. AWS itself cannot run here, so its late delivery of logs and
traces is played by a stand-in client that answers like CloudWatch Logs and X-Ray do while data arrives."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from fogbank.report.capture import InvokeRecord
from fogbank.report.collect import FunctionInfo, attach_front_doors, collect_invocations
from fogbank.report.model import FrontDoorRequest, Invocation

NOW = datetime.now(UTC)
MS = int(NOW.timestamp() * 1000)
TRACE = "1-abc-def"
LINES = [
    {"timestamp": MS, "message": "START RequestId: r1 Version: $LATEST", "logStreamName": "s"},
    {"timestamp": MS + 1, "message": "hello", "logStreamName": "s"},
    {"timestamp": MS + 2, "message": "END RequestId: r1", "logStreamName": "s"},
    {"timestamp": MS + 2, "message": f"REPORT RequestId: r1\tDuration: 2.00 ms\t\nXRAY TraceId: {TRACE}\tSegmentId: 1\tSampled: true\t", "logStreamName": "s"},
]  # fmt: skip
SEGMENT = {
    "id": "f",
    "name": "fn",
    "origin": "AWS::Lambda::Function",
    "start_time": NOW.timestamp(),
    "end_time": NOW.timestamp() + 0.002,
}


class _Paginator:
    def __init__(self, pages: list[dict[str, Any]]) -> None:
        self.pages = pages

    def paginate(self, **_: Any) -> list[dict[str, Any]]:
        return self.pages


class LateAws:
    """Logs show the REPORT line only from the `logs_after`-th read on; traces from the `traces_after`-th."""

    def __init__(self, logs_after: int, traces_after: int) -> None:
        self.logs_after, self.traces_after = logs_after, traces_after
        self.log_reads = self.trace_reads = 0

    def client(self, service: str) -> Any:
        return self

    def get_paginator(self, name: str) -> _Paginator:
        self.log_reads += 1
        lines = LINES if self.log_reads >= self.logs_after else LINES[:2]
        return _Paginator([{"events": lines}])

    def batch_get_traces(self, TraceIds: list[str], **_: Any) -> dict[str, Any]:
        self.trace_reads += 1
        if self.trace_reads < self.traces_after:
            return {"Traces": []}
        return {"Traces": [{"Id": TRACE, "Segments": [{"Id": "f", "Document": json.dumps(SEGMENT)}]}]}


INVOKE = InvokeRecord(
    function="fn",
    request_id="r1",
    started_at=NOW,
    payload='{"a": 1}',
    response='{"ok": true}',
    function_error=None,
)
FUNCTIONS = [FunctionInfo(name="fn", log_group="/aws/lambda/fn", traced=True)]


def test_late_logs_and_traces_are_waited_for_until_they_arrive():
    # GIVEN logs that arrive on the 3rd read and a trace on the 2nd, as on AWS
    aws = LateAws(logs_after=3, traces_after=2)
    # WHEN the invocations of the window are collected
    found = collect_invocations(
        aws, FUNCTIONS, NOW - timedelta(seconds=1), NOW + timedelta(seconds=1), [INVOKE], timeout=20
    )
    # THEN reading went on until both were there, and the test's payload and response are attached
    assert (aws.log_reads, aws.trace_reads) == (3, 2)
    assert found.notes == []
    [invocation] = found.invocations
    assert (
        invocation.duration_ms == 2.0
        and invocation.payload == '{"a": 1}'
        and invocation.response == '{"ok": true}'
    )
    assert invocation.trace is not None and invocation.trace.segments[0].origin == "AWS::Lambda::Function"


def test_what_never_arrives_becomes_a_note_at_the_deadline():
    # GIVEN logs that never show the REPORT line of the test's Invoke
    aws = LateAws(logs_after=10**9, traces_after=1)
    # WHEN collected with a short deadline
    found = collect_invocations(
        aws, FUNCTIONS, NOW - timedelta(seconds=1), NOW + timedelta(seconds=1), [INVOKE], timeout=0.3
    )
    # THEN the report says what is missing instead of failing or waiting on
    assert len(found.notes) == 1 and "no REPORT line yet for request(s) r1" in found.notes[0]
    assert [i.duration_ms for i in found.invocations] == [None]


def test_invokes_of_other_stacks_functions_are_not_waited_for():
    # GIVEN the test also invoked a function of another stack (by ARN) whose logs this feature never reads
    other = InvokeRecord(
        function="arn:aws:lambda:us-east-1:123456789012:function:elsewhere:live",
        request_id="r9",
        started_at=NOW,
        payload="{}",
        response="{}",
        function_error=None,
    )
    aws = LateAws(logs_after=1, traces_after=1)
    # WHEN the stack's invocations are collected
    found = collect_invocations(
        aws, FUNCTIONS, NOW - timedelta(seconds=1), NOW + timedelta(seconds=1), [INVOKE, other], timeout=20
    )
    # THEN the first complete read is enough: nothing waits for the other stack's request id
    assert aws.log_reads == 1 and found.notes == []
    assert [invocation.request_id for invocation in found.invocations] == ["r1"]


def test_front_door_requests_go_to_the_invocations_they_were_in_flight_for():
    # GIVEN a request of 1 s, an invocation inside it and one after it
    request = FrontDoorRequest(
        method="GET", url="http://door/x", status=200, started_at=NOW, duration_seconds=1.0
    )
    inside = Invocation(function_name="fn", request_id="a", started_at=NOW + timedelta(milliseconds=300))
    after = Invocation(function_name="fn", request_id="b", started_at=NOW + timedelta(seconds=3))
    # WHEN attached THEN only the invocation in flight got it
    attach_front_doors([inside, after], [request])
    assert inside.front_door_requests == [request] and after.front_door_requests == []
