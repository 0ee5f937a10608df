"""Delivery to Lambda targets: the function's resource policy decides, then an asynchronous invoke."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from fogbank.cloud.aws_state.events import MatchedRule
from fogbank.cloud.events.delivery import TargetDelivery
from fogbank.cloud.lambda_.api import InvokeResult

from ..conftest import Clients, lambda_role, zip_of

RULE_ARN = "arn:aws:events:us-east-1:123456789012:rule/r"
EVENT = {"version": "0", "id": "e", "detail-type": "T", "source": "s", "detail": {"n": 1}}


class RecordingLambda:
    """Stands in for the Lambda component (worker processes are integration tests): records each invoke."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, bytes, str]] = []

    def invoke(
        self, function: str, payload: bytes, *, invocation_type: str = "RequestResponse", **_: Any
    ) -> InvokeResult:
        self.calls.append((function, payload, invocation_type))
        return InvokeResult(202, b"")


@pytest.fixture
def function_arn(aws: Clients) -> str:
    answer = aws("lambda").create_function(
        FunctionName="fn",
        Runtime="python3.11",
        Role=lambda_role(aws),
        Handler="app.handler",
        Code={"ZipFile": zip_of({"app.py": "def handler(e, c): return e"})},
    )
    return str(answer["FunctionArn"])


def _rule(function_arn: str, **target: Any) -> MatchedRule:
    return MatchedRule(
        "r", RULE_ARN, "default", "123456789012", "us-east-1", ({"Id": "t", "Arn": function_arn, **target},)
    )


def test_with_the_permission_the_function_is_invoked_asynchronously_with_the_targets_input(
    aws: Clients, function_arn: str
) -> None:
    # GIVEN the permission targets.LambdaFunction adds: events.amazonaws.com from this rule
    aws("lambda").add_permission(
        FunctionName="fn", StatementId="s", Action="lambda:InvokeFunction",
        Principal="events.amazonaws.com", SourceArn=RULE_ARN,
    )  # fmt: skip
    lambda_ = RecordingLambda()
    # WHEN an event is delivered to a plain target and to one with an InputPath
    TargetDelivery(lambda_).deliver(_rule(function_arn), EVENT)
    TargetDelivery(lambda_).deliver(_rule(function_arn, InputPath="$.detail"), EVENT)
    # THEN both are Event invokes with the event, then the part the path names
    assert [(f, json.loads(p), t) for f, p, t in lambda_.calls] == [
        (function_arn, EVENT, "Event"),
        (function_arn, {"n": 1}, "Event"),
    ]


@pytest.mark.parametrize("source_arn", [None, "arn:aws:events:us-east-1:123456789012:rule/another"])
def test_without_a_matching_permission_nothing_is_invoked_and_the_denial_is_logged_and_noted(
    aws: Clients, function_arn: str, source_arn: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    # GIVEN no permission at all, or one for another rule
    if source_arn is not None:
        aws("lambda").add_permission(
            FunctionName="fn", StatementId="s", Action="lambda:InvokeFunction",
            Principal="events.amazonaws.com", SourceArn=source_arn,
        )  # fmt: skip
    lambda_ = RecordingLambda()
    noted: list[tuple[str, str, str]] = []
    # WHEN an event is delivered
    with caplog.at_level(logging.WARNING, logger="fogbank.cloud.events"):
        TargetDelivery(lambda_, lambda *finding: noted.append(finding)).deliver(_rule(function_arn), EVENT)
    # THEN the function is not invoked; one warning names rule, target and the missing permission
    assert lambda_.calls == []
    [record] = caplog.records
    assert RULE_ARN in record.getMessage() and "target t" in record.getMessage()
    assert "does not allow events.amazonaws.com to call lambda:InvokeFunction" in record.getMessage()
    assert noted == [("events.amazonaws.com", "lambda:InvokeFunction", function_arn)]


def test_a_queue_and_a_log_group_receive_the_targets_input(aws: Clients) -> None:
    # GIVEN a queue target with a transformer and a log group target
    url = aws("sqs").create_queue(QueueName="inbox")["QueueUrl"]
    aws("logs").create_log_group(logGroupName="/aws/events/audit")
    transformer = {"InputPathsMap": {"n": "$.detail.n"}, "InputTemplate": '{"n": <n>}'}
    rule = MatchedRule(
        "r",
        RULE_ARN,
        "default",
        "123456789012",
        "us-east-1",
        (
            {"Id": "q", "Arn": "arn:aws:sqs:us-east-1:123456789012:inbox", "InputTransformer": transformer},
            {"Id": "l", "Arn": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/audit:*"},
        ),
    )
    # WHEN an event is delivered
    TargetDelivery(RecordingLambda()).deliver(rule, EVENT)
    # THEN the queue got the transformed input and the log group the event, in the stream named after its id
    assert [json.loads(m["Body"]) for m in aws("sqs").receive_message(QueueUrl=url)["Messages"]] == [{"n": 1}]
    logged = aws("logs").get_log_events(logGroupName="/aws/events/audit", logStreamName="e")["events"]
    assert [json.loads(e["message"]) for e in logged] == [EVENT]


def test_a_queue_that_cannot_take_the_message_is_a_logged_failed_invocation(
    aws: Clients, caplog: pytest.LogCaptureFixture
) -> None:
    # GIVEN a target queue that does not exist
    rule = MatchedRule(
        "r",
        RULE_ARN,
        "default",
        "123456789012",
        "us-east-1",
        ({"Id": "q", "Arn": "arn:aws:sqs:us-east-1:123456789012:gone"},),
    )
    # WHEN an event is delivered THEN one warning names the rule, the target and why
    with caplog.at_level(logging.WARNING, logger="fogbank.cloud.events"):
        TargetDelivery(RecordingLambda()).deliver(rule, EVENT)
    [record] = caplog.records
    assert "did not deliver to target q" in record.getMessage() and RULE_ARN in record.getMessage()
