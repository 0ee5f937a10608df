"""EventBridge: AWS::Events::Rule and AWS::Events::EventBus, through the EventBridge API (moto's state).

A rule's Ref is its name, or `<bus name>|<rule name>` for a rule on a custom bus (as CloudFormation answers);
GetAtt Arn is its ARN. Targets may be Lambda functions, SQS queues and CloudWatch Logs groups (delivered by the
local cloud's events component, with Input, InputPath or InputTransformer) and event buses (forwarded by moto).
What PutTargets refuses (`events.checks`: any other target, target settings the local cloud does not apply,
a FIFO queue without content-based deduplication) and a schedule expression EventBridge refuses or the local
scheduler cannot run fail the resource naming them.

Example:
    >>> rule_ref("my-rule", "default"), rule_ref("my-rule", "orders")
    ('my-rule', 'orders|my-rule')
"""

from __future__ import annotations

import json
from typing import Any

from fogbank.cloud.cloudformation.providers.base import (
    NeedsReplacement,
    ProviderRequest,
    ProviderResult,
    ResourceProvider,
)
from fogbank.cloud.cloudformation.providers.common import ignore_missing
from fogbank.cloud.events.checks import TargetError, check_targets
from fogbank.cloud.events.schedule import ScheduleError, parse_schedule
from fogbank.errors import DeployError

__all__ = ["PROVIDERS", "EventBusProvider", "RuleProvider", "rule_ref"]


def rule_ref(name: str, event_bus: str) -> str:
    """What Ref answers for a rule: its name on the default bus, `<bus>|<name>` on another."""
    return name if event_bus == "default" else f"{event_bus}|{name}"


def _bus_name(value: Any) -> str:
    text = str(value or "default")
    return text.split(":event-bus/")[-1] if text.startswith("arn:") else text


def _check_targets(targets: list[dict[str, Any]]) -> None:
    try:
        check_targets(targets)
    except TargetError as exc:
        raise DeployError(str(exc)) from None


class RuleProvider(ResourceProvider):
    """AWS::Events::Rule; Ref is the rule name (`<bus>|<name>` on a custom bus), GetAtt Arn."""

    resource_type = "AWS::Events::Rule"
    properties = frozenset(
        {
            "Name",
            "Description",
            "EventBusName",
            "EventPattern",
            "ScheduleExpression",
            "State",
            "Targets",
            "RoleArn",
            "Tags",
        }
    )

    def _check(self, request: ProviderRequest) -> None:
        props = request.properties
        if not props.get("EventPattern") and not props.get("ScheduleExpression"):
            raise DeployError("a rule needs an EventPattern or a ScheduleExpression")
        if props.get("ScheduleExpression"):
            try:
                parse_schedule(str(props["ScheduleExpression"]))
            except ScheduleError as exc:
                raise DeployError(f"ScheduleExpression {exc}") from None
        _check_targets(list(props.get("Targets") or []))

    def _put_rule(self, request: ProviderRequest, name: str) -> str:
        props = request.properties
        call: dict[str, Any] = {"Name": name, "EventBusName": _bus_name(props.get("EventBusName"))}
        if props.get("EventPattern"):
            pattern = props["EventPattern"]
            call["EventPattern"] = pattern if isinstance(pattern, str) else json.dumps(pattern)
        for key in ("ScheduleExpression", "State", "Description", "RoleArn"):
            if props.get(key):
                call[key] = str(props[key])
        if props.get("Tags"):
            call["Tags"] = [{"Key": t["Key"], "Value": t["Value"]} for t in props["Tags"]]
        return str(request.client("events").put_rule(**call)["RuleArn"])

    def _put_targets(self, request: ProviderRequest, name: str, previous: list[dict[str, Any]]) -> None:
        events = request.client("events")
        bus = _bus_name(request.properties.get("EventBusName"))
        targets = [dict(target) for target in request.properties.get("Targets") or []]
        kept = {str(target["Id"]) for target in targets}
        gone = [str(target["Id"]) for target in previous if str(target["Id"]) not in kept]
        if gone:
            events.remove_targets(Rule=name, EventBusName=bus, Ids=gone)
        if targets:
            answer = events.put_targets(Rule=name, EventBusName=bus, Targets=targets)
            if answer.get("FailedEntryCount"):
                raise DeployError(f"PutTargets failed: {answer['FailedEntries']}")

    def create(self, request: ProviderRequest) -> ProviderResult:
        self._check(request)
        name = str(request.properties.get("Name") or request.physical_name(64))
        arn = self._put_rule(request, name)
        self._put_targets(request, name, [])
        bus = _bus_name(request.properties.get("EventBusName"))
        return ProviderResult(physical_id=rule_ref(name, bus), attributes={"Arn": arn})

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        for key in ("Name", "EventBusName"):
            if request.properties.get(key) != previous_properties.get(key):
                raise NeedsReplacement(key)
        self._check(request)
        name = current.physical_id.split("|")[-1]
        arn = self._put_rule(request, name)
        self._put_targets(request, name, list(previous_properties.get("Targets") or []))
        return ProviderResult(physical_id=current.physical_id, attributes={"Arn": arn})

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        events = request.client("events")
        bus, _, name = current.physical_id.rpartition("|")
        bus = bus or "default"
        with ignore_missing():
            targets = events.list_targets_by_rule(Rule=name, EventBusName=bus)["Targets"]
            if targets:
                events.remove_targets(Rule=name, EventBusName=bus, Ids=[t["Id"] for t in targets])
            events.delete_rule(Name=name, EventBusName=bus)


class EventBusProvider(ResourceProvider):
    """AWS::Events::EventBus; Ref is the bus name, GetAtt Arn and Name."""

    resource_type = "AWS::Events::EventBus"
    properties = frozenset({"Name", "Description", "Tags"})

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        call: dict[str, Any] = {"Name": str(props["Name"])}
        if props.get("Description"):
            call["Description"] = str(props["Description"])
        if props.get("Tags"):
            call["Tags"] = [{"Key": t["Key"], "Value": t["Value"]} for t in props["Tags"]]
        arn = str(request.client("events").create_event_bus(**call)["EventBusArn"])
        return ProviderResult(physical_id=call["Name"], attributes={"Arn": arn, "Name": call["Name"]})

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        if request.properties.get("Name") != previous_properties.get("Name"):
            raise NeedsReplacement("Name")
        if request.properties.get("Description") != previous_properties.get("Description"):
            raise DeployError(
                "changing an event bus's Description is not supported by the local cloud (its EventBridge has no "
                "UpdateEventBus); delete and create the stack again, or test the change on AWS"
            )
        if request.properties.get("Tags") != previous_properties.get("Tags"):
            events = request.client("events")
            arn = current.attributes["Arn"]
            old = [t["Key"] for t in previous_properties.get("Tags") or []]
            if old:
                events.untag_resource(ResourceARN=arn, TagKeys=old)
            if request.properties.get("Tags"):
                tags = [{"Key": t["Key"], "Value": t["Value"]} for t in request.properties["Tags"]]
                events.tag_resource(ResourceARN=arn, Tags=tags)
        return current

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        with ignore_missing():
            request.client("events").delete_event_bus(Name=current.physical_id)


PROVIDERS: list[type[ResourceProvider]] = [RuleProvider, EventBusProvider]
