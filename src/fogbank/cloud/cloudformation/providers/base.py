"""The contract every CloudFormation resource provider of the local cloud follows.

A provider is a small class per resource type. It receives resolved properties and calls the local cloud's
public APIs through `request.services.client(service)`. It declares the properties it supports: the engine fails a
resource that uses any other property with "unsupported property", naming it — nothing is silently skipped.

Example:
    >>> class QueueProvider(ResourceProvider):
    ...     resource_type = "AWS::SQS::Queue"
    ...     properties = frozenset({"QueueName"})
    ...     def create(self, request):
    ...         url = request.services.client("sqs").create_queue(QueueName=request.properties["QueueName"])["QueueUrl"]
    ...         return ProviderResult(physical_id=url, attributes={"QueueUrl": url})
    ...     def delete(self, request, current):
    ...         request.services.client("sqs").delete_queue(QueueUrl=current.physical_id)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from fogbank.cloud.contracts import ProviderServices

__all__ = ["NeedsReplacement", "ProviderRequest", "ProviderResult", "ResourceProvider"]


@dataclass(frozen=True)
class ProviderRequest:
    """One resource operation: the resource's resolved properties and where it lives."""

    services: ProviderServices
    stack_name: str
    stack_id: str
    logical_id: str
    resource_type: str
    properties: dict[str, Any]
    region: str
    account_id: str

    def client(self, service: str) -> Any:
        """A boto3 client for `service` in this resource's region, on the local cloud's public API."""
        return self.services.client(service, self.region)

    def physical_name(self, max_length: int = 64) -> str:
        """A generated name like CloudFormation's: `<stack>-<logicalId>-<RANDOM>`, truncated."""
        import secrets
        import string

        suffix = "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(12))
        head = f"{self.stack_name}-{self.logical_id}"[: max_length - len(suffix) - 1]
        return f"{head}-{suffix}"


@dataclass
class ProviderResult:
    """What a created resource is: its physical id (what Ref returns unless `ref` is set) and GetAtt values."""

    physical_id: str
    attributes: dict[str, Any] = field(default_factory=dict)
    ref: str | None = None

    @property
    def ref_value(self) -> str:
        return self.ref if self.ref is not None else self.physical_id


class NeedsReplacement(Exception):
    """Raised by `update` when a changed property can only be applied by replacing the resource."""


class ResourceProvider:
    """Base class: subclasses set `resource_type` and `properties`, and implement create and delete."""

    resource_type: ClassVar[str]
    properties: ClassVar[frozenset[str]]
    # True for types whose properties are free-form (custom resources): no "unsupported property" check.
    open_properties: ClassVar[bool] = False
    # True for custom resources: an update that answers a new physical id made a new resource, and the engine
    # deletes the old one in the cleanup phase, after the whole update succeeded (as CloudFormation does).
    replaced_when_physical_id_changes: ClassVar[bool] = False

    def create(self, request: ProviderRequest) -> ProviderResult:
        raise NotImplementedError

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        """Apply changed properties; the default replaces the resource."""
        raise NeedsReplacement(self.resource_type)

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        raise NotImplementedError
