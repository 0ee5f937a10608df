"""FilterLogEvents as fogbank answers it: filter patterns, streams, time range, pages, AWS's errors."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fogbank.cloud.aws_state.logs import put_events
from fogbank.cloud.router import AwsRequest
from fogbank.cloud.telemetry.logs_api import filter_log_events, handle_logs

from ..conftest import Clients

GROUP = "/aws/lambda/fn"


@pytest.fixture
def stored(aws: Clients) -> None:
    """Five events in two streams of GROUP, in moto's Logs state."""
    put_events(
        "us-east-1", GROUP, "s-a", [(1000, "START one"), (3000, '{"level": "ERROR", "n": 2}'), (5000, "END")]
    )
    put_events("us-east-1", GROUP, "s-b", [(2000, "ERROR plain"), (4000, '{"level": "INFO"}')])


def _messages(params: dict[str, Any]) -> list[str]:
    return [
        event["message"]
        for event in filter_log_events("us-east-1", {"logGroupName": GROUP, **params})["events"]
    ]


@pytest.mark.usefixtures("stored")
def test_patterns_streams_and_time_range_select_events_in_time_order() -> None:
    # WHEN events are filtered by text pattern, JSON pattern, stream, prefix and time range
    # THEN each answer holds exactly the matching events, oldest first across streams
    assert _messages({}) == [
        "START one",
        "ERROR plain",
        '{"level": "ERROR", "n": 2}',
        '{"level": "INFO"}',
        "END",
    ]
    assert _messages({"filterPattern": "ERROR"}) == ["ERROR plain", '{"level": "ERROR", "n": 2}']
    assert _messages({"filterPattern": '{ $.level = "ERROR" && $.n > 1 }'}) == ['{"level": "ERROR", "n": 2}']
    assert _messages({"logStreamNames": ["s-b"]}) == ["ERROR plain", '{"level": "INFO"}']
    assert _messages({"logStreamNamePrefix": "s-a", "startTime": 2000, "endTime": 5000}) == [
        '{"level": "ERROR", "n": 2}',
        "END",
    ]


@pytest.mark.usefixtures("stored")
def test_pages_follow_the_next_token_until_the_last_event() -> None:
    # WHEN the events are read two at a time, following nextToken
    pages: list[list[str]] = []
    params: dict[str, Any] = {"logGroupName": GROUP, "limit": 2}
    while True:
        result = filter_log_events("us-east-1", params)
        pages.append([e["message"] for e in result["events"]])
        if "nextToken" not in result:
            break
        params["nextToken"] = result["nextToken"]
    # THEN every event comes once, in order, and the last page says the streams were searched completely
    assert [len(page) for page in pages] == [2, 2, 1]
    assert pages[0][0] == "START one" and pages[-1] == ["END"]
    assert all(s["searchedCompletely"] for s in result["searchedLogStreams"])


@pytest.mark.usefixtures("stored")
def test_a_group_named_by_its_arn() -> None:
    # WHEN the group is named by logGroupIdentifier, an ARN with :*  THEN it is the same group
    arn = f"arn:aws:logs:us-east-1:123456789012:log-group:{GROUP}:*"
    result = filter_log_events("us-east-1", {"logGroupIdentifier": arn, "filterPattern": "END"})
    assert [e["message"] for e in result["events"]] == ["END"]


@pytest.mark.usefixtures("stored")
@pytest.mark.parametrize(
    ("params", "code", "words"),
    [
        (
            {"logGroupName": "/aws/lambda/ghost"},
            "ResourceNotFoundException",
            "does not exist: /aws/lambda/ghost",
        ),
        ({"logGroupName": GROUP, "logGroupIdentifier": GROUP}, "InvalidParameterException", "not both"),
        ({}, "InvalidParameterException", "logGroupName or logGroupIdentifier is required"),
        (
            {"logGroupName": GROUP, "logStreamNames": ["s-a"], "logStreamNamePrefix": "s"},
            "InvalidParameterException",
            "Cannot specify both",
        ),
        ({"logGroupName": GROUP, "filterPattern": "{ $.a = }"}, "InvalidParameterException", "value"),
        (
            {"logGroupName": GROUP, "limit": 10001},
            "InvalidParameterException",
            "limit must be between 1 and 10000",
        ),
        (
            {"logGroupName": GROUP, "nextToken": "garbage"},
            "InvalidParameterException",
            "nextToken 'garbage' is not valid",
        ),
    ],
)
def test_bad_requests_get_logs_error_codes(params: dict[str, Any], code: str, words: str) -> None:
    # WHEN FilterLogEvents is called with a bad request through the router's handler
    request = AwsRequest.build(
        "POST",
        "/",
        {"X-Amz-Target": "Logs_20140328.FilterLogEvents", "Content-Type": "application/x-amz-json-1.1"},
        json.dumps(params).encode(),
        service="logs",
    )
    answer = handle_logs(request)
    # THEN it is a 400 with Logs' error code and a message saying what is wrong
    assert answer is not None and answer.status == 400
    body = json.loads(answer.body)
    assert body["__type"] == code and words in body["message"]


def test_other_logs_operations_are_left_to_moto() -> None:
    # WHEN another Logs operation arrives THEN the handler passes (moto answers it)
    request = AwsRequest.build(
        "POST", "/", {"X-Amz-Target": "Logs_20140328.DescribeLogGroups"}, b"{}", service="logs"
    )
    assert handle_logs(request) is None
