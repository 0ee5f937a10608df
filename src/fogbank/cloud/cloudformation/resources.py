"""One resource at a time: resolve its properties, check them against its provider, call the provider.

Every step is recorded as a stack event; failures become ResourceFailure with a reason that names the
logical id, the type and the cause.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from fogbank.cloud.cloudformation.errors import CfnError, ResourceFailure
from fogbank.cloud.cloudformation.intrinsics import Resolver, Scope
from fogbank.cloud.cloudformation.prepare import Prepared
from fogbank.cloud.cloudformation.providers import provider_for, registry
from fogbank.cloud.cloudformation.providers.base import (
    NeedsReplacement,
    ProviderRequest,
    ProviderResult,
    ResourceProvider,
)
from fogbank.cloud.cloudformation.store import Stack, StackResource
from fogbank.cloud.cloudformation.template import ResourceDefinition

if TYPE_CHECKING:
    from fogbank.cloud.contracts import ProviderServices

__all__ = ["ResourceActions"]


def _cause(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return (
            f"{error.get('Code', 'Error')}: {error.get('Message', str(exc))} (calling {exc.operation_name})"
        )
    if isinstance(exc, (CfnError, ResourceFailure)):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


class ResourceActions:
    """Create, update and delete the resources of one stack operation."""

    def __init__(
        self,
        services: ProviderServices,
        stack: Stack,
        prepared: Prepared,
        import_value: Callable[[str], str],
    ) -> None:
        self.services = services
        self.stack = stack
        self.prepared = prepared
        self._import_value = import_value

    # -- resolution --------------------------------------------------------------------------------------
    def resolver(self) -> Resolver:
        return Resolver(
            Scope(
                parameters=self.prepared.parameters,
                pseudo=_pseudo(self.stack),
                mappings=self.prepared.template.mappings,
                conditions=self.prepared.conditions,
                resource_ref=self._ref,
                resource_attribute=self._attribute,
                import_value=self._import_value,
            )
        )

    def _live(self, logical_id: str) -> ProviderResult:
        resource = self.stack.resources.get(logical_id)
        if resource is None or resource.result is None:
            if logical_id in self.prepared.template.resources and logical_id not in self.prepared.active:
                raise ResourceFailure(
                    f"Template format error: Unresolved resource dependencies [{logical_id}] in the Resources "
                    "block of the template (its Condition is false)"
                )
            raise ResourceFailure(f"resource {logical_id} is not created (yet)")
        return resource.result

    def _ref(self, logical_id: str) -> str:
        return self._live(logical_id).ref_value

    def _attribute(self, logical_id: str, attribute: str) -> Any:
        result = self._live(logical_id)
        if attribute not in result.attributes:
            kind = self.stack.resources[logical_id].resource_type
            raise ResourceFailure(
                f"Template error: resource {logical_id} does not support attribute type {attribute} in Fn::GetAtt "
                f"(the local cloud's {kind} provides: {', '.join(sorted(result.attributes)) or 'none'})"
            )
        return result.attributes[attribute]

    # -- steps -------------------------------------------------------------------------------------------
    def provider(self, definition: ResourceDefinition) -> ResourceProvider:
        provider_class = provider_for(definition.type)
        if provider_class is None:
            supported = ", ".join(sorted(registry()))
            raise ResourceFailure(
                f"unsupported resource type {definition.type} (resource {definition.logical_id}); "
                f"the local cloud supports: {supported}. Remove it, or deploy this stack to AWS"
            )
        return provider_class()

    def properties(self, definition: ResourceDefinition, provider: ResourceProvider) -> dict[str, Any]:
        resolved = self.resolver().resolve(definition.properties)
        if not provider.open_properties:
            unsupported = sorted(set(resolved) - provider.properties)
            if unsupported:
                raise ResourceFailure(
                    f"unsupported propert{'y' if len(unsupported) == 1 else 'ies'} {', '.join(unsupported)} "
                    f"of {definition.type} (resource {definition.logical_id}); the local cloud supports: "
                    f"{', '.join(sorted(provider.properties))}"
                )
        return dict(resolved)

    def request(self, definition: ResourceDefinition, properties: dict[str, Any]) -> ProviderRequest:
        return ProviderRequest(
            services=self.services,
            stack_name=self.stack.name,
            stack_id=self.stack.stack_id,
            logical_id=definition.logical_id,
            resource_type=definition.type,
            properties=properties,
            region=self.stack.region,
            account_id=self.stack.account_id,
        )

    def fail(self, resource: StackResource, status: str, exc: BaseException) -> ResourceFailure:
        reason = f"{resource.logical_id} ({resource.resource_type}): {_cause(exc)}"
        self.stack.set_resource_status(resource, status, reason)
        return ResourceFailure(reason)

    def create(self, logical_id: str) -> None:
        """Create one resource of the template (CREATE_IN_PROGRESS -> CREATE_COMPLETE | CREATE_FAILED)."""
        definition = self.prepared.template.resources[logical_id]
        resource = StackResource(
            logical_id,
            definition.type,
            "CREATE_IN_PROGRESS",
            deletion_policy=definition.deletion_policy,
            update_replace_policy=definition.update_replace_policy,
        )
        with self.stack.lock:
            self.stack.resources[logical_id] = resource
        self.stack.set_resource_status(resource, "CREATE_IN_PROGRESS")
        try:
            provider = self.provider(definition)
            properties = self.properties(definition, provider)
            result = provider.create(self.request(definition, properties))
        except Exception as exc:
            raise self.fail(resource, "CREATE_FAILED", exc) from exc
        resource.result, resource.properties = result, properties
        self.stack.set_resource_status(resource, "CREATE_COMPLETE")

    def update(self, logical_id: str, replaced: dict[str, StackResource]) -> bool:
        """Bring an existing resource to the new template; returns False when nothing changed.

        A replacement creates the new resource first; the old one goes into `replaced` for cleanup.
        """
        definition = self.prepared.template.resources[logical_id]
        current = self.stack.resources[logical_id]
        if current.resource_type != definition.type:
            return self._replace(definition, current, replaced, "the resource type changed")
        try:
            provider = self.provider(definition)
            properties = self.properties(definition, provider)
        except Exception as exc:
            raise self.fail(current, "UPDATE_FAILED", exc) from exc
        current.deletion_policy = definition.deletion_policy
        current.update_replace_policy = definition.update_replace_policy
        if _canonical(properties) == _canonical(current.properties) and current.result is not None:
            return False
        self.stack.set_resource_status(current, "UPDATE_IN_PROGRESS")
        assert current.result is not None
        try:
            result = provider.update(self.request(definition, properties), current.result, current.properties)
        except NeedsReplacement:
            return self._replace(definition, current, replaced, "a changed property requires it")
        except Exception as exc:
            raise self.fail(current, "UPDATE_FAILED", exc) from exc
        if provider.replaced_when_physical_id_changes and result.physical_id != current.physical_id:
            replaced[logical_id] = dataclasses.replace(current)  # the old resource, deleted at cleanup
        current.result, current.properties = result, properties
        self.stack.set_resource_status(current, "UPDATE_COMPLETE")
        return True

    def _replace(
        self,
        definition: ResourceDefinition,
        current: StackResource,
        replaced: dict[str, StackResource],
        why: str,
    ) -> bool:
        replaced[definition.logical_id] = current
        self.stack.record(
            definition.logical_id,
            definition.type,
            "UPDATE_IN_PROGRESS",
            f"Requested update requires the creation of a new physical resource; hence creating one ({why}).",
            current.physical_id,
        )
        self.create(definition.logical_id)
        return True

    def delete(self, resource: StackResource, *, rollback_of_create: bool = False) -> None:
        """Delete one resource, honouring DeletionPolicy (Retain -> DELETE_SKIPPED)."""
        policy = resource.deletion_policy
        retain = policy == "Retain" or (policy == "RetainExceptOnCreate" and not rollback_of_create)
        if resource.result is None or resource.status == "DELETE_COMPLETE":
            return
        if retain:
            self.stack.set_resource_status(resource, "DELETE_SKIPPED")
            return
        self.stack.set_resource_status(resource, "DELETE_IN_PROGRESS")
        provider_class = provider_for(resource.resource_type)
        try:
            if provider_class is None:
                raise ResourceFailure(f"unsupported resource type {resource.resource_type}")
            definition = ResourceDefinition(
                resource.logical_id,
                resource.resource_type,
                {},
                (),
                None,
                policy,
                resource.update_replace_policy,
            )
            provider_class().delete(self.request(definition, resource.properties), resource.result)
        except Exception as exc:
            raise self.fail(resource, "DELETE_FAILED", exc) from exc
        self.stack.set_resource_status(resource, "DELETE_COMPLETE")


def _pseudo(stack: Stack) -> dict[str, Any]:
    from fogbank.cloud.cloudformation.intrinsics import pseudo_parameters

    return pseudo_parameters(stack.name, stack.stack_id, stack.region, stack.account_id)


def _canonical(properties: dict[str, Any]) -> str:
    return json.dumps(properties, sort_keys=True, default=str)
