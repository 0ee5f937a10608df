"""Lambda's log lines written into moto's Logs state, and read back in order."""

from __future__ import annotations

import pytest

from fogbank.cloud.aws_state.logs import LogGroupNotFound, put_events, stored_events

from ..conftest import Clients


def test_events_create_their_group_and_stream_and_come_back_in_time_order(aws: Clients) -> None:
    # GIVEN events written out of order to a group and stream that do not exist yet, in two streams
    put_events("us-east-1", "/aws/lambda/fn", "2026/01/01/[$LATEST]a", [(3000, "third"), (1000, "first")])
    put_events("us-east-1", "/aws/lambda/fn", "2026/01/01/[$LATEST]b", [(2000, "second")])
    put_events("us-east-1", "/aws/lambda/fn", "2026/01/01/[$LATEST]b", [])

    # WHEN they are read back, all, by stream name, and by prefix
    everything = stored_events("us-east-1", "/aws/lambda/fn")
    one_stream = stored_events("us-east-1", "/aws/lambda/fn", stream_names=["2026/01/01/[$LATEST]a"])
    by_prefix = stored_events("us-east-1", "/aws/lambda/fn", stream_prefix="2026/01/01/[$LATEST]b")

    # THEN they come sorted by time across streams, and filtered as asked
    assert [e.message for e in everything] == ["first", "second", "third"]
    assert [e.message for e in one_stream] == ["first", "third"]
    assert [(e.log_stream_name, e.message) for e in by_prefix] == [("2026/01/01/[$LATEST]b", "second")]
    # AND the Logs API sees the same group and events
    logs = aws("logs")
    assert [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]] == ["/aws/lambda/fn"]
    events = logs.get_log_events(logGroupName="/aws/lambda/fn", logStreamName="2026/01/01/[$LATEST]a")[
        "events"
    ]
    assert [e["message"] for e in events] == ["first", "third"]


def test_reading_a_group_that_does_not_exist_says_so(aws: Clients) -> None:
    # WHEN a missing group is read THEN LogGroupNotFound names it
    with pytest.raises(LogGroupNotFound, match="/aws/lambda/ghost"):
        stored_events("us-east-1", "/aws/lambda/ghost")
