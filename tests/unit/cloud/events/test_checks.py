"""PutRule and PutTargets through the API refuse what AWS refuses, and what the local cloud would not deliver."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from fogbank.cloud.aws_state import events as events_state
from fogbank.cloud.events.checks import put_rule_refusal, put_targets_refusal

from ..conftest import Clients

REGION_ACCOUNT = "us-east-1:123456789012"
FUNCTION = f"arn:aws:lambda:{REGION_ACCOUNT}:function:fn"


@pytest.fixture
def events(aws: Clients) -> Iterator[Any]:
    """An events client on moto with the hooks the events component installs (delivery recorded, not run)."""
    events_state.install(
        lambda rule, event: None,
        lambda: None,
        refuse_rule=put_rule_refusal,
        refuse_targets=put_targets_refusal,
    )
    try:
        yield aws("events")
    finally:
        events_state.uninstall()


@pytest.mark.parametrize(
    "expression",
    ["rate(1 minutes)", "rate(5 minute)", "rate(0 minutes)", "cron(0 12 * * * *)", "cron(0 12 * * ?)"],
)
def test_put_rule_refuses_a_schedule_aws_refuses_with_its_message(events: Any, expression: str) -> None:
    # GIVEN a schedule expression moto's regex accepted and AWS refuses WHEN PutRule THEN AWS's ValidationException
    with pytest.raises(events.exceptions.ClientError) as raised:
        events.put_rule(Name="r", ScheduleExpression=expression)
    error = raised.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "ValidationException",
        "Parameter ScheduleExpression is not valid.",
    )
    # AND no rule was made
    assert events.list_rules()["Rules"] == []


def test_put_rule_refuses_a_cron_the_local_scheduler_cannot_run_naming_it(events: Any) -> None:
    # GIVEN a cron AWS documents (15W: the weekday nearest the 15th) WHEN PutRule THEN refused, saying it is local
    with pytest.raises(events.exceptions.ClientError, match=r"not supported by the local cloud: .*15W"):
        events.put_rule(Name="r", ScheduleExpression="cron(0 12 15W * ? *)")
    # AND a cron that never fires is accepted, as AWS accepts it (the scheduler drops it, logging once)
    events.put_rule(Name="feb31", ScheduleExpression="cron(0 0 31 2 ? *)")


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ({"Arn": f"arn:aws:sns:{REGION_ACCOUNT}:topic"}, "is not delivered by the local cloud's EventBridge"),
        ({"Arn": f"arn:aws:events:{REGION_ACCOUNT}:api-destination/d/1"}, "is not delivered by the local"),
        ({"Arn": f"arn:aws:lambda:{REGION_ACCOUNT}:layer:l"}, "is not delivered by the local"),
        ({"Arn": FUNCTION, "RetryPolicy": {"MaximumRetryAttempts": 1}}, "uses RetryPolicy"),
        ({"Arn": FUNCTION, "Input": "{not json"}, "Input must be valid JSON"),
        ({"Arn": FUNCTION, "Input": "{}", "InputPath": "$.detail"}, "only one of Input, InputPath"),
    ],
)
def test_put_targets_refuses_a_target_the_local_cloud_would_not_deliver_naming_it(
    events: Any, target: dict[str, Any], message: str
) -> None:
    # GIVEN a rule WHEN PutTargets adds a good target and one the local cloud cannot deliver
    events.put_rule(Name="r", EventPattern=json.dumps({"source": ["shop"]}))
    with pytest.raises(events.exceptions.ClientError) as raised:
        events.put_targets(Rule="r", Targets=[{"Id": "ok", "Arn": FUNCTION}, {"Id": "bad", **target}])
    # THEN ValidationException names the target and what is wrong; nothing was added
    error = raised.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert error["Message"].startswith("target bad") and message in error["Message"]
    assert events.list_targets_by_rule(Rule="r")["Targets"] == []


def test_put_targets_refuses_a_fifo_queue_without_content_based_deduplication(
    aws: Clients, events: Any
) -> None:
    # GIVEN a FIFO queue without content-based deduplication and one with it
    sqs = aws("sqs")
    sqs.create_queue(QueueName="plain.fifo", Attributes={"FifoQueue": "true"})
    sqs.create_queue(
        QueueName="dedup.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"}
    )
    events.put_rule(Name="r", EventPattern=json.dumps({"source": ["shop"]}))
    group = {"SqsParameters": {"MessageGroupId": "g"}}
    # WHEN each is a target THEN the first is refused naming the fix, the second accepted
    with pytest.raises(events.exceptions.ClientError, match="Set ContentBasedDeduplication"):
        events.put_targets(
            Rule="r", Targets=[{"Id": "q", "Arn": f"arn:aws:sqs:{REGION_ACCOUNT}:plain.fifo", **group}]
        )
    events.put_targets(
        Rule="r", Targets=[{"Id": "q", "Arn": f"arn:aws:sqs:{REGION_ACCOUNT}:dedup.fifo", **group}]
    )
    # AND the good targets of the other kinds are accepted
    events.put_targets(
        Rule="r",
        Targets=[
            {"Id": "f", "Arn": FUNCTION},
            {"Id": "b", "Arn": f"arn:aws:events:{REGION_ACCOUNT}:event-bus/default"},
            {"Id": "l", "Arn": f"arn:aws:logs:{REGION_ACCOUNT}:log-group:/aws/events/x:*"},
        ],
    )
    assert len(events.list_targets_by_rule(Rule="r")["Targets"]) == 4
