"""EventBridge rules and buses deployed by the in-process engine into moto's EventBridge state.

Only the definitions are checked here (what PutRule and PutTargets store); delivery to functions runs in
tests/integration/events.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from ...conftest import Clients
from ..conftest import body, delete, deploy, settled

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:orders"


def _rule(**properties: Any) -> dict[str, Any]:
    return {"Type": "AWS::Events::Rule", "Properties": properties}


def _failure(cfn: Any, stack: str, template: str) -> str:
    cfn.create_stack(StackName=stack, TemplateBody=template)
    assert settled(cfn, stack)["StackStatus"] == "ROLLBACK_COMPLETE"
    events = cfn.describe_stack_events(StackName=stack)["StackEvents"]
    return " ".join(
        e.get("ResourceStatusReason", "") for e in events if e["ResourceStatus"] == "CREATE_FAILED"
    )


def test_a_rule_with_targets_is_created_updated_in_place_and_deleted(cfn: Any, aws: Clients) -> None:
    # GIVEN a rule as CDK writes it: a pattern object, a Lambda target with an input transformer, an SQS target
    queue_arn = "arn:aws:sqs:us-east-1:123456789012:inbox"
    transformer = {"InputPathsMap": {"id": "$.detail.id"}, "InputTemplate": '{"order": <id>}'}
    template = body(
        {
            "OnOrder": _rule(
                EventPattern={"source": ["shop"], "detail-type": ["Order Placed"]},
                State="ENABLED",
                Targets=[
                    {"Id": "Target0", "Arn": FUNCTION, "InputTransformer": transformer},
                    {"Id": "Target1", "Arn": queue_arn, "Input": '{"constant": true}'},
                ],
            )
        },
        Outputs={"Name": {"Value": {"Ref": "OnOrder"}}, "Arn": {"Value": {"Fn::GetAtt": ["OnOrder", "Arn"]}}},
    )
    # WHEN it is deployed
    outputs = deploy(cfn, "rules", template)
    # THEN Ref is the generated name on the default bus and GetAtt Arn its ARN; pattern and targets are stored
    events = aws("events")
    assert outputs["Name"].startswith("rules-OnOrder-")
    assert outputs["Arn"] == f"arn:aws:events:us-east-1:123456789012:rule/{outputs['Name']}"
    rule = events.describe_rule(Name=outputs["Name"])
    assert json.loads(rule["EventPattern"]) == {"source": ["shop"], "detail-type": ["Order Placed"]}
    assert rule["State"] == "ENABLED"
    targets = {t["Id"]: t for t in events.list_targets_by_rule(Rule=outputs["Name"])["Targets"]}
    assert targets["Target0"]["InputTransformer"] == transformer and targets["Target1"]["Arn"] == queue_arn

    # WHEN it is updated: disabled, the SQS target dropped, the Lambda target given a constant Input
    updated = json.loads(template)
    updated["Resources"]["OnOrder"]["Properties"].update(
        State="DISABLED", Targets=[{"Id": "Target0", "Arn": FUNCTION, "Input": '{"fixed": 1}'}]
    )
    again = deploy(cfn, "rules", json.dumps(updated), update=True)
    # THEN the same rule (same name) is disabled with the one target as now written
    assert again["Name"] == outputs["Name"]
    assert events.describe_rule(Name=outputs["Name"])["State"] == "DISABLED"
    assert events.list_targets_by_rule(Rule=outputs["Name"])["Targets"] == [
        {"Id": "Target0", "Arn": FUNCTION, "Input": '{"fixed": 1}'}
    ]

    # WHEN the stack is deleted THEN the rule is gone
    assert delete(cfn, "rules")["StackStatus"] == "DELETE_COMPLETE"
    assert events.list_rules()["Rules"] == []


def test_a_rule_on_a_custom_bus_answers_bus_and_name_to_ref(cfn: Any, aws: Clients) -> None:
    # GIVEN a custom event bus and a named schedule-free rule on it
    template = body(
        {
            "Bus": {"Type": "AWS::Events::EventBus", "Properties": {"Name": "orders", "Description": "d"}},
            "Rule": _rule(
                Name="on-order",
                EventBusName={"Ref": "Bus"},
                EventPattern={"source": ["shop"]},
                Targets=[{"Id": "f", "Arn": FUNCTION}],
            ),
        },
        Outputs={
            "Ref": {"Value": {"Ref": "Rule"}},
            "Arn": {"Value": {"Fn::GetAtt": ["Rule", "Arn"]}},
            "Bus": {"Value": {"Fn::GetAtt": ["Bus", "Arn"]}},
        },
    )
    # WHEN it is deployed
    outputs = deploy(cfn, "bus", template)
    # THEN Ref is "<bus>|<rule>", as CloudFormation answers for a rule on a custom bus, and the ARNs name the bus
    assert outputs["Ref"] == "orders|on-order"
    assert outputs["Arn"] == "arn:aws:events:us-east-1:123456789012:rule/orders/on-order"
    assert outputs["Bus"] == "arn:aws:events:us-east-1:123456789012:event-bus/orders"
    assert aws("events").describe_rule(Name="on-order", EventBusName="orders")["EventBusName"] == "orders"
    # WHEN deleted THEN rule and bus are gone
    assert delete(cfn, "bus")["StackStatus"] == "DELETE_COMPLETE"
    assert [b["Name"] for b in aws("events").list_event_buses()["EventBuses"]] == ["default"]


def test_a_scheduled_rule_is_stored_with_its_expression(cfn: Any, aws: Clients) -> None:
    # GIVEN a rule with events.Schedule.rate(Duration.minutes(5)) and a cron rule, as CDK writes them
    template = body(
        {
            "Every5": _rule(ScheduleExpression="rate(5 minutes)", Targets=[{"Id": "f", "Arn": FUNCTION}]),
            "Nightly": _rule(
                ScheduleExpression="cron(0 2 ? * MON-FRI *)", Targets=[{"Id": "f", "Arn": FUNCTION}]
            ),
        },
        Outputs={"Every5": {"Value": {"Ref": "Every5"}}},
    )
    # WHEN deployed THEN the rule keeps its expression
    outputs = deploy(cfn, "sched", template)
    assert aws("events").describe_rule(Name=outputs["Every5"])["ScheduleExpression"] == "rate(5 minutes)"


@pytest.mark.parametrize(
    ("properties", "reason"),
    [
        (
            {
                "EventPattern": {"source": ["a"]},
                "Targets": [{"Id": "t", "Arn": "arn:aws:sns:us-east-1:1:topic"}],
            },
            "target t (arn:aws:sns:us-east-1:1:topic) is not delivered by the local cloud's EventBridge",
        ),
        (
            {
                "EventPattern": {"source": ["a"]},
                "Targets": [{"Id": "t", "Arn": FUNCTION, "RetryPolicy": {"MaximumRetryAttempts": 1}}],
            },
            "target t uses RetryPolicy, which the local cloud's EventBridge does not apply",
        ),
        ({"ScheduleExpression": "rate(1 minutes)"}, "use the singular unit for 1"),
        (
            {"ScheduleExpression": "cron(0 12 * * * *)"},
            "exactly one of day-of-month and day-of-week must be ?",
        ),
        (
            {
                "EventPattern": {"source": ["a"]},
                "Targets": [{"Id": "t", "Arn": FUNCTION, "Input": "not json"}],
            },
            "target t: Input must be valid JSON text",
        ),
        (
            {
                "EventPattern": {"source": ["a"]},
                "Targets": [{"Id": "t", "Arn": FUNCTION, "InputPath": "$..detail"}],
            },
            "is not supported by the local cloud's EventBridge",
        ),
    ],
)
def test_what_the_local_cloud_cannot_deliver_fails_the_rule_naming_it(
    cfn: Any, aws: Clients, properties: dict[str, Any], reason: str
) -> None:
    # GIVEN a rule the local cloud cannot run as AWS would WHEN it is deployed THEN the stack fails naming why
    found = _failure(cfn, "bad", body({"Broken": _rule(**properties)}))
    assert "Broken (AWS::Events::Rule)" in found and reason in found
