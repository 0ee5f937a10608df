"""AWS::ECR::Repository through the local cloud's ECR API (the CDK bootstrap's container asset repository).

The repository, its tag mutability, scanning and encryption settings, lifecycle policy, repository policy and
tags are kept as ECR keeps them. Images can be pushed with the ECR API; the local cloud runs no container
images (Lambda functions are zip packages), so a repository is for publishing and reading back.

Example:
    >>> RepositoryProvider.resource_type
    'AWS::ECR::Repository'
"""

from __future__ import annotations

import json
from typing import Any

from fogbank.cloud.cloudformation.providers.base import ProviderRequest, ProviderResult, ResourceProvider
from fogbank.cloud.cloudformation.providers.common import ignore_missing, tags_of

__all__ = ["PROVIDERS", "RepositoryProvider"]


def _ecr(request: ProviderRequest) -> Any:
    return request.services.client("ecr", request.region)


def _scanning(props: dict[str, Any]) -> dict[str, bool]:
    """ImageScanningConfiguration as ECR's `imageScanningConfiguration` (absent means scanOnPush false)."""
    configuration = props.get("ImageScanningConfiguration") or {}
    return {"scanOnPush": str(configuration.get("ScanOnPush", "false")).lower() == "true"}


def _text(policy: Any) -> str:
    return policy if isinstance(policy, str) else json.dumps(policy)


class RepositoryProvider(ResourceProvider):
    """AWS::ECR::Repository; Ref is the repository name, GetAtt Arn and RepositoryUri."""

    resource_type = "AWS::ECR::Repository"
    properties = frozenset(
        {
            "RepositoryName",
            "ImageTagMutability",
            "ImageScanningConfiguration",
            "EncryptionConfiguration",
            "LifecyclePolicy",
            "RepositoryPolicyText",
            "EmptyOnDelete",
            "Tags",
        }
    )

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        name = props.get("RepositoryName") or request.physical_name(256).lower()
        arguments: dict[str, Any] = {"repositoryName": name, "tags": tags_of(props)}
        if "ImageTagMutability" in props:
            arguments["imageTagMutability"] = props["ImageTagMutability"]
        if "ImageScanningConfiguration" in props:
            arguments["imageScanningConfiguration"] = _scanning(props)
        if "EncryptionConfiguration" in props:
            encryption = props["EncryptionConfiguration"]
            arguments["encryptionConfiguration"] = {
                "encryptionType": encryption["EncryptionType"],
                **({"kmsKey": encryption["KmsKey"]} if "KmsKey" in encryption else {}),
            }
        repository = _ecr(request).create_repository(**arguments)["repository"]
        result = ProviderResult(
            physical_id=name,
            attributes={"Arn": repository["repositoryArn"], "RepositoryUri": repository["repositoryUri"]},
        )
        try:
            self._policies(request, name)
        except Exception:
            self.delete(request, result)
            raise
        return result

    @staticmethod
    def _policies(request: ProviderRequest, name: str) -> None:
        props, ecr = request.properties, _ecr(request)
        lifecycle = props.get("LifecyclePolicy") or {}
        if lifecycle.get("LifecyclePolicyText"):
            ecr.put_lifecycle_policy(
                repositoryName=name, lifecyclePolicyText=_text(lifecycle["LifecyclePolicyText"])
            )
        if props.get("RepositoryPolicyText"):
            ecr.set_repository_policy(repositoryName=name, policyText=_text(props["RepositoryPolicyText"]))

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        for key in ("RepositoryName", "EncryptionConfiguration"):
            if request.properties.get(key) != previous_properties.get(key):
                return super().update(request, current, previous_properties)
        ecr, name, props = _ecr(request), current.physical_id, request.properties
        if props.get("ImageTagMutability", "MUTABLE") != previous_properties.get(
            "ImageTagMutability", "MUTABLE"
        ):
            ecr.put_image_tag_mutability(
                repositoryName=name, imageTagMutability=props.get("ImageTagMutability", "MUTABLE")
            )
        if _scanning(props) != _scanning(previous_properties):
            ecr.put_image_scanning_configuration(
                repositoryName=name, imageScanningConfiguration=_scanning(props)
            )
        if "RepositoryPolicyText" in previous_properties and "RepositoryPolicyText" not in props:
            with ignore_missing():
                ecr.delete_repository_policy(repositoryName=name)
        if "LifecyclePolicy" in previous_properties and "LifecyclePolicy" not in props:
            with ignore_missing():
                ecr.delete_lifecycle_policy(repositoryName=name)
        self._policies(request, name)
        return current

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        # As on AWS: a repository with images fails to delete unless EmptyOnDelete is true.
        force = str(request.properties.get("EmptyOnDelete", "false")).lower() == "true"
        with ignore_missing():
            _ecr(request).delete_repository(repositoryName=current.physical_id, force=force)


PROVIDERS: list[type[ResourceProvider]] = [RepositoryProvider]
