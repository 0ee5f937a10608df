"""The read-only actions of the CloudFormation API: stacks, their events, resources, templates, exports, imports.

Example (skipped as a doctest: it needs a running local cloud):
    >>> boto3.client("cloudformation").describe_stack_events(StackName="shop")["StackEvents"][0]  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fogbank.cloud.cloudformation.errors import CfnError, TemplateValidationError
from fogbank.cloud.cloudformation.store import Stack, StackResource, StackStore
from fogbank.cloud.cloudformation.wire import scalar_members
from fogbank.cloud.router import AwsRequest

__all__ = ["StackReadApi"]


class StackReadApi:
    """DescribeStacks, DescribeStackEvents, DescribeStackResource(s), ListStackResources, GetTemplate, ListStacks,
    ListExports and ListImports over the stack store (`actions`: action name -> handler)."""

    def __init__(self, store: StackStore) -> None:
        self.store = store
        self.actions: dict[str, Callable[[dict[str, str], AwsRequest], dict[str, Any]]] = {
            "DescribeStacks": self.describe_stacks,
            "DescribeStackEvents": self.describe_stack_events,
            "DescribeStackResource": self.describe_stack_resource,
            "DescribeStackResources": self.describe_stack_resources,
            "ListStackResources": self.list_stack_resources,
            "GetTemplate": self.get_template,
            "ListStacks": self.list_stacks,
            "ListExports": self.list_exports,
            "ListImports": self.list_imports,
        }

    def describe_stacks(self, form: dict[str, str], request: AwsRequest) -> dict[str, Any]:
        name = form.get("StackName")
        stacks = [self.store.find(name)] if name else [s for s in self.store.all() if not s.is_deleted]
        return {"Stacks": [_stack(stack) for stack in stacks]}

    def describe_stack_events(self, form: dict[str, str], request: AwsRequest) -> dict[str, Any]:
        stack = self.store.find(form.get("StackName", ""))
        with stack.lock:
            events = list(reversed(stack.events))
        return {
            "StackEvents": [
                {
                    "StackId": e.stack_id,
                    "EventId": e.event_id,
                    "StackName": e.stack_name,
                    "LogicalResourceId": e.logical_id,
                    "PhysicalResourceId": e.physical_id,
                    "ResourceType": e.resource_type,
                    "Timestamp": e.timestamp,
                    "ResourceStatus": e.status,
                    "ResourceStatusReason": e.reason,
                }
                for e in events
            ]
        }

    def _resources(self, stack: Stack) -> list[StackResource]:
        with stack.lock:
            return list(stack.resources.values())

    def describe_stack_resource(self, form: dict[str, str], request: AwsRequest) -> dict[str, Any]:
        stack = self.store.find(form.get("StackName", ""))
        logical_id = form.get("LogicalResourceId", "")
        resource = stack.resources.get(logical_id)
        if resource is None:
            raise TemplateValidationError(f"Resource {logical_id} does not exist for stack {stack.name}")
        detail = _resource(stack, resource, "LastUpdatedTimestamp")
        return {"StackResourceDetail": detail}

    def describe_stack_resources(self, form: dict[str, str], request: AwsRequest) -> dict[str, Any]:
        physical = form.get("PhysicalResourceId")
        if "StackName" in form:
            stacks = [self.store.find(form["StackName"])]
        elif physical:
            stacks = [
                s for s in self.store.all() if any(r.physical_id == physical for r in self._resources(s))
            ]
            if not stacks:
                raise TemplateValidationError(f"Stack for {physical} does not exist")
        else:
            raise TemplateValidationError("Either StackName or PhysicalResourceId must be specified.")
        found = [
            _resource(stack, r, "Timestamp")
            for stack in stacks
            for r in self._resources(stack)
            if form.get("LogicalResourceId") in (None, r.logical_id) and physical in (None, r.physical_id)
        ]
        return {"StackResources": found}

    def list_stack_resources(self, form: dict[str, str], request: AwsRequest) -> dict[str, Any]:
        stack = self.store.find(form.get("StackName", ""))
        summaries = []
        for r in self._resources(stack):
            entry = _resource(stack, r, "LastUpdatedTimestamp")
            for key in ("StackName", "StackId"):
                entry.pop(key)
            summaries.append(entry)
        return {"StackResourceSummaries": summaries}

    def get_template(self, form: dict[str, str], request: AwsRequest) -> dict[str, Any]:
        stack = self.store.find(form.get("StackName", ""))
        body = stack.template.body if stack.template is not None else ""
        return {"TemplateBody": body, "StagesAvailable": ["Original", "Processed"]}

    def list_stacks(self, form: dict[str, str], request: AwsRequest) -> dict[str, Any]:
        wanted = set(scalar_members(form, "StackStatusFilter"))
        summaries = []
        for stack in self.store.all():
            if wanted and stack.status not in wanted:
                continue
            summaries.append(
                {
                    "StackId": stack.stack_id,
                    "StackName": stack.name,
                    "TemplateDescription": stack.template.description if stack.template else None,
                    "CreationTime": stack.created,
                    "LastUpdatedTime": stack.updated,
                    "DeletionTime": stack.deleted,
                    "StackStatus": stack.status,
                    "StackStatusReason": stack.reason,
                }
            )
        return {"StackSummaries": summaries}

    def list_exports(self, form: dict[str, str], request: AwsRequest) -> dict[str, Any]:
        exports = self.store.exports()
        return {
            "Exports": [
                {"ExportingStackId": owner, "Name": name, "Value": value}
                for name, (value, owner) in sorted(exports.items())
            ]
        }

    def list_imports(self, form: dict[str, str], request: AwsRequest) -> dict[str, Any]:
        """The live stacks whose templates import `ExportName` (Fn::ImportValue); AWS's ValidationError when
        none does, whether or not the export exists."""
        name = form.get("ExportName", "")
        if not name:
            raise CfnError(
                "1 validation error detected: Value null at 'exportName' failed to satisfy "
                "constraint: Member must not be null"
            )
        importers = sorted(
            stack.name for stack in self.store.all() if not stack.is_deleted and name in stack.imports
        )
        if not importers:
            raise CfnError(f"Export '{name}' is not imported by any stack.")
        return {"Imports": importers}


def _stack(stack: Stack) -> dict[str, Any]:
    with stack.lock:
        return {
            "StackId": stack.stack_id,
            "StackName": stack.name,
            "Description": stack.template.description if stack.template else None,
            "Parameters": [
                {"ParameterKey": key, "ParameterValue": "****" if _no_echo(stack, key) else value}
                for key, value in stack.parameters.items()
            ],
            "CreationTime": stack.created,
            "DeletionTime": stack.deleted,
            "LastUpdatedTime": stack.updated,
            "StackStatus": stack.status,
            "StackStatusReason": stack.reason,
            "DisableRollback": stack.disable_rollback,
            "Capabilities": stack.capabilities or None,
            "Outputs": list(stack.outputs) or None,
            "Tags": [{"Key": k, "Value": v} for k, v in stack.tags.items()] or None,
        }


def _no_echo(stack: Stack, key: str) -> bool:
    parameter = stack.template.parameters.get(key) if stack.template else None
    return bool(parameter and parameter.no_echo)


def _resource(stack: Stack, resource: StackResource, time_key: str) -> dict[str, Any]:
    return {
        "StackName": stack.name,
        "StackId": stack.stack_id,
        "LogicalResourceId": resource.logical_id,
        "PhysicalResourceId": resource.physical_id or None,
        "ResourceType": resource.resource_type,
        time_key: resource.updated,
        "ResourceStatus": resource.status,
        "ResourceStatusReason": resource.reason,
    }
