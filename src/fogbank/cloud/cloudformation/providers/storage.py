"""AWS::S3::Bucket and BucketPolicy, AWS::DynamoDB::Table, AWS::Logs::LogGroup.

Example:
    >>> BucketProvider.resource_type
    'AWS::S3::Bucket'
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
from fogbank.cloud.cloudformation.providers.s3_config import canned_acl, lifecycle_rules

__all__ = ["PROVIDERS", "BucketPolicyProvider", "BucketProvider", "LogGroupProvider", "TableProvider"]


class LogGroupProvider(ResourceProvider):
    """AWS::Logs::LogGroup; Ref is the name, GetAtt Arn."""

    resource_type = "AWS::Logs::LogGroup"
    properties = frozenset({"LogGroupName", "RetentionInDays", "KmsKeyId", "Tags", "LogGroupClass"})

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        name = props.get("LogGroupName") or request.physical_name(512)
        logs = request.services.client("logs", request.region)
        optional = {
            key[0].lower() + key[1:]: props[key] for key in ("KmsKeyId", "LogGroupClass") if key in props
        }
        tags = {t["Key"]: t["Value"] for t in tags_of(props)}
        logs.create_log_group(logGroupName=name, **({"tags": tags} if tags else {}), **optional)
        result = ProviderResult(
            physical_id=name,
            attributes={"Arn": f"arn:aws:logs:{request.region}:{request.account_id}:log-group:{name}:*"},
        )
        self._retention(logs, name, props)
        return result

    @staticmethod
    def _retention(logs: Any, name: str, props: dict[str, Any]) -> None:
        if "RetentionInDays" in props:
            logs.put_retention_policy(logGroupName=name, retentionInDays=as_int(props["RetentionInDays"]))
        else:
            logs.delete_retention_policy(logGroupName=name)

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        for key in ("LogGroupName", "LogGroupClass"):
            if request.properties.get(key) != previous_properties.get(key):
                raise NeedsReplacement(key)
        self._retention(
            request.services.client("logs", request.region), current.physical_id, request.properties
        )
        return current

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        with ignore_missing():
            request.services.client("logs", request.region).delete_log_group(logGroupName=current.physical_id)


class BucketProvider(ResourceProvider):
    """AWS::S3::Bucket; Ref is the name. Deleting a bucket that still has objects fails, as on AWS."""

    resource_type = "AWS::S3::Bucket"
    properties = frozenset(
        {
            "BucketName",
            "Tags",
            "VersioningConfiguration",
            "BucketEncryption",
            "PublicAccessBlockConfiguration",
            "CorsConfiguration",
            "OwnershipControls",
            "AccessControl",
            "LifecycleConfiguration",
        }
    )

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        name = props.get("BucketName") or request.physical_name(63).lower()
        s3 = request.services.client("s3", request.region)
        location: dict[str, Any] = (
            {}
            if request.region == "us-east-1"
            else {"CreateBucketConfiguration": {"LocationConstraint": request.region}}
        )
        if "AccessControl" in props:
            location["ACL"] = canned_acl(props["AccessControl"])
        s3.create_bucket(Bucket=name, **location)
        result = ProviderResult(physical_id=name, attributes=self._attributes(name, request.region))
        try:
            self._configure(s3, name, props, request.logical_id)
        except Exception:
            self.delete(request, result)
            raise
        return result

    @staticmethod
    def _attributes(name: str, region: str) -> dict[str, Any]:
        return {
            "Arn": f"arn:aws:s3:::{name}",
            "DomainName": f"{name}.s3.amazonaws.com",
            "RegionalDomainName": f"{name}.s3.{region}.amazonaws.com",
            "DualStackDomainName": f"{name}.s3.dualstack.{region}.amazonaws.com",
            "WebsiteURL": f"http://{name}.s3-website-{region}.amazonaws.com",
        }

    @staticmethod
    def _configure(s3: Any, name: str, props: dict[str, Any], owner: str) -> None:
        if "VersioningConfiguration" in props:
            s3.put_bucket_versioning(
                Bucket=name, VersioningConfiguration={"Status": props["VersioningConfiguration"]["Status"]}
            )
        if "BucketEncryption" in props:
            rules = [
                {
                    "ApplyServerSideEncryptionByDefault": rule["ServerSideEncryptionByDefault"],
                    **({"BucketKeyEnabled": rule["BucketKeyEnabled"]} if "BucketKeyEnabled" in rule else {}),
                }
                for rule in props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
            ]
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
        if "PublicAccessBlockConfiguration" in props:
            block = {
                key: str(value).lower() == "true"
                for key, value in props["PublicAccessBlockConfiguration"].items()
            }
            s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=block)
        if "CorsConfiguration" in props:
            rules = []
            for rule in props["CorsConfiguration"]["CorsRules"]:
                converted = {
                    key: rule[key]
                    for key in ("AllowedHeaders", "AllowedMethods", "AllowedOrigins", "ExposedHeaders")
                    if key in rule
                }
                if "MaxAge" in rule:
                    converted["MaxAgeSeconds"] = as_int(rule["MaxAge"])
                if "Id" in rule:
                    converted["ID"] = rule["Id"]
                rules.append(converted)
            s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": rules})
        if "OwnershipControls" in props:
            s3.put_bucket_ownership_controls(Bucket=name, OwnershipControls=props["OwnershipControls"])
        if "LifecycleConfiguration" in props:
            s3.put_bucket_lifecycle_configuration(
                Bucket=name,
                LifecycleConfiguration={
                    "Rules": lifecycle_rules(props["LifecycleConfiguration"], owner=owner)
                },
            )
        if props.get("Tags"):
            s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tags_of(props)})

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        if request.properties.get("BucketName") != previous_properties.get("BucketName"):
            raise NeedsReplacement("BucketName")
        s3 = request.services.client("s3", request.region)
        name = current.physical_id
        removed = set(previous_properties) - set(request.properties)
        removals = {
            "BucketEncryption": s3.delete_bucket_encryption,
            "PublicAccessBlockConfiguration": s3.delete_public_access_block,
            "CorsConfiguration": s3.delete_bucket_cors,
            "OwnershipControls": s3.delete_bucket_ownership_controls,
            "Tags": s3.delete_bucket_tagging,
            "LifecycleConfiguration": s3.delete_bucket_lifecycle,
        }
        for key in sorted(removed & set(removals)):
            removals[key](Bucket=name)
        access = request.properties.get("AccessControl", "Private")
        if access != previous_properties.get("AccessControl", "Private"):
            s3.put_bucket_acl(Bucket=name, ACL=canned_acl(access))
        self._configure(s3, name, request.properties, request.logical_id)
        return current

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        with ignore_missing():
            request.services.client("s3", request.region).delete_bucket(Bucket=current.physical_id)


class BucketPolicyProvider(ResourceProvider):
    """AWS::S3::BucketPolicy."""

    resource_type = "AWS::S3::BucketPolicy"
    properties = frozenset({"Bucket", "PolicyDocument"})

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        document = props["PolicyDocument"]
        request.services.client("s3", request.region).put_bucket_policy(
            Bucket=props["Bucket"], Policy=document if isinstance(document, str) else json.dumps(document)
        )
        return ProviderResult(physical_id=request.physical_name(64), attributes={})

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        if request.properties["Bucket"] != previous_properties["Bucket"]:
            raise NeedsReplacement("Bucket")
        self.create(request)
        return current

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        with ignore_missing():
            request.services.client("s3", request.region).delete_bucket_policy(
                Bucket=request.properties["Bucket"]
            )


class TableProvider(ResourceProvider):
    """AWS::DynamoDB::Table; Ref is the name, GetAtt Arn and StreamArn."""

    resource_type = "AWS::DynamoDB::Table"
    properties = frozenset(
        {
            "TableName",
            "KeySchema",
            "AttributeDefinitions",
            "BillingMode",
            "ProvisionedThroughput",
            "GlobalSecondaryIndexes",
            "LocalSecondaryIndexes",
            "StreamSpecification",
            "SSESpecification",
            "TimeToLiveSpecification",
            "PointInTimeRecoverySpecification",
            "DeletionProtectionEnabled",
            "TableClass",
            "Tags",
        }
    )

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        name = props.get("TableName") or request.physical_name(255)
        ddb = request.services.client("dynamodb", request.region)
        arguments: dict[str, Any] = {
            key: props[key]
            for key in (
                "KeySchema",
                "AttributeDefinitions",
                "GlobalSecondaryIndexes",
                "LocalSecondaryIndexes",
                "TableClass",
            )
            if key in props
        }
        arguments["BillingMode"] = props.get("BillingMode", "PROVISIONED")
        if "ProvisionedThroughput" in props:
            arguments["ProvisionedThroughput"] = {
                k: as_int(v) for k, v in props["ProvisionedThroughput"].items()
            }
        if "StreamSpecification" in props:
            arguments["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
        if "SSESpecification" in props:
            sse = dict(props["SSESpecification"])
            arguments["SSESpecification"] = {"Enabled": sse.pop("SSEEnabled", False), **sse}
        if "DeletionProtectionEnabled" in props:
            arguments["DeletionProtectionEnabled"] = str(props["DeletionProtectionEnabled"]).lower() == "true"
        if props.get("Tags"):
            arguments["Tags"] = tags_of(props)
        table = ddb.create_table(TableName=name, **arguments)["TableDescription"]
        result = ProviderResult(
            physical_id=name,
            attributes={
                "Arn": table["TableArn"],
                **({"StreamArn": table["LatestStreamArn"]} if "LatestStreamArn" in table else {}),
            },
        )
        try:
            self._extras(ddb, name, props)
        except Exception:
            self.delete(request, result)
            raise
        return result

    @staticmethod
    def _extras(ddb: Any, name: str, props: dict[str, Any]) -> None:
        if "TimeToLiveSpecification" in props:
            spec = props["TimeToLiveSpecification"]
            ddb.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={
                    "Enabled": str(spec["Enabled"]).lower() == "true",
                    "AttributeName": spec["AttributeName"],
                },
            )
        if "PointInTimeRecoverySpecification" in props:
            enabled = (
                str(props["PointInTimeRecoverySpecification"].get("PointInTimeRecoveryEnabled")).lower()
                == "true"
            )
            ddb.update_continuous_backups(
                TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": enabled}
            )

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        props = request.properties
        for key in ("TableName", "KeySchema", "LocalSecondaryIndexes"):
            if props.get(key) != previous_properties.get(key):
                raise NeedsReplacement(key)
        changed = {
            k
            for k in (
                "GlobalSecondaryIndexes",
                "AttributeDefinitions",
                "StreamSpecification",
                "SSESpecification",
                "BillingMode",
                "ProvisionedThroughput",
                "DeletionProtectionEnabled",
            )
            if props.get(k) != previous_properties.get(k)
        }
        if changed:
            raise NeedsReplacement(", ".join(sorted(changed)))
        self._extras(request.services.client("dynamodb", request.region), current.physical_id, props)
        return current

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        with ignore_missing():
            request.services.client("dynamodb", request.region).delete_table(TableName=current.physical_id)


PROVIDERS: list[type[ResourceProvider]] = [
    LogGroupProvider,
    BucketProvider,
    BucketPolicyProvider,
    TableProvider,
]
