"""AWS::AppConfig::Application, Environment, ConfigurationProfile, DeploymentStrategy,
HostedConfigurationVersion and Deployment.

Example:
    >>> ApplicationProvider.resource_type
    'AWS::AppConfig::Application'
"""

from __future__ import annotations

from typing import Any, ClassVar

from fogbank.cloud.cloudformation.providers.base import ProviderRequest, ProviderResult, ResourceProvider
from fogbank.cloud.cloudformation.providers.common import ignore_missing, tag_list_to_map

__all__ = [
    "PROVIDERS",
    "ApplicationProvider",
    "ConfigurationProfileProvider",
    "DeploymentProvider",
    "DeploymentStrategyProvider",
    "EnvironmentProvider",
    "HostedConfigurationVersionProvider",
]


def _pick(props: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: props[key] for key in keys if key in props}


class _AppConfigProvider(ResourceProvider):
    """Common shape: one create call whose answer has an id, exposed by Ref and one GetAtt attribute."""

    attribute: ClassVar[str]

    def _result(self, identifier: Any) -> ProviderResult:
        return ProviderResult(physical_id=str(identifier), attributes={self.attribute: str(identifier)})


class ApplicationProvider(_AppConfigProvider):
    resource_type = "AWS::AppConfig::Application"
    properties = frozenset({"Name", "Description", "Tags"})
    attribute = "ApplicationId"

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        created = request.services.client("appconfig", request.region).create_application(
            Name=props["Name"], Tags=tag_list_to_map(props.get("Tags")), **_pick(props, "Description")
        )
        return self._result(created["Id"])

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        with ignore_missing():
            request.services.client("appconfig", request.region).delete_application(
                ApplicationId=current.physical_id
            )


class EnvironmentProvider(_AppConfigProvider):
    resource_type = "AWS::AppConfig::Environment"
    properties = frozenset({"ApplicationId", "Name", "Description", "Monitors", "Tags"})
    attribute = "EnvironmentId"

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        created = request.services.client("appconfig", request.region).create_environment(
            ApplicationId=props["ApplicationId"],
            Name=props["Name"],
            Tags=tag_list_to_map(props.get("Tags")),
            **_pick(props, "Description", "Monitors"),
        )
        return self._result(created["Id"])

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        with ignore_missing():
            request.services.client("appconfig", request.region).delete_environment(
                ApplicationId=request.properties["ApplicationId"], EnvironmentId=current.physical_id
            )


class ConfigurationProfileProvider(_AppConfigProvider):
    resource_type = "AWS::AppConfig::ConfigurationProfile"
    properties = frozenset(
        {
            "ApplicationId",
            "Name",
            "LocationUri",
            "Type",
            "Description",
            "Validators",
            "RetrievalRoleArn",
            "Tags",
        }
    )
    attribute = "ConfigurationProfileId"

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        created = request.services.client("appconfig", request.region).create_configuration_profile(
            ApplicationId=props["ApplicationId"],
            Name=props["Name"],
            LocationUri=props["LocationUri"],
            Tags=tag_list_to_map(props.get("Tags")),
            **_pick(props, "Type", "Description", "Validators", "RetrievalRoleArn"),
        )
        return self._result(created["Id"])

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        with ignore_missing():
            request.services.client("appconfig", request.region).delete_configuration_profile(
                ApplicationId=request.properties["ApplicationId"], ConfigurationProfileId=current.physical_id
            )


class DeploymentStrategyProvider(_AppConfigProvider):
    resource_type = "AWS::AppConfig::DeploymentStrategy"
    properties = frozenset(
        {
            "Name",
            "Description",
            "DeploymentDurationInMinutes",
            "FinalBakeTimeInMinutes",
            "GrowthFactor",
            "GrowthType",
            "ReplicateTo",
            "Tags",
        }
    )
    attribute = "Id"

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        created = request.services.client("appconfig", request.region).create_deployment_strategy(
            Name=props["Name"],
            DeploymentDurationInMinutes=int(props["DeploymentDurationInMinutes"]),
            GrowthFactor=float(props["GrowthFactor"]),
            **{
                k: (int(v) if k == "FinalBakeTimeInMinutes" else v)
                for k, v in _pick(
                    props, "Description", "FinalBakeTimeInMinutes", "GrowthType", "ReplicateTo"
                ).items()
            },
        )
        return self._result(created["Id"])

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        with ignore_missing():
            request.services.client("appconfig", request.region).delete_deployment_strategy(
                DeploymentStrategyId=current.physical_id
            )


class HostedConfigurationVersionProvider(_AppConfigProvider):
    resource_type = "AWS::AppConfig::HostedConfigurationVersion"
    properties = frozenset(
        {
            "ApplicationId",
            "ConfigurationProfileId",
            "Content",
            "ContentType",
            "Description",
            "LatestVersionNumber",
            "VersionLabel",
        }
    )
    attribute = "VersionNumber"

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        optional = _pick(props, "Description", "VersionLabel")
        if "LatestVersionNumber" in props:
            optional["LatestVersionNumber"] = int(props["LatestVersionNumber"])
        created = request.services.client("appconfig", request.region).create_hosted_configuration_version(
            ApplicationId=props["ApplicationId"],
            ConfigurationProfileId=props["ConfigurationProfileId"],
            Content=str(props["Content"]).encode(),
            ContentType=props["ContentType"],
            **optional,
        )
        return self._result(created["VersionNumber"])

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        with ignore_missing():
            request.services.client("appconfig", request.region).delete_hosted_configuration_version(
                ApplicationId=request.properties["ApplicationId"],
                ConfigurationProfileId=request.properties["ConfigurationProfileId"],
                VersionNumber=int(current.physical_id),
            )


class DeploymentProvider(_AppConfigProvider):
    resource_type = "AWS::AppConfig::Deployment"
    properties = frozenset(
        {
            "ApplicationId",
            "EnvironmentId",
            "DeploymentStrategyId",
            "ConfigurationProfileId",
            "ConfigurationVersion",
            "Description",
            "KmsKeyIdentifier",
            "Tags",
        }
    )
    attribute = "DeploymentNumber"

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        created = request.services.client("appconfig", request.region).start_deployment(
            ApplicationId=props["ApplicationId"],
            EnvironmentId=props["EnvironmentId"],
            DeploymentStrategyId=props["DeploymentStrategyId"],
            ConfigurationProfileId=props["ConfigurationProfileId"],
            ConfigurationVersion=str(props["ConfigurationVersion"]),
            Tags=tag_list_to_map(props.get("Tags")),
            **_pick(props, "Description", "KmsKeyIdentifier"),
        )
        return self._result(created["DeploymentNumber"])

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        return None  # as on AWS: deleting a Deployment resource leaves the deployed configuration in place


PROVIDERS: list[type[ResourceProvider]] = [
    ApplicationProvider,
    EnvironmentProvider,
    ConfigurationProfileProvider,
    DeploymentStrategyProvider,
    HostedConfigurationVersionProvider,
    DeploymentProvider,
]
