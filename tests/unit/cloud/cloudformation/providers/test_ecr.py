"""AWS::ECR::Repository updates apply ImageScanningConfiguration in place."""

from __future__ import annotations

from collections.abc import Callable

from fogbank.cloud import LocalCloud
from fogbank.cloud.cloudformation.providers.base import ProviderRequest
from fogbank.cloud.cloudformation.providers.ecr import RepositoryProvider


def test_update_turns_scan_on_push_on_and_off(
    cloud: LocalCloud, provider_request: Callable[..., ProviderRequest]
) -> None:
    # GIVEN a repository created without scanning
    provider, ecr = RepositoryProvider(), cloud.client("ecr")
    created_with = {"RepositoryName": "scanned"}
    current = provider.create(provider_request("AWS::ECR::Repository", created_with))

    def scan_on_push() -> bool:
        (repository,) = ecr.describe_repositories(repositoryNames=["scanned"])["repositories"]
        return bool(repository["imageScanningConfiguration"]["scanOnPush"])

    assert scan_on_push() is False

    # WHEN it is updated with ScanOnPush true
    scanning = {**created_with, "ImageScanningConfiguration": {"ScanOnPush": True}}
    current = provider.update(provider_request("AWS::ECR::Repository", scanning), current, created_with)

    # THEN the same repository scans on push
    assert current.physical_id == "scanned"
    assert scan_on_push() is True

    # AND removing the configuration again turns scanning off
    provider.update(provider_request("AWS::ECR::Repository", created_with), current, scanning)
    assert scan_on_push() is False
    provider.delete(provider_request("AWS::ECR::Repository", created_with), current)
