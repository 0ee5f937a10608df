"""Change sets on the in-process engine, driven by boto3 and its waiters as the CDK CLI drives them."""

from __future__ import annotations

from typing import Any

import pytest

from ..conftest import Clients
from .conftest import body, settled

WAIT = {"Delay": 1, "MaxAttempts": 30}


def _queue(name: str, delay: int = 0) -> dict[str, Any]:
    return {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": name, "DelaySeconds": delay}}


def _changes(cfn: Any, name: str) -> list[tuple[str, str, str | None]]:
    described = cfn.describe_change_set(StackName="shop", ChangeSetName=name)
    return sorted(
        (
            c["ResourceChange"]["Action"],
            c["ResourceChange"]["LogicalResourceId"],
            c["ResourceChange"].get("Replacement"),
        )
        for c in described["Changes"]
    )


def test_a_create_change_set_reviews_then_creates_the_stack(cfn: Any, aws: Clients) -> None:
    # WHEN a CREATE change set is made
    cfn.create_change_set(
        StackName="shop",
        ChangeSetName="first",
        ChangeSetType="CREATE",
        TemplateBody=body({"Jobs": _queue("jobs")}),
    )
    cfn.get_waiter("change_set_create_complete").wait(
        StackName="shop", ChangeSetName="first", WaiterConfig=WAIT
    )

    # THEN the stack waits in review with nothing made yet, and the change set lists what it would add
    assert cfn.describe_stacks(StackName="shop")["Stacks"][0]["StackStatus"] == "REVIEW_IN_PROGRESS"
    assert aws("sqs").list_queues().get("QueueUrls", []) == []
    assert _changes(cfn, "first") == [("Add", "Jobs", None)]

    # WHEN it is executed THEN the stack is created as CreateStack would, and the change set is spent
    cfn.execute_change_set(StackName="shop", ChangeSetName="first")
    assert settled(cfn, "shop")["StackStatus"] == "CREATE_COMPLETE"
    assert len(aws("sqs").list_queues()["QueueUrls"]) == 1
    summary = cfn.list_change_sets(StackName="shop")["Summaries"][0]
    assert summary["ExecutionStatus"] == "EXECUTE_COMPLETE"
    with pytest.raises(cfn.exceptions.InvalidChangeSetStatusException):
        cfn.execute_change_set(StackName="shop", ChangeSetName="first")


def test_an_update_change_set_lists_add_modify_and_remove(cfn: Any) -> None:
    # GIVEN a stack with two queues
    cfn.create_stack(StackName="shop", TemplateBody=body({"Keep": _queue("keep"), "Drop": _queue("drop")}))
    settled(cfn, "shop")
    # WHEN an UPDATE change set changes one, removes one and adds one
    new = body({"Keep": _queue("keep", delay=5), "New": _queue("new")})
    cfn.create_change_set(StackName="shop", ChangeSetName="second", ChangeSetType="UPDATE", TemplateBody=new)
    cfn.get_waiter("change_set_create_complete").wait(
        StackName="shop", ChangeSetName="second", WaiterConfig=WAIT
    )
    # THEN its changes are CloudFormation's three actions
    assert _changes(cfn, "second") == [
        ("Add", "New", None),
        ("Modify", "Keep", "Conditional"),
        ("Remove", "Drop", None),
    ]


def test_a_change_set_without_changes_fails_with_cloudformations_reason(cfn: Any) -> None:
    # GIVEN a stack, and a change set of the same template
    template = body({"Jobs": _queue("jobs")})
    cfn.create_stack(StackName="shop", TemplateBody=template)
    settled(cfn, "shop")
    cfn.create_change_set(
        StackName="shop", ChangeSetName="same", ChangeSetType="UPDATE", TemplateBody=template
    )
    # THEN it ends FAILED with the reason the CDK CLI looks for, and deleting it by name works
    described = cfn.describe_change_set(StackName="shop", ChangeSetName="same")
    assert described["Status"] == "FAILED"
    assert described["StatusReason"].startswith("The submitted information didn't contain changes.")
    cfn.delete_change_set(StackName="shop", ChangeSetName="same")
    assert cfn.list_change_sets(StackName="shop")["Summaries"] == []


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"ChangeSetName": "1bad", "ChangeSetType": "CREATE"}, "changeSetName"),
        ({"ChangeSetName": "ok", "ChangeSetType": "UPDATE", "StackName": "ghost"}, "ghost"),
    ],
)
def test_bad_change_sets_are_refused(cfn: Any, params: dict[str, str], words: str) -> None:
    # WHEN a change set has a bad name, or updates a stack that does not exist THEN it is a ValidationError
    with pytest.raises(cfn.exceptions.ClientError) as raised:
        cfn.create_change_set(
            **{"StackName": "shop", "TemplateBody": body({"Jobs": _queue("jobs")}), **params}
        )
    assert (
        raised.value.response["Error"]["Code"] == "ValidationError"
        and words in raised.value.response["Error"]["Message"]
    )
