"""AWS::IAM::Role, Policy and ManagedPolicy, through the local cloud's IAM API.

Example:
    >>> RoleProvider.resource_type
    'AWS::IAM::Role'
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
from fogbank.cloud.cloudformation.providers.common import as_int, ignore_missing, tags_of

__all__ = ["PROVIDERS", "ManagedPolicyProvider", "PolicyProvider", "RoleProvider"]


def _document(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


class RoleProvider(ResourceProvider):
    """AWS::IAM::Role; Ref is the role name, GetAtt Arn and RoleId."""

    resource_type = "AWS::IAM::Role"
    properties = frozenset(
        {
            "AssumeRolePolicyDocument",
            "Description",
            "ManagedPolicyArns",
            "MaxSessionDuration",
            "Path",
            "PermissionsBoundary",
            "Policies",
            "RoleName",
            "Tags",
        }
    )

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        name = props.get("RoleName") or request.physical_name(64)
        iam = request.services.client("iam")
        optional: dict[str, Any] = {}
        if "MaxSessionDuration" in props:
            optional["MaxSessionDuration"] = as_int(props["MaxSessionDuration"])
        for key in ("Description", "PermissionsBoundary"):
            if key in props:
                optional[key] = props[key]
        role = iam.create_role(
            RoleName=name,
            Path=props.get("Path", "/"),
            AssumeRolePolicyDocument=_document(props["AssumeRolePolicyDocument"]),
            Tags=tags_of(props),
            **optional,
        )["Role"]
        result = ProviderResult(physical_id=name, attributes={"Arn": role["Arn"], "RoleId": role["RoleId"]})
        try:
            self._sync_policies(iam, name, props, {})
        except Exception:
            self.delete(request, result)
            raise
        return result

    @staticmethod
    def _sync_policies(iam: Any, name: str, props: dict[str, Any], previous: dict[str, Any]) -> None:
        old_arns = set(previous.get("ManagedPolicyArns", []))
        new_arns = set(props.get("ManagedPolicyArns", []))
        for arn in sorted(old_arns - new_arns):
            iam.detach_role_policy(RoleName=name, PolicyArn=arn)
        for arn in sorted(new_arns - old_arns):
            iam.attach_role_policy(RoleName=name, PolicyArn=arn)
        old_inline = {p["PolicyName"] for p in previous.get("Policies", [])}
        new_inline = {p["PolicyName"]: p["PolicyDocument"] for p in props.get("Policies", [])}
        for policy_name in sorted(old_inline - set(new_inline)):
            iam.delete_role_policy(RoleName=name, PolicyName=policy_name)
        for policy_name, document in new_inline.items():
            iam.put_role_policy(RoleName=name, PolicyName=policy_name, PolicyDocument=_document(document))

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        props = request.properties
        for key in ("RoleName", "Path"):
            if props.get(key) != previous_properties.get(key):
                raise NeedsReplacement(key)
        iam = request.services.client("iam")
        name = current.physical_id
        iam.update_assume_role_policy(
            RoleName=name, PolicyDocument=_document(props["AssumeRolePolicyDocument"])
        )
        self._sync_policies(iam, name, props, previous_properties)
        return current

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        iam = request.services.client("iam")
        name = current.physical_id
        with ignore_missing():
            for attached in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
                iam.detach_role_policy(RoleName=name, PolicyArn=attached["PolicyArn"])
            for policy_name in iam.list_role_policies(RoleName=name)["PolicyNames"]:
                iam.delete_role_policy(RoleName=name, PolicyName=policy_name)
            iam.delete_role(RoleName=name)


class PolicyProvider(ResourceProvider):
    """AWS::IAM::Policy (an inline policy put on roles, users and groups); Ref and GetAtt Id."""

    resource_type = "AWS::IAM::Policy"
    properties = frozenset({"PolicyName", "PolicyDocument", "Roles", "Users", "Groups"})

    _CALLS = (("Roles", "role", "RoleName"), ("Users", "user", "UserName"), ("Groups", "group", "GroupName"))

    def create(self, request: ProviderRequest) -> ProviderResult:
        self._put(request, request.properties)
        physical = request.physical_name(64)
        return ProviderResult(physical_id=physical, attributes={"Id": physical})

    def _put(self, request: ProviderRequest, props: dict[str, Any]) -> None:
        iam = request.services.client("iam")
        document = _document(props["PolicyDocument"])
        for key, kind, argument in self._CALLS:
            for owner in props.get(key, []):
                getattr(iam, f"put_{kind}_policy")(
                    **{argument: owner}, PolicyName=props["PolicyName"], PolicyDocument=document
                )

    def _remove(self, request: ProviderRequest, props: dict[str, Any]) -> None:
        iam = request.services.client("iam")
        for key, kind, argument in self._CALLS:
            for owner in props.get(key, []):
                with ignore_missing():
                    getattr(iam, f"delete_{kind}_policy")(**{argument: owner}, PolicyName=props["PolicyName"])

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        self._remove(request, previous_properties)
        self._put(request, request.properties)
        return current

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        self._remove(request, request.properties)


class ManagedPolicyProvider(ResourceProvider):
    """AWS::IAM::ManagedPolicy; Ref is the policy ARN."""

    resource_type = "AWS::IAM::ManagedPolicy"
    properties = frozenset(
        {"ManagedPolicyName", "PolicyDocument", "Path", "Description", "Roles", "Users", "Groups"}
    )

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        iam = request.services.client("iam")
        policy = iam.create_policy(
            PolicyName=props.get("ManagedPolicyName") or request.physical_name(128),
            PolicyDocument=_document(props["PolicyDocument"]),
            Path=props.get("Path", "/"),
            Description=props.get("Description", ""),
        )["Policy"]
        arn = policy["Arn"]
        self._attach(iam, arn, props)
        return ProviderResult(
            physical_id=arn,
            attributes={
                "PolicyArn": arn,
                "PolicyId": policy["PolicyId"],
                "PolicyName": policy["PolicyName"],
                "DefaultVersionId": policy.get("DefaultVersionId", "v1"),
                "IsAttachable": policy.get("IsAttachable", True),
                "AttachmentCount": sum(len(props.get(k, [])) for k in ("Roles", "Users", "Groups")),
                "PermissionsBoundaryUsageCount": 0,
                "CreateDate": str(policy.get("CreateDate", "")),
                "UpdateDate": str(policy.get("UpdateDate", "")),
            },
        )

    @staticmethod
    def _attach(iam: Any, arn: str, props: dict[str, Any], verb: str = "attach") -> None:
        for key, kind, argument in PolicyProvider._CALLS:
            for owner in props.get(key, []):
                getattr(iam, f"{verb}_{kind}_policy")(**{argument: owner}, PolicyArn=arn)

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        props = request.properties
        for key in ("ManagedPolicyName", "Path", "Description"):
            if props.get(key) != previous_properties.get(key):
                raise NeedsReplacement(key)
        iam = request.services.client("iam")
        arn = current.physical_id
        with ignore_missing():
            self._attach(iam, arn, previous_properties, "detach")
        if props["PolicyDocument"] != previous_properties.get("PolicyDocument"):
            for version in iam.list_policy_versions(PolicyArn=arn)["Versions"]:
                if not version["IsDefaultVersion"]:
                    iam.delete_policy_version(PolicyArn=arn, VersionId=version["VersionId"])
            iam.create_policy_version(
                PolicyArn=arn, PolicyDocument=_document(props["PolicyDocument"]), SetAsDefault=True
            )
        self._attach(iam, arn, props)
        return current

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        iam = request.services.client("iam")
        arn = current.physical_id
        with ignore_missing():
            self._attach(iam, arn, request.properties, "detach")
        with ignore_missing():
            for version in iam.list_policy_versions(PolicyArn=arn)["Versions"]:
                if not version["IsDefaultVersion"]:
                    iam.delete_policy_version(PolicyArn=arn, VersionId=version["VersionId"])
            iam.delete_policy(PolicyArn=arn)


PROVIDERS: list[type[ResourceProvider]] = [RoleProvider, PolicyProvider, ManagedPolicyProvider]
