"""Log subscription filters deployed by the in-process engine into moto's CloudWatch Logs state.

Only the filters are checked here (what PutSubscriptionFilter stores); the permission check and the delivery
to a running function are in tests/integration/cloudformation/test_event_source_stacks.py.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest

from ...conftest import Clients, lambda_role
from ..conftest import delete, deploy, settled


def _function(aws: Clients) -> str:
    """A function in moto's Lambda state (no runtime runs it here): its ARN."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("index.py", "def handler(event, context):\n    return None\n")
    answer = aws("lambda").create_function(
        FunctionName="watcher",
        Runtime="python3.11",
        Role=lambda_role(aws),
        Handler="index.handler",
        Code={"ZipFile": archive.getvalue()},
    )
    return str(answer["FunctionArn"])


def _stack(destination: str, **subscription: Any) -> dict[str, Any]:
    return {
        "Resources": {
            "Group": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "/app/orders"}},
            "Filter": {
                "Type": "AWS::Logs::SubscriptionFilter",
                "Properties": {
                    "DestinationArn": destination,
                    "LogGroupName": {"Ref": "Group"},
                    **subscription,
                },
            },
        },
        "Outputs": {"Ref": {"Value": {"Ref": "Filter"}}},
    }


def test_a_filter_to_a_function_is_created_updated_and_deleted(cfn: Any, aws: Clients) -> None:
    # GIVEN a log group subscribed to a function as CDK's SubscriptionFilter(LambdaDestination) writes it
    function = _function(aws)
    # WHEN it is deployed
    name = deploy(cfn, "subs", json.dumps(_stack(function, FilterPattern="")))["Ref"]
    # THEN Ref is the generated filter name, and CloudWatch Logs holds the filter
    logs = aws("logs")
    [stored] = logs.describe_subscription_filters(logGroupName="/app/orders")["subscriptionFilters"]
    assert name.startswith("subs-Filter-") and stored["filterName"] == name
    assert (stored["destinationArn"], stored["filterPattern"]) == (function, "")

    # WHEN its pattern changes THEN the same filter holds the new pattern
    again = deploy(
        cfn, "subs", json.dumps(_stack(function, FilterPattern='{ $.level = "ERROR" }')), update=True
    )
    assert again["Ref"] == name
    [stored] = logs.describe_subscription_filters(logGroupName="/app/orders")["subscriptionFilters"]
    assert stored["filterPattern"] == '{ $.level = "ERROR" }'

    # WHEN the stack is deleted THEN the filter is gone with its group
    assert delete(cfn, "subs")["StackStatus"] == "DELETE_COMPLETE"
    assert logs.describe_log_groups(logGroupNamePrefix="/app/orders")["logGroups"] == []


@pytest.mark.parametrize(
    ("destination", "subscription", "words"),
    [
        (
            "arn:aws:kinesis:us-east-1:123456789012:stream/s",
            {"FilterPattern": ""},
            "is not a Lambda function",
        ),
        (None, {"FilterPattern": "{ $.level = }"}, "FilterPattern: Invalid filter pattern"),
        (None, {"FilterPattern": "", "Distribution": "Random"}, "Distribution"),
    ],
)
def test_what_the_local_cloud_does_not_deliver_fails_the_resource_naming_it(
    cfn: Any, aws: Clients, destination: str | None, subscription: dict[str, Any], words: str
) -> None:
    # GIVEN a filter to another destination, with a pattern that does not parse, or with a Kinesis-only setting
    template = _stack(destination or _function(aws), **subscription)
    # WHEN it is deployed THEN the resource fails naming what is not supported
    cfn.create_stack(StackName="refused", TemplateBody=json.dumps(template))
    assert settled(cfn, "refused")["StackStatus"] == "ROLLBACK_COMPLETE"
    events = cfn.describe_stack_events(StackName="refused")["StackEvents"]
    reasons = " ".join(
        e.get("ResourceStatusReason", "") for e in events if e["ResourceStatus"] == "CREATE_FAILED"
    )
    assert words in reasons
