"""AWS::KMS::Key and Alias.

Example:
    >>> KeyProvider.resource_type
    'AWS::KMS::Key'
"""

from __future__ import annotations

import json
from typing import Any

from fogbank.cloud.cloudformation.providers.base import (
    NeedsReplacement,
    ProviderRequest,
    ProviderResult,
    ResourceProvider,
)
from fogbank.cloud.cloudformation.providers.common import as_int, ignore_missing

__all__ = ["PROVIDERS", "AliasProvider", "KeyProvider"]


def _true(value: Any, default: bool) -> bool:
    return default if value is None else str(value).lower() == "true"


class KeyProvider(ResourceProvider):
    """AWS::KMS::Key; Ref is the key id, GetAtt Arn and KeyId. Delete schedules deletion, as on AWS."""

    resource_type = "AWS::KMS::Key"
    properties = frozenset(
        {
            "Description",
            "KeyPolicy",
            "KeySpec",
            "KeyUsage",
            "Enabled",
            "EnableKeyRotation",
            "PendingWindowInDays",
            "MultiRegion",
            "Tags",
        }
    )

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        kms = request.services.client("kms", request.region)
        optional: dict[str, Any] = {
            key: props[key] for key in ("Description", "KeySpec", "KeyUsage") if key in props
        }
        if "KeyPolicy" in props:
            policy = props["KeyPolicy"]
            optional["Policy"] = policy if isinstance(policy, str) else json.dumps(policy)
        if "MultiRegion" in props:
            optional["MultiRegion"] = _true(props["MultiRegion"], False)
        if props.get("Tags"):
            optional["Tags"] = [{"TagKey": t["Key"], "TagValue": t["Value"]} for t in props["Tags"]]
        key = kms.create_key(**optional)["KeyMetadata"]
        self._settings(kms, key["KeyId"], props)
        return ProviderResult(physical_id=key["KeyId"], attributes={"Arn": key["Arn"], "KeyId": key["KeyId"]})

    @staticmethod
    def _settings(kms: Any, key_id: str, props: dict[str, Any]) -> None:
        if _true(props.get("EnableKeyRotation"), False):
            kms.enable_key_rotation(KeyId=key_id)
        else:
            kms.disable_key_rotation(KeyId=key_id)
        if _true(props.get("Enabled"), True):
            kms.enable_key(KeyId=key_id)
        else:
            kms.disable_key(KeyId=key_id)

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        props = request.properties
        for key in ("KeySpec", "KeyUsage", "MultiRegion"):
            if props.get(key) != previous_properties.get(key):
                raise NeedsReplacement(key)
        kms = request.services.client("kms", request.region)
        if "Description" in props:
            kms.update_key_description(KeyId=current.physical_id, Description=props["Description"])
        self._settings(kms, current.physical_id, props)
        return current

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        with ignore_missing():
            request.services.client("kms", request.region).schedule_key_deletion(
                KeyId=current.physical_id,
                PendingWindowInDays=as_int(request.properties.get("PendingWindowInDays", 30)),
            )


class AliasProvider(ResourceProvider):
    """AWS::KMS::Alias; Ref is the alias name."""

    resource_type = "AWS::KMS::Alias"
    properties = frozenset({"AliasName", "TargetKeyId"})

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        request.services.client("kms", request.region).create_alias(
            AliasName=props["AliasName"], TargetKeyId=props["TargetKeyId"]
        )
        return ProviderResult(physical_id=props["AliasName"], attributes={})

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        if request.properties["AliasName"] != previous_properties["AliasName"]:
            raise NeedsReplacement("AliasName")
        request.services.client("kms", request.region).update_alias(
            AliasName=current.physical_id, TargetKeyId=request.properties["TargetKeyId"]
        )
        return current

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        with ignore_missing():
            request.services.client("kms", request.region).delete_alias(AliasName=current.physical_id)


PROVIDERS: list[type[ResourceProvider]] = [KeyProvider, AliasProvider]
