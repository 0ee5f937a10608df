"""fogbank's delete_stack on a stack that is updating: CloudFormation refuses DeleteStack then (the local cloud
as AWS), so the teardown waits for the update to end and deletes the stack after it."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest

from fogbank.cloud import LocalCloud
from fogbank.deploy.stacks import delete_stack, stack_status
from fogbank.deploy.targets import Target

QUEUE = {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 0}}


def test_deleting_a_stack_during_its_update_waits_for_the_update_then_deletes(
    cloud: LocalCloud, local_target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a stack whose update is held running (a test hook on the cloud's engine) until 0.5 s from now
    cfn = local_target.client("cloudformation")
    cfn.create_stack(StackName="updating", TemplateBody=json.dumps({"Resources": {"Jobs": QUEUE}}))
    cfn.get_waiter("stack_create_complete").wait(StackName="updating", WaiterConfig={"Delay": 1})
    operations = cloud._parts.cloudformation.operations  # type: ignore[union-attr]
    release = threading.Event()
    update = operations.update

    def held(*args: Any) -> Any:
        release.wait(10)
        return update(*args)

    monkeypatch.setattr(operations, "update", held)
    delayed = {"Jobs": {**QUEUE, "Properties": {"DelaySeconds": 5}}}
    cfn.update_stack(StackName="updating", TemplateBody=json.dumps({"Resources": delayed}))
    timer = threading.Timer(0.5, release.set)
    timer.start()

    # WHEN fogbank deletes it (as a feature's teardown does after an interrupted deploy)
    try:
        delete_stack(local_target, "updating", timeout=30)
    finally:
        timer.cancel()
        release.set()

    # THEN it waited for the update to complete, and then deleted the stack
    assert stack_status(local_target, "updating") is None
    stack_id = cfn.list_stacks(StackStatusFilter=["DELETE_COMPLETE"])["StackSummaries"][0]["StackId"]
    events = cfn.describe_stack_events(StackName=stack_id)["StackEvents"]
    own = [e["ResourceStatus"] for e in reversed(events) if e["LogicalResourceId"] == "updating"]
    assert own[own.index("UPDATE_IN_PROGRESS") :] == [
        "UPDATE_IN_PROGRESS",
        "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS",
        "UPDATE_COMPLETE",
        "DELETE_IN_PROGRESS",
        "DELETE_COMPLETE",
    ]
