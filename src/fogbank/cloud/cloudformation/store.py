"""Stacks, their resources and events, kept in memory for one local cloud.

Example:
    >>> store = StackStore()
    >>> stack = store.add(Stack.new("demo", "us-east-1", "123456789012"))
    >>> store.find("demo").stack_id == stack.stack_id
    True
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fogbank.cloud.cloudformation.errors import AlreadyExistsError, StackNotFoundError
from fogbank.cloud.cloudformation.providers.base import ProviderResult
from fogbank.cloud.cloudformation.template import Template

__all__ = ["Stack", "StackEvent", "StackResource", "StackStore"]


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class StackEvent:
    """One line of DescribeStackEvents."""

    event_id: str
    stack_id: str
    stack_name: str
    logical_id: str
    physical_id: str
    resource_type: str
    status: str
    reason: str | None
    timestamp: datetime


@dataclass
class StackResource:
    """A resource of a stack: what it is now and the properties it was made with."""

    logical_id: str
    resource_type: str
    status: str
    result: ProviderResult | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None
    updated: datetime = field(default_factory=now)
    deletion_policy: str = "Delete"
    update_replace_policy: str = "Delete"

    @property
    def physical_id(self) -> str:
        return self.result.physical_id if self.result is not None else ""


@dataclass
class Stack:
    """One stack (a deleted one keeps its id and DELETE_COMPLETE status, as on AWS)."""

    name: str
    stack_id: str
    region: str
    account_id: str
    status: str = "REVIEW_IN_PROGRESS"
    reason: str | None = None
    template: Template | None = None
    prepared: Any = None  # the Prepared template last applied (prepare.Prepared)
    parameters: dict[str, str] = field(default_factory=dict)
    resolved_parameters: dict[str, Any] = field(default_factory=dict)
    resources: dict[str, StackResource] = field(default_factory=dict)
    outputs: list[dict[str, str]] = field(default_factory=list)
    events: list[StackEvent] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)
    imports: set[str] = field(default_factory=set)
    capabilities: list[str] = field(default_factory=list)
    disable_rollback: bool = False
    delete_requested: bool = (
        False  # a DeleteStack waits for the operation in progress: nothing else may start
    )
    created: datetime = field(default_factory=now)
    updated: datetime | None = None
    deleted: datetime | None = None
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @classmethod
    def new(cls, name: str, region: str, account_id: str) -> Stack:
        stack_id = f"arn:aws:cloudformation:{region}:{account_id}:stack/{name}/{uuid.uuid4()}"
        return cls(name=name, stack_id=stack_id, region=region, account_id=account_id)

    def record(
        self,
        logical_id: str,
        resource_type: str,
        status: str,
        reason: str | None = None,
        physical_id: str = "",
    ) -> None:
        """Append an event (and, for the stack itself, set its status)."""
        with self.lock:
            if logical_id == self.name and resource_type == "AWS::CloudFormation::Stack":
                self.status, self.reason, physical_id = status, reason, self.stack_id
            self.events.append(
                StackEvent(
                    event_id=str(uuid.uuid4()),
                    stack_id=self.stack_id,
                    stack_name=self.name,
                    logical_id=logical_id,
                    physical_id=physical_id,
                    resource_type=resource_type,
                    status=status,
                    reason=reason,
                    timestamp=now(),
                )
            )

    def set_stack_status(self, status: str, reason: str | None = None) -> None:
        self.record(self.name, "AWS::CloudFormation::Stack", status, reason)

    def set_resource_status(self, resource: StackResource, status: str, reason: str | None = None) -> None:
        with self.lock:
            resource.status, resource.reason, resource.updated = status, reason, now()
        self.record(resource.logical_id, resource.resource_type, status, reason, resource.physical_id)

    @property
    def is_deleted(self) -> bool:
        return self.status == "DELETE_COMPLETE"

    @property
    def in_progress(self) -> bool:
        return self.status.endswith("_IN_PROGRESS")


class StackStore:
    """All stacks of one local cloud, by id and by name (live stacks only), plus exports."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._stacks: dict[str, Stack] = {}

    def add(self, stack: Stack) -> Stack:
        """Insert `stack`; AlreadyExistsError if a live stack has its name (checked and inserted atomically)."""
        with self._lock:
            if self.live(stack.name) is not None:
                raise AlreadyExistsError(stack.name)
            self._stacks[stack.stack_id] = stack
        return stack

    def all(self) -> list[Stack]:
        with self._lock:
            return list(self._stacks.values())

    def live(self, name: str) -> Stack | None:
        """The stack with this name that is not deleted, if any."""
        with self._lock:
            for stack in self._stacks.values():
                if stack.name == name and not stack.is_deleted:
                    return stack
        return None

    def find(self, name_or_id: str) -> Stack:
        """A live stack by name, or any stack by id; StackNotFoundError otherwise."""
        with self._lock:
            if name_or_id in self._stacks:
                return self._stacks[name_or_id]
        stack = self.live(name_or_id)
        if stack is None:
            raise StackNotFoundError(name_or_id)
        return stack

    def exports(self) -> dict[str, tuple[str, str]]:
        """Export name -> (value, exporting stack id), from live stacks' outputs."""
        table: dict[str, tuple[str, str]] = {}
        for stack in self.all():
            if stack.is_deleted:
                continue
            for output in stack.outputs:
                if output.get("ExportName"):
                    table[output["ExportName"]] = (output["OutputValue"], stack.stack_id)
        return table
