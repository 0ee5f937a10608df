"""CloudFormation change sets: CreateChangeSet, DescribeChangeSet, ExecuteChangeSet, DeleteChangeSet, ListChangeSets.

The CDK CLI deploys with change sets by default, and `cdk bootstrap` always does. A change set holds the
template and parameters of a CreateStack or UpdateStack that has not run yet, and the resource changes it
would make. It is judged when it is created (template, capabilities, parameters, pre-deployment property
validation), so a bad template fails CreateChangeSet as it fails CreateStack. A CREATE change set makes the
stack in `REVIEW_IN_PROGRESS`; ExecuteChangeSet runs the stored operation on the engine, exactly as
CreateStack / UpdateStack would. A change set that changes nothing ends `FAILED` with CloudFormation's
"The submitted information didn't contain changes." reason.

Example (skipped as a doctest: it needs a running local cloud):
    >>> cfn.create_change_set(StackName="s", ChangeSetName="c", ChangeSetType="CREATE", TemplateBody=body)  # doctest: +SKIP
    >>> cfn.get_waiter("change_set_create_complete").wait(StackName="s", ChangeSetName="c")  # doctest: +SKIP
    >>> cfn.execute_change_set(StackName="s", ChangeSetName="c")  # doctest: +SKIP
"""

from __future__ import annotations

import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fogbank.cloud.cloudformation.errors import CfnError, TemplateValidationError
from fogbank.cloud.cloudformation.prepare import Prepared
from fogbank.cloud.cloudformation.store import Stack, now
from fogbank.cloud.cloudformation.template import Template
from fogbank.cloud.cloudformation.wire import members, scalar_members
from fogbank.cloud.router import AwsRequest

if TYPE_CHECKING:
    from fogbank.cloud.cloudformation.api import CloudFormationApi

__all__ = ["ChangeSet", "ChangeSetApi"]

_NAME = re.compile(r"^[a-zA-Z][-a-zA-Z0-9]{0,127}$")
_NO_CHANGES = (
    "The submitted information didn't contain changes. Submit different information to create a change set."
)
_UPDATABLE = {"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE"}
_SUCCEEDED = {"CREATE_COMPLETE", "UPDATE_COMPLETE"}


class ChangeSetNotFound(CfnError):
    code = "ChangeSetNotFound"
    status = 404


class InvalidChangeSetStatus(CfnError):
    code = "InvalidChangeSetStatus"


class ChangeSetExists(CfnError):
    code = "AlreadyExistsException"


@dataclass
class ChangeSet:
    """One change set: the operation it would run (as CreateStack/UpdateStack form fields) and its changes."""

    change_set_id: str
    name: str
    stack: Stack
    change_set_type: str
    operation: dict[str, str]
    description: str | None
    changes: list[dict[str, Any]]
    status: str = "CREATE_COMPLETE"
    status_reason: str | None = None
    execution_status: str = "AVAILABLE"
    created: datetime = field(default_factory=now)
    executed_from: int | None = None  # the stack's event count when its execution started
    client_token: str | None = None

    def mismatch(self, other: ChangeSet) -> str | None:
        """The first attribute in which `other` (a new request of the same name) differs from this one."""
        mine, theirs = self.operation, other.operation
        differs = {
            "Template": mine.get("TemplateBody") != theirs.get("TemplateBody"),
            "ChangeSetType": self.change_set_type != other.change_set_type,
            "Parameters": members(mine, "Parameters") != members(theirs, "Parameters"),
            "Capabilities": scalar_members(mine, "Capabilities") != scalar_members(theirs, "Capabilities"),
            "Tags": members(mine, "Tags") != members(theirs, "Tags"),
            "Description": self.description != other.description,
            "ClientToken": self.client_token != other.client_token,
        }
        return next((attribute for attribute, differ in differs.items() if differ), None)

    def current_execution_status(self) -> str:
        """The execution status as AWS reports it: once executed, EXECUTE_IN_PROGRESS until the stack operation
        it started ends, then EXECUTE_COMPLETE, or EXECUTE_FAILED when it failed or rolled back."""
        if self.executed_from is None:
            return self.execution_status
        stack = self.stack
        with stack.lock:
            events = stack.events[self.executed_from :]
        for event in events:
            if event.logical_id != stack.name or event.resource_type != "AWS::CloudFormation::Stack":
                continue
            if not event.status.endswith("_IN_PROGRESS"):
                return "EXECUTE_COMPLETE" if event.status in _SUCCEEDED else "EXECUTE_FAILED"
        return "EXECUTE_IN_PROGRESS"


def _operation_form(form: dict[str, str], template: Template) -> dict[str, str]:
    """The CreateStack/UpdateStack fields of a CreateChangeSet request, with the template as judged."""
    kept = {
        key: value
        for key, value in form.items()
        if key.startswith(("Parameters.", "Capabilities.", "Tags.", "NotificationARNs."))
        or key in ("StackName", "RoleARN")
    }
    kept["TemplateBody"] = template.body
    return kept


def _resource_change(
    action: str, logical_id: str, kind: str, physical: str, replacement: str
) -> dict[str, Any]:
    change: dict[str, Any] = {
        "Action": action,
        "LogicalResourceId": logical_id,
        "PhysicalResourceId": physical or None,
        "ResourceType": kind,
        "Replacement": replacement if action == "Modify" else None,
        "Scope": ["Properties"] if action == "Modify" else [],
        "Details": [],
    }
    return {"Type": "Resource", "ResourceChange": change}


def _changes(stack: Stack, prepared: Prepared) -> list[dict[str, Any]]:
    """Add / Modify / Remove per resource, from the stack's current template to the new one."""
    new = {
        lid: prepared.template.resources[lid] for lid in prepared.template.resources if lid in prepared.active
    }
    old_template = stack.template
    old = dict(old_template.resources) if old_template is not None else {}
    old_active = stack.prepared.active if stack.prepared is not None else set(old)
    changes = []
    for logical_id, definition in new.items():
        current = stack.resources.get(logical_id)
        if logical_id not in old or logical_id not in old_active or current is None:
            changes.append(_resource_change("Add", logical_id, definition.type, "", ""))
        elif old[logical_id].type != definition.type:
            changes.append(
                _resource_change("Modify", logical_id, definition.type, current.physical_id, "True")
            )
        elif old[logical_id].properties != definition.properties:
            changes.append(
                _resource_change("Modify", logical_id, definition.type, current.physical_id, "Conditional")
            )
    for logical_id, resource in stack.resources.items():
        if logical_id not in new and resource.status != "DELETE_COMPLETE":
            changes.append(
                _resource_change("Remove", logical_id, resource.resource_type, resource.physical_id, "")
            )
    return changes


class ChangeSetApi:
    """The change set actions of the CloudFormation API, over CloudFormationApi's CreateStack / UpdateStack."""

    def __init__(self, api: CloudFormationApi) -> None:
        self.api = api
        self._sets: dict[str, ChangeSet] = {}
        self._lock = threading.Lock()
        self.actions = {
            "CreateChangeSet": self.create_change_set,
            "DescribeChangeSet": self.describe_change_set,
            "ExecuteChangeSet": self.execute_change_set,
            "DeleteChangeSet": self.delete_change_set,
            "ListChangeSets": self.list_change_sets,
        }

    # -- lookups -----------------------------------------------------------------------------------------
    def _find(self, form: dict[str, str]) -> ChangeSet:
        wanted = form.get("ChangeSetName", "")
        with self._lock:
            if wanted in self._sets:
                return self._sets[wanted]
            stack_name = form.get("StackName", "")
            for change_set in reversed(
                self._sets.values()
            ):  # the newest of a name (an executed one's is free)
                stack = change_set.stack
                if (
                    change_set.name == wanted
                    and stack_name in (stack.name, stack.stack_id)
                    and not stack.is_deleted
                ):
                    return change_set
        raise ChangeSetNotFound(f"ChangeSet [{wanted}] does not exist")

    def discard_for(self, stack: Stack) -> None:
        """Forget every change set of a stack (its deletion)."""
        with self._lock:
            for key in [k for k, c in self._sets.items() if c.stack is stack]:
                del self._sets[key]

    # -- actions -----------------------------------------------------------------------------------------
    def create_change_set(self, form: dict[str, str], request: AwsRequest) -> dict[str, Any]:
        name, stack_name = form.get("ChangeSetName", ""), form.get("StackName", "")
        if not _NAME.match(name):
            raise TemplateValidationError(
                f"1 validation error detected: Value '{name}' at 'changeSetName' failed to satisfy constraint: "
                "Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*"
            )
        kind = form.get("ChangeSetType", "UPDATE")
        if kind not in ("CREATE", "UPDATE"):
            raise TemplateValidationError(
                f"ChangeSetType {kind} is not supported by the local cloud (CREATE and UPDATE are); "
                "import the resources on AWS"
            )
        existing = self.api.store.live(stack_name)
        if kind == "CREATE":
            if existing is not None and existing.status != "REVIEW_IN_PROGRESS":
                raise TemplateValidationError(
                    f"Stack [{stack_name}] already exists and cannot be created again with the changeSet [{name}]."
                )
            stack = existing or Stack.new(stack_name, request.region, request.account_id)
        else:
            if existing is None or existing.status == "REVIEW_IN_PROGRESS":
                raise TemplateValidationError(f"Stack [{stack_name}] does not exist")
            stack = existing
            if stack.status not in _UPDATABLE:
                raise TemplateValidationError(
                    f"Stack:{stack.stack_id} is in {stack.status} state and can not be updated."
                )
        template = self.api._template(form, stack if kind == "UPDATE" else None)
        capabilities = scalar_members(form, "Capabilities")
        self.api._check_capabilities(template, capabilities)
        given = {p["ParameterKey"]: p.get("ParameterValue", "") for p in members(form, "Parameters")}
        for parameter in members(form, "Parameters"):
            if parameter.get("UsePreviousValue", "").lower() == "true":
                given[parameter["ParameterKey"]] = stack.parameters.get(parameter["ParameterKey"], "")
        prepared = self.api._prepare(template, stack, given, form)
        operation = _operation_form(form, template)
        for index, (key, value) in enumerate(given.items(), start=1):  # UsePreviousValue resolved now
            operation[f"Parameters.member.{index}.ParameterKey"] = key
            operation[f"Parameters.member.{index}.ParameterValue"] = value
        change_set = ChangeSet(
            change_set_id=f"arn:aws:cloudformation:{stack.region}:{stack.account_id}:changeSet/{name}/{uuid.uuid4()}",
            name=name,
            stack=stack,
            change_set_type=kind,
            operation=operation,
            description=form.get("Description"),
            changes=_changes(stack, prepared),
            client_token=form.get("ClientToken"),
        )
        unchanged = (
            kind == "UPDATE"
            and stack.template is not None
            and template.body == stack.template.body
            and prepared.raw_parameters == stack.parameters
        )
        if unchanged:
            change_set.status, change_set.status_reason = "FAILED", _NO_CHANGES
            change_set.execution_status, change_set.changes = "UNAVAILABLE", []
        with self._lock:  # a name is one change set of the stack until it is executed or made obsolete
            pending = self._pending_named(stack, name)
            if pending is not None:
                attribute = pending.mismatch(change_set)
                if attribute is not None:
                    raise ChangeSetExists(
                        f"ChangeSet {name} cannot be created due to a mismatch with existing attribute {attribute}"
                    )
                return {"Id": pending.change_set_id, "StackId": stack.stack_id}  # the same request again
            if kind == "CREATE" and existing is None:
                self.api.store.add(stack)
                stack.set_stack_status("REVIEW_IN_PROGRESS", "User Initiated")
            self._sets[change_set.change_set_id] = change_set
        return {"Id": change_set.change_set_id, "StackId": stack.stack_id}

    def _pending_named(self, stack: Stack, name: str) -> ChangeSet | None:
        # caller holds self._lock
        pending = ("AVAILABLE", "UNAVAILABLE")
        for change_set in self._sets.values():
            if (
                change_set.stack is stack
                and change_set.name == name
                and change_set.current_execution_status() in pending
            ):
                return change_set
        return None

    def describe_change_set(self, form: dict[str, str], request: AwsRequest) -> dict[str, Any]:
        change_set = self._find(form)
        stack = change_set.stack
        parameters = [
            {"ParameterKey": p["ParameterKey"], "ParameterValue": p.get("ParameterValue", "")}
            for p in members(change_set.operation, "Parameters")
        ]
        return {
            "ChangeSetName": change_set.name,
            "ChangeSetId": change_set.change_set_id,
            "StackId": stack.stack_id,
            "StackName": stack.name,
            "Description": change_set.description,
            "Parameters": parameters or None,
            "CreationTime": change_set.created,
            "ExecutionStatus": change_set.current_execution_status(),
            "Status": change_set.status,
            "StatusReason": change_set.status_reason,
            "Capabilities": scalar_members(change_set.operation, "Capabilities") or None,
            "Tags": members(change_set.operation, "Tags") or None,
            "Changes": change_set.changes,
            "IncludeNestedStacks": False,
        }

    def list_change_sets(self, form: dict[str, str], request: AwsRequest) -> dict[str, Any]:
        stack = self.api.store.find(form.get("StackName", ""))
        with self._lock:
            mine = [c for c in self._sets.values() if c.stack is stack]
        return {
            "Summaries": [
                {
                    "StackId": stack.stack_id,
                    "StackName": stack.name,
                    "ChangeSetId": c.change_set_id,
                    "ChangeSetName": c.name,
                    "ExecutionStatus": c.current_execution_status(),
                    "Status": c.status,
                    "StatusReason": c.status_reason,
                    "CreationTime": c.created,
                    "Description": c.description,
                }
                for c in mine
            ]
        }

    def delete_change_set(self, form: dict[str, str], request: AwsRequest) -> dict[str, Any]:
        try:
            change_set = self._find(form)
        except ChangeSetNotFound:
            if form.get("ChangeSetName", "").startswith("arn:"):
                raise
            return {}  # by name, a change set that is not there is already deleted
        with self._lock:  # one step with ExecuteChangeSet's claim: a change set being executed stays
            if (status := change_set.current_execution_status()) == "EXECUTE_IN_PROGRESS":
                raise InvalidChangeSetStatus(
                    f"Cannot delete ChangeSet [{change_set.change_set_id}] in status {status}"
                )
            self._sets.pop(change_set.change_set_id, None)
        return {}

    def execute_change_set(self, form: dict[str, str], request: AwsRequest) -> dict[str, Any]:
        change_set = self._find(form)
        operation = dict(change_set.operation)
        if form.get("DisableRollback"):
            operation["DisableRollback"] = form["DisableRollback"]
        others = self._claim(change_set)
        with change_set.stack.lock:  # from here on, its status follows the stack operation it starts
            change_set.executed_from = len(change_set.stack.events)
        try:
            if change_set.change_set_type == "CREATE":
                self.api.create_stack(operation, request, existing=change_set.stack)
            else:
                self.api.update_stack(operation, request)
        except Exception:
            with self._lock:  # it did not start: the change sets are as they were
                change_set.execution_status, change_set.executed_from = "AVAILABLE", None
                for other, status in others:
                    other.execution_status = status
            raise
        return {}

    def _claim(self, change_set: ChangeSet) -> list[tuple[ChangeSet, str]]:
        """Check that `change_set` can be executed and mark it EXECUTE_IN_PROGRESS, and the stack's other change
        sets OBSOLETE, in one step: of two ExecuteChangeSet calls at once (of it, or of two change sets of one
        stack), one executes and the other is refused as AWS refuses it. Returns the others' previous statuses."""
        with self._lock:
            if self._sets.get(change_set.change_set_id) is not change_set or change_set.stack.is_deleted:
                raise ChangeSetNotFound(f"ChangeSet [{change_set.name}] does not exist")
            if change_set.execution_status != "AVAILABLE":
                raise InvalidChangeSetStatus(
                    f"ChangeSet [{change_set.change_set_id}] cannot be executed in its current execution status "
                    f"of [{change_set.current_execution_status()}]"
                )
            change_set.execution_status = "EXECUTE_IN_PROGRESS"
            others = [
                (other, other.execution_status)
                for other in self._sets.values()
                if other.stack is change_set.stack and other is not change_set
            ]
            for other, _ in others:
                other.execution_status = "OBSOLETE"
        return others
