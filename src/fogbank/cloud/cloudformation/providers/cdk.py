"""AWS::CDK::Metadata: CloudFormation itself handles it (the CDK's usage analytics); no service is called.

Example:
    >>> MetadataProvider.resource_type
    'AWS::CDK::Metadata'
"""

from __future__ import annotations

from fogbank.cloud.cloudformation.providers.base import ProviderRequest, ProviderResult, ResourceProvider

__all__ = ["PROVIDERS", "MetadataProvider"]


class MetadataProvider(ResourceProvider):
    """AWS::CDK::Metadata; recorded in the stack, nothing else."""

    resource_type = "AWS::CDK::Metadata"
    properties = frozenset({"Analytics"})

    def create(self, request: ProviderRequest) -> ProviderResult:
        return ProviderResult(physical_id=request.physical_name(64))

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, object]
    ) -> ProviderResult:
        return current

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        return None


PROVIDERS: list[type[ResourceProvider]] = [MetadataProvider]
