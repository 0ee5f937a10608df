"""EventBridge rules of a CDK-synthesized stack deliver to real functions in a LocalCloud.

The stack is what a CDK app writes (`events.Rule` + `targets.LambdaFunction`, which adds the
`AWS::Lambda::Permission` for events.amazonaws.com with the rule's ARN as SourceArn), synthesized by aws-cdk-lib
here and deployed with `fogbank.deploy`. Each proof is the function's own log line: what its handler printed
(and, for the SQS target `targets.SqsQueue` adds with its queue policy, the message in the queue).

A scheduled rule cannot be waited for (its first firing is a minute away): the test moves the scheduler's
clock instead, through the seam the scheduler reads time from (`Scheduler.use_clock` + `ManualClock`). Everything
after that is real: the scheduler thread wakes, finds the rule due, builds the Scheduled Event and the function
is invoked through the Lambda component. Adds 6-11 s (CDK synth about 3 s, the deploy, six cold starts).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cdk_stack_support import deployed_stack, inline_python_function, printed
from fogbank.cloud import LocalCloud
from fogbank.cloud.events.scheduler import ManualClock

pytestmark = pytest.mark.slow

HANDLER = """
import json

def handler(event, context):
    print("RECEIVED " + json.dumps(event))
"""
STACK = "events-rules"


def _synthesize(outdir: Path) -> Path:
    import aws_cdk as cdk
    from aws_cdk import aws_events as events
    from aws_cdk import aws_events_targets as targets
    from aws_cdk import aws_lambda as lambda_
    from aws_cdk import aws_s3 as s3
    from aws_cdk import aws_sqs as sqs

    app = cdk.App(outdir=str(outdir))
    stack = cdk.Stack(app, "EventsRules", synthesizer=cdk.DefaultStackSynthesizer())

    def function(name: str) -> lambda_.Function:
        return inline_python_function(stack, name, HANDLER)

    orders, transformed, unpermitted, scheduled, uploads = (
        function(name) for name in ("Orders", "Transformed", "Unpermitted", "Scheduled", "Uploads")
    )
    inbox = sqs.Queue(stack, "Inbox")  # targets.SqsQueue adds an AWS::SQS::QueuePolicy for the rule
    cdk.CfnOutput(stack, "InboxUrl", value=inbox.queue_url)
    rule = events.Rule(
        stack,
        "OnOrder",
        event_pattern=events.EventPattern(source=["shop"], detail_type=["Order Placed"]),
        targets=[
            targets.LambdaFunction(orders),
            targets.LambdaFunction(
                transformed,
                event=events.RuleTargetInput.from_object(
                    {"order": events.EventField.from_path("$.detail.id"), "source": events.EventField.source}
                ),
            ),
            targets.SqsQueue(inbox),
        ],
    )
    cdk.CfnOutput(stack, "RuleArn", value=rule.rule_arn)
    # the L1 rule adds no permission: the function's policy does not allow events.amazonaws.com
    events.CfnRule(
        stack,
        "NoPermission",
        event_pattern={"source": ["shop"]},
        targets=[events.CfnRule.TargetProperty(id="Target0", arn=unpermitted.function_arn)],
    )
    timer = events.Rule(
        stack,
        "EveryMinute",
        schedule=events.Schedule.rate(cdk.Duration.minutes(1)),
        targets=[targets.LambdaFunction(scheduled)],
    )
    cdk.CfnOutput(stack, "TimerArn", value=timer.rule_arn)
    # S3 sends its events to the default bus (CDK's notifications custom resource sets EventBridgeConfiguration)
    bucket = s3.Bucket(stack, "UploadBucket", event_bridge_enabled=True)
    cdk.CfnOutput(stack, "UploadsBucket", value=bucket.bucket_name)
    events.Rule(
        stack,
        "OnUpload",
        event_pattern=events.EventPattern(
            source=["aws.s3"],
            detail_type=["Object Created"],
            detail={"bucket": {"name": [bucket.bucket_name]}},
        ),
        targets=[targets.LambdaFunction(uploads)],
    )
    app.synth()
    return outdir


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalCloud, dict[str, str]]]:
    with deployed_stack(_synthesize(tmp_path_factory.mktemp("cdk.out")), STACK) as deployed:
        yield deployed


def _received(cloud: LocalCloud, function: str, count: int = 1, timeout: float = 30.0) -> list[Any]:
    """The events the function's handler printed, once `count` are in its log group (deadline, no fixed sleep)."""
    return [json.loads(line) for line in printed(cloud, function, "RECEIVED", count, timeout)]


def test_a_matching_event_reaches_each_target_as_eventbridge_sends_it(
    deployed: tuple[LocalCloud, dict[str, str]], caplog: pytest.LogCaptureFixture
) -> None:
    cloud, outputs = deployed
    # GIVEN the deployed rule, its two permitted targets and a rule whose target has no permission
    # WHEN an application puts a matching event (and one no rule matches)
    with caplog.at_level(logging.WARNING, logger="fogbank.cloud.events"):
        answer = cloud.client("events").put_events(
            Entries=[
                {"Source": "shop", "DetailType": "Order Placed", "Detail": json.dumps({"id": 7})},
                {"Source": "elsewhere", "DetailType": "Order Placed", "Detail": "{}"},
            ]
        )
    event_id = answer["Entries"][0]["EventId"]
    # THEN the plain target's handler received exactly the envelope EventBridge sends
    [received] = _received(cloud, outputs["OrdersName"])
    assert received == {
        "version": "0",
        "id": event_id,
        "detail-type": "Order Placed",
        "source": "shop",
        "account": "123456789012",
        "time": received["time"],
        "region": "us-east-1",
        "resources": [],
        "detail": {"id": 7},
    }
    assert time.strptime(received["time"], "%Y-%m-%dT%H:%M:%SZ")
    # AND the queue target received the same envelope as its message body
    messages = cloud.client("sqs").receive_message(QueueUrl=outputs["InboxUrl"], MaxNumberOfMessages=10)
    assert [json.loads(m["Body"]) for m in messages["Messages"]] == [received]
    # AND the target with an input transformer received the transformed input
    assert _received(cloud, outputs["TransformedName"]) == [{"order": 7, "source": "shop"}]
    # AND the function whose policy does not allow EventBridge was not invoked (no log group: it never ran),
    # the cloud's log says which rule, target and permission
    assert _received(cloud, outputs["UnpermittedName"], timeout=0) == []
    assert "/aws/lambda/" + outputs["UnpermittedName"] not in [
        g["logGroupName"] for g in cloud.client("logs").describe_log_groups()["logGroups"]
    ]
    [denial] = [r.getMessage() for r in caplog.records if "did not invoke" in r.getMessage()]
    assert outputs["UnpermittedName"] in denial and "Target0" in denial
    assert "does not allow events.amazonaws.com to call lambda:InvokeFunction" in denial
    # AND the run's IAM findings list the denial
    findings = [finding.line() for finding, _ in cloud.components.iam.findings()]
    assert any("events.amazonaws.com lambda:InvokeFunction" in line for line in findings)


def test_a_scheduled_rule_fires_when_its_time_comes(deployed: tuple[LocalCloud, dict[str, str]]) -> None:
    cloud, outputs = deployed
    # GIVEN the rate(1 minute) rule, and the scheduler reading a clock the test moves (see the module docstring)
    clock = ManualClock(time.time())
    cloud.components.events.scheduler.use_clock(clock)
    assert _received(cloud, outputs["ScheduledName"], timeout=0) == []
    # WHEN a minute passes on that clock
    clock.advance(60)
    # THEN the function receives EventBridge's Scheduled Event naming the rule
    [received] = _received(cloud, outputs["ScheduledName"])
    assert {k: v for k, v in received.items() if k not in ("id", "time")} == {
        "version": "0",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "region": "us-east-1",
        "resources": [outputs["TimerArn"]],
        "detail": {},
    }
    assert received["time"] == time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(clock.now())))


def test_s3_sends_each_upload_once_to_the_default_bus_with_its_own_id(
    deployed: tuple[LocalCloud, dict[str, str]],
) -> None:
    cloud, outputs = deployed
    # GIVEN a bucket with EventBridge enabled and a rule for its Object Created events
    s3 = cloud.client("s3")
    # WHEN two objects are put
    s3.put_object(Bucket=outputs["UploadsBucket"], Key="a.txt", Body=b"hello")
    s3.put_object(Bucket=outputs["UploadsBucket"], Key="b.txt", Body=b"x")
    # THEN the function received two Object Created events (not an "Object Tags Added" more), each its own id
    received = _received(cloud, outputs["UploadsName"], count=2)
    assert sorted(event["detail"]["object"]["key"] for event in received) == ["a.txt", "b.txt"]
    assert {event["detail-type"] for event in received} == {"Object Created"}
    assert len({event["id"] for event in received}) == 2
    assert {event["detail"]["reason"] for event in received} == {"PutObject"}
    assert _received(cloud, outputs["UploadsName"], count=3, timeout=1) == received
