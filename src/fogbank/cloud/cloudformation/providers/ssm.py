"""AWS::SSM::Parameter.

Example:
    >>> ParameterProvider.resource_type
    'AWS::SSM::Parameter'
"""

from __future__ import annotations

from typing import Any

from fogbank.cloud.cloudformation.providers.base import (
    NeedsReplacement,
    ProviderRequest,
    ProviderResult,
    ResourceProvider,
)
from fogbank.cloud.cloudformation.providers.common import ignore_missing

__all__ = ["PROVIDERS", "ParameterProvider"]


class ParameterProvider(ResourceProvider):
    """AWS::SSM::Parameter; Ref is the name, GetAtt Type and Value."""

    resource_type = "AWS::SSM::Parameter"
    properties = frozenset(
        {"Name", "Type", "Value", "Description", "Tier", "AllowedPattern", "DataType", "Tags", "Policies"}
    )

    def _put(self, request: ProviderRequest, name: str, overwrite: bool) -> ProviderResult:
        props = request.properties
        if props.get("Type") not in ("String", "StringList"):
            raise ValueError(
                f"unsupported Type {props.get('Type')!r} of {request.logical_id}: CloudFormation creates only "
                "String and StringList parameters"
            )
        optional = {
            key: props[key]
            for key in ("Description", "Tier", "AllowedPattern", "DataType", "Policies")
            if key in props
        }
        request.services.client("ssm", request.region).put_parameter(
            Name=name, Value=str(props["Value"]), Type=props["Type"], Overwrite=overwrite, **optional
        )
        if props.get("Tags") and not overwrite:
            request.services.client("ssm", request.region).add_tags_to_resource(
                ResourceType="Parameter",
                ResourceId=name,
                Tags=[{"Key": k, "Value": str(v)} for k, v in props["Tags"].items()],
            )
        return ProviderResult(
            physical_id=name, attributes={"Type": props["Type"], "Value": str(props["Value"])}
        )

    def create(self, request: ProviderRequest) -> ProviderResult:
        name = (
            request.properties.get("Name")
            or f"CFN-{request.logical_id}-{request.physical_name(12).rsplit('-', 1)[1]}"
        )
        return self._put(request, name, overwrite=False)

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        if request.properties.get("Name") != previous_properties.get("Name"):
            raise NeedsReplacement("Name")
        return self._put(request, current.physical_id, overwrite=True)

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        with ignore_missing():
            request.services.client("ssm", request.region).delete_parameter(Name=current.physical_id)


PROVIDERS: list[type[ResourceProvider]] = [ParameterProvider]
