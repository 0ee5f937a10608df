"""Resource updates on the in-process engine: in place, by replacement, and the policies that keep resources."""

from __future__ import annotations

from typing import Any

from ..conftest import Clients
from .conftest import body, settled


def _physical_ids(cfn: Any, stack: str) -> dict[str, str]:
    resources = cfn.describe_stack_resources(StackName=stack)["StackResources"]
    return {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in resources}


def _queue(name: str, delay: int = 0, **extra: Any) -> dict[str, Any]:
    return {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": name, "DelaySeconds": delay}, **extra}


def test_a_changed_attribute_updates_in_place_and_a_changed_name_replaces(cfn: Any, aws: Clients) -> None:
    # GIVEN two queues
    cfn.create_stack(StackName="shop", TemplateBody=body({"Same": _queue("same"), "Renamed": _queue("old")}))
    settled(cfn, "shop")
    before = _physical_ids(cfn, "shop")

    # WHEN one gets a new DelaySeconds and the other a new QueueName
    cfn.update_stack(
        StackName="shop", TemplateBody=body({"Same": _queue("same", delay=5), "Renamed": _queue("new")})
    )
    stack = settled(cfn, "shop")

    # THEN the first keeps its physical id with the new attribute; the second is a new queue, the old one gone
    assert stack["StackStatus"] == "UPDATE_COMPLETE"
    after = _physical_ids(cfn, "shop")
    assert after["Same"] == before["Same"] and after["Renamed"] != before["Renamed"]
    sqs = aws("sqs")
    assert (
        sqs.get_queue_attributes(QueueUrl=after["Same"], AttributeNames=["DelaySeconds"])["Attributes"][
            "DelaySeconds"
        ]
        == "5"
    )
    assert sorted(u.rsplit("/", 1)[1] for u in sqs.list_queues()["QueueUrls"]) == ["new", "same"]
    # AND the replacement shows in the events
    events = cfn.describe_stack_events(StackName="shop")["StackEvents"]
    reasons = [e.get("ResourceStatusReason", "") for e in events if e["LogicalResourceId"] == "Renamed"]
    assert any("replacement" in r.lower() or "requires" in r.lower() for r in reasons), reasons


def test_a_removed_resource_is_deleted_unless_its_deletion_policy_retains_it(cfn: Any, aws: Clients) -> None:
    # GIVEN a stack with a queue to delete and one to retain
    template = body(
        {"Gone": _queue("gone"), "Kept": _queue("kept", DeletionPolicy="Retain"), "Stay": _queue("stay")}
    )
    cfn.create_stack(StackName="shop", TemplateBody=template)
    settled(cfn, "shop")

    # WHEN both are removed from the template
    cfn.update_stack(StackName="shop", TemplateBody=body({"Stay": _queue("stay")}))
    settled(cfn, "shop")

    # THEN the first queue is deleted, the retained one still exists outside the stack
    names = sorted(u.rsplit("/", 1)[1] for u in aws("sqs").list_queues()["QueueUrls"])
    assert names == ["kept", "stay"]
    assert list(_physical_ids(cfn, "shop")) == ["Stay"]


def test_a_replaced_resource_is_kept_when_its_update_replace_policy_retains_it(
    cfn: Any, aws: Clients
) -> None:
    # GIVEN a queue whose UpdateReplacePolicy is Retain
    cfn.create_stack(
        StackName="shop", TemplateBody=body({"Jobs": _queue("v1", UpdateReplacePolicy="Retain")})
    )
    settled(cfn, "shop")
    # WHEN its name changes (a replacement)
    cfn.update_stack(
        StackName="shop", TemplateBody=body({"Jobs": _queue("v2", UpdateReplacePolicy="Retain")})
    )
    assert settled(cfn, "shop")["StackStatus"] == "UPDATE_COMPLETE"
    # THEN the new queue is the stack's, and the old one is kept
    assert sorted(u.rsplit("/", 1)[1] for u in aws("sqs").list_queues()["QueueUrls"]) == ["v1", "v2"]
    assert _physical_ids(cfn, "shop")["Jobs"].endswith("/v2")
