"""Reading a function's Powertools Logger lines. CloudWatch Logs (AWS) is answered by botocore's Stubber,
which also checks every request against the service model; reading real logs of a deployed function is
tested in tests/integration/data_fetcher/test_powertools_handlers.py against a running local cloud."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from fogbank.data_fetcher.logs import get_logs, to_epoch_ms
from fogbank.errors import FetchTimeoutError

START = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
START_MS = 1_714_564_800_000


def line(message: Any, **extra: Any) -> str:
    document = {"level": "INFO", "location": "handler:7", "message": message, "timestamp": "2024-05-01 12:00:01",
                "service": "payment", **extra}  # fmt: skip
    return json.dumps(document)


def events(*messages: str) -> dict[str, Any]:
    return {"events": [{"logStreamName": "s", "timestamp": START_MS, "message": m, "eventId": str(i)}
                       for i, m in enumerate(messages)]}  # fmt: skip


@pytest.fixture
def logs() -> Iterator[tuple[Any, Stubber]]:
    client = boto3.client("logs", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield client, stubber


def expected(token: str | None = None) -> dict[str, Any]:
    params = {"logGroupName": "/aws/lambda/my-fn", "startTime": START_MS, "filterPattern": "message"}
    return {**params, "nextToken": token} if token else params


def test_structured_lines_of_every_page_are_read_and_the_rest_left_out(logs) -> None:
    # GIVEN two pages: Logger lines, a START line, an EMF blob (JSON but no Logger line), a JSON list
    client, stubber = logs
    emf = json.dumps({"_aws": {"CloudWatchMetrics": []}, "Orders": 1})
    stubber.add_response(
        "filter_log_events",
        {**events(line("cold", cold_start=True, order_id=7), "START RequestId: 1", emf), "nextToken": "t2"},
        expected(),
    )
    stubber.add_response(
        "filter_log_events", events(line({"a": 1}, cold_start=False), "[1, 2]"), expected("t2")
    )
    # WHEN fetched
    fetched = get_logs("my-fn", START, minimum_log_entries=2, log_client=client, timeout=5)
    # THEN the two Logger lines are there, their extra keys readable, and the helpers select among them
    assert len(fetched) == 2
    assert [log.message for log in fetched.get_cold_start_log()] == ["cold"]
    assert [log.order_id for log in fetched.get_log("order_id", 7)] == [7]  # type: ignore[attr-defined]
    assert fetched.get_log("order_id", 8) == [] and len(fetched.get_log("service")) == 2
    assert fetched.have_keys("level", "service") and not fetched.have_keys("order_id")
    stubber.assert_no_pending_responses()


def test_a_log_group_not_there_yet_is_waited_for(logs) -> None:
    # GIVEN a log group that appears on the second call (the function's first invocation is still starting)
    client, stubber = logs
    stubber.add_client_error(
        "filter_log_events", "ResourceNotFoundException", "The specified log group does not exist."
    )
    stubber.add_response("filter_log_events", events(line("hello")), expected())
    # WHEN fetched THEN the line is returned once the group exists
    assert [log.message for log in get_logs("my-fn", START, log_client=client, timeout=5).logs] == ["hello"]


def test_too_few_lines_time_out_saying_how_many_were_seen(logs) -> None:
    # GIVEN a log group that keeps holding one line while two are wanted
    client, stubber = logs
    for _ in range(200):
        stubber.add_response("filter_log_events", events(line("only one"), "END RequestId: 1"), expected())
    # WHEN fetched with a short deadline THEN the timeout says what was seen and where
    with pytest.raises(
        FetchTimeoutError,
        match=r"logs of my-fn.*1 structured line\(s\) of 2 wanted \(2 event\(s\) in /aws/lambda/my-fn",
    ):
        get_logs("my-fn", START, minimum_log_entries=2, log_client=client, timeout=0.3)


def test_epoch_milliseconds_take_a_naive_time_as_utc() -> None:
    # GIVEN the same moment naive, in UTC and in UTC+2 / WHEN converted THEN they give the same milliseconds
    naive = datetime(2024, 5, 1, 12, 0)
    assert to_epoch_ms(naive) == to_epoch_ms(START) == START_MS
    assert to_epoch_ms(datetime(2024, 5, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))) == START_MS
