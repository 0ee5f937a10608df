"""Change sets: created, described, executed and deleted as the CDK CLI (and boto3's waiters) expect."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

QUEUE = {"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 1}}}}
TWO_QUEUES = {
    "Resources": {
        "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 2}},
        "Other": {"Type": "AWS::SQS::Queue"},
    }
}


def _wait_created(cfn: Any, stack: str, change_set: str) -> dict[str, Any]:
    cfn.get_waiter("change_set_create_complete").wait(
        StackName=stack, ChangeSetName=change_set, WaiterConfig={"Delay": 0.2, "MaxAttempts": 100}
    )
    return dict(cfn.describe_change_set(StackName=stack, ChangeSetName=change_set))


def test_create_change_set_reviews_then_executes_into_a_stack(cfn: Any) -> None:
    # GIVEN a CREATE change set for a new stack
    created = cfn.create_change_set(
        StackName="cs-new", ChangeSetName="first", ChangeSetType="CREATE", TemplateBody=json.dumps(QUEUE)
    )

    # WHEN it is described
    described = _wait_created(cfn, "cs-new", "first")

    # THEN the stack waits in review, and the change set adds the queue
    assert cfn.describe_stacks(StackName="cs-new")["Stacks"][0]["StackStatus"] == "REVIEW_IN_PROGRESS"
    assert described["ChangeSetId"] == created["Id"] and described["StackId"] == created["StackId"]
    assert (described["Status"], described["ExecutionStatus"]) == ("CREATE_COMPLETE", "AVAILABLE")
    assert [c["ResourceChange"]["Action"] for c in described["Changes"]] == ["Add"]

    # WHEN it is executed THEN the stack is created with the same id
    cfn.execute_change_set(StackName="cs-new", ChangeSetName=created["Id"])
    cfn.get_waiter("stack_create_complete").wait(StackName="cs-new", WaiterConfig={"Delay": 0.2})
    stack = cfn.describe_stacks(StackName="cs-new")["Stacks"][0]
    assert (stack["StackId"], stack["StackStatus"]) == (created["StackId"], "CREATE_COMPLETE")
    executed = cfn.describe_change_set(StackName="cs-new", ChangeSetName="first")
    assert executed["ExecutionStatus"] == "EXECUTE_COMPLETE"

    # WHEN an UPDATE change set modifies one queue and adds another, and is executed
    cfn.create_change_set(StackName="cs-new", ChangeSetName="second", TemplateBody=json.dumps(TWO_QUEUES))
    update = _wait_created(cfn, "cs-new", "second")
    actions = {
        c["ResourceChange"]["LogicalResourceId"]: c["ResourceChange"]["Action"] for c in update["Changes"]
    }
    cfn.execute_change_set(StackName="cs-new", ChangeSetName="second")
    cfn.get_waiter("stack_update_complete").wait(StackName="cs-new", WaiterConfig={"Delay": 0.2})

    # THEN the changes were Modify and Add, and the stack has both queues
    assert actions == {"Queue": "Modify", "Other": "Add"}
    resources = cfn.list_stack_resources(StackName="cs-new")["StackResourceSummaries"]
    assert {r["LogicalResourceId"] for r in resources} == {"Queue", "Other"}
    cfn.delete_stack(StackName="cs-new")


def test_a_change_set_without_changes_fails_with_cloudformations_reason(cfn: Any) -> None:
    # GIVEN a stack created from a template
    cfn.create_stack(StackName="cs-same", TemplateBody=json.dumps(QUEUE))
    cfn.get_waiter("stack_create_complete").wait(StackName="cs-same", WaiterConfig={"Delay": 0.2})

    # WHEN a change set with the same template is created
    cfn.create_change_set(StackName="cs-same", ChangeSetName="noop", TemplateBody=json.dumps(QUEUE))
    described = cfn.describe_change_set(StackName="cs-same", ChangeSetName="noop")

    # THEN it is FAILED with the reason the CDK CLI recognises, cannot run, and can be deleted
    assert described["Status"] == "FAILED"
    assert described["StatusReason"].startswith("The submitted information didn't contain changes.")
    with pytest.raises(ClientError, match="InvalidChangeSetStatus"):
        cfn.execute_change_set(StackName="cs-same", ChangeSetName="noop")
    cfn.delete_change_set(StackName="cs-same", ChangeSetName="noop")
    with pytest.raises(ClientError, match="ChangeSetNotFound"):
        cfn.describe_change_set(StackName="cs-same", ChangeSetName="noop")
    assert cfn.list_change_sets(StackName="cs-same")["Summaries"] == []
    cfn.delete_stack(StackName="cs-same")


def test_a_bad_template_fails_create_change_set_and_a_review_stack_deletes(cfn: Any) -> None:
    # GIVEN a CREATE change set whose template breaks its schema WHEN created THEN ValidationError
    bad = {"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 901}}}}
    with pytest.raises(ClientError, match=r"Properties validation failed for resource Queue"):
        cfn.create_change_set(
            StackName="cs-bad", ChangeSetName="x", ChangeSetType="CREATE", TemplateBody=json.dumps(bad)
        )
    # AND a stack in review (never executed) is deleted at once
    cfn.create_change_set(
        StackName="cs-review", ChangeSetName="x", ChangeSetType="CREATE", TemplateBody=json.dumps(QUEUE)
    )
    cfn.delete_stack(StackName="cs-review")
    with pytest.raises(ClientError, match="does not exist"):
        cfn.describe_stacks(StackName="cs-review")
