"""AWS::Lambda::Function, LayerVersion and Permission, through the local cloud's Lambda API.

Example:
    >>> FunctionProvider.resource_type
    'AWS::Lambda::Function'
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from fogbank.cloud.cloudformation.providers.base import (
    NeedsReplacement,
    ProviderRequest,
    ProviderResult,
    ResourceProvider,
)
from fogbank.cloud.cloudformation.providers.common import as_int, ignore_missing, tag_list_to_map

__all__ = ["PROVIDERS", "FunctionProvider", "LayerVersionProvider", "PermissionProvider"]

_CONFIGURATION = (
    "Role",
    "Handler",
    "Description",
    "Timeout",
    "MemorySize",
    "Environment",
    "Runtime",
    "KmsKeyArn",
    "TracingConfig",
    "Layers",
    "EphemeralStorage",
    "LoggingConfig",
    "VpcConfig",
)


def _inline_zip(source: str, runtime: str) -> bytes:
    """CloudFormation's `Code.ZipFile`: the source becomes index.py / index.js in a zip."""
    name = "index.js" if runtime.startswith("nodejs") else "index.py"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo(name)
        info.external_attr = 0o644 << 16
        archive.writestr(info, source)
    return buffer.getvalue()


def _code(code: dict[str, Any], runtime: str, owner: str) -> dict[str, Any]:
    unsupported = sorted(set(code) - {"S3Bucket", "S3Key", "S3ObjectVersion", "ZipFile"})
    if unsupported:
        raise ValueError(
            f"unsupported Code propert{'ies' if len(unsupported) > 1 else 'y'} {unsupported} of {owner}"
        )
    if "ZipFile" in code:
        return {"ZipFile": _inline_zip(code["ZipFile"], runtime)}
    return {key: code[key] for key in ("S3Bucket", "S3Key", "S3ObjectVersion") if key in code}


def _refuse_dead_letter_config(props: dict[str, Any], logical_id: str) -> None:
    """A DeadLetterConfig with a target would be accepted with no effect: say so instead (an empty one is fine)."""
    if props.get("DeadLetterConfig"):
        raise ValueError(
            f"unsupported property DeadLetterConfig of AWS::Lambda::Function (resource {logical_id}): the local "
            "cloud neither retries failed asynchronous (Event) invocations nor sends them to a dead-letter "
            "queue; remove DeadLetterConfig for local runs, or deploy this stack to AWS"
        )


def _configuration(props: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = {}
    for key in _CONFIGURATION:
        if key not in props:
            continue
        value = props[key]
        if key in ("Timeout", "MemorySize"):
            value = as_int(value)
        if key == "EphemeralStorage":
            value = {"Size": as_int(value["Size"])}
        config["KMSKeyArn" if key == "KmsKeyArn" else key] = value  # the API spells it KMSKeyArn
    return config


class FunctionProvider(ResourceProvider):
    """AWS::Lambda::Function; Ref is the function name, GetAtt Arn."""

    resource_type = "AWS::Lambda::Function"
    properties = frozenset(
        {
            *_CONFIGURATION,
            "Code",
            "FunctionName",
            "Architectures",
            "ReservedConcurrentExecutions",
            "Tags",
            "PackageType",
            "DeadLetterConfig",  # refused unless empty (_refuse_dead_letter_config)
            # Harmless here: it only chooses when AWS moves a function to a new runtime version; locally the
            # runtime is the one installed on the machine (see docs/local-cloud-lambda.md).
            "RuntimeManagementConfig",
        }
    )

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        _refuse_dead_letter_config(props, request.logical_id)
        if props.get("PackageType", "Zip") != "Zip":
            raise ValueError(
                f"unsupported PackageType {props['PackageType']} of {request.logical_id}: use Zip"
            )
        name = props.get("FunctionName") or request.physical_name(64)
        client = request.services.client("lambda", request.region)
        created = client.create_function(
            FunctionName=name,
            Code=_code(props.get("Code", {}), str(props.get("Runtime", "")), request.logical_id),
            Architectures=props.get("Architectures", ["x86_64"]),
            Tags=tag_list_to_map(props.get("Tags")),
            PackageType="Zip",
            **_configuration(props),
        )
        try:
            if "ReservedConcurrentExecutions" in props:
                client.put_function_concurrency(
                    FunctionName=name,
                    ReservedConcurrentExecutions=as_int(props["ReservedConcurrentExecutions"]),
                )
        except Exception:
            client.delete_function(FunctionName=name)
            raise
        return ProviderResult(physical_id=name, attributes={"Arn": created["FunctionArn"]})

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        props = request.properties
        _refuse_dead_letter_config(props, request.logical_id)
        if props.get("FunctionName") != previous_properties.get("FunctionName"):
            raise NeedsReplacement("FunctionName")
        client = request.services.client("lambda", request.region)
        name = current.physical_id
        config = _configuration(props)
        if "Environment" in previous_properties and "Environment" not in props:
            config["Environment"] = {"Variables": {}}  # a removed property goes back to its default
        client.update_function_configuration(FunctionName=name, **config)
        if props.get("Code") != previous_properties.get("Code") or props.get(
            "Architectures"
        ) != previous_properties.get("Architectures"):
            code = _code(props.get("Code", {}), str(props.get("Runtime", "")), request.logical_id)
            client.update_function_code(
                FunctionName=name, Architectures=props.get("Architectures", ["x86_64"]), **code
            )
        if "ReservedConcurrentExecutions" in props:
            client.put_function_concurrency(
                FunctionName=name, ReservedConcurrentExecutions=as_int(props["ReservedConcurrentExecutions"])
            )
        elif "ReservedConcurrentExecutions" in previous_properties:
            client.delete_function_concurrency(FunctionName=name)
        return current

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        with ignore_missing():
            request.services.client("lambda", request.region).delete_function(
                FunctionName=current.physical_id
            )


class LayerVersionProvider(ResourceProvider):
    """AWS::Lambda::LayerVersion; Ref and GetAtt LayerVersionArn (a new version on every change)."""

    resource_type = "AWS::Lambda::LayerVersion"
    properties = frozenset(
        {
            "Content",
            "LayerName",
            "CompatibleRuntimes",
            "CompatibleArchitectures",
            "Description",
            "LicenseInfo",
        }
    )

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        content = props.get("Content", {})
        unsupported = sorted(set(content) - {"S3Bucket", "S3Key", "S3ObjectVersion"})
        if unsupported:
            raise ValueError(f"unsupported Content properties {unsupported} of {request.logical_id}")
        extra = {
            key: props[key]
            for key in ("CompatibleRuntimes", "CompatibleArchitectures", "Description", "LicenseInfo")
            if key in props
        }
        published = request.services.client("lambda", request.region).publish_layer_version(
            LayerName=props.get("LayerName") or request.logical_id, Content=content, **extra
        )
        arn = published["LayerVersionArn"]
        return ProviderResult(physical_id=arn, attributes={"LayerVersionArn": arn})

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        parts = current.physical_id.split(":")
        with ignore_missing():
            request.services.client("lambda", request.region).delete_layer_version(
                LayerName=parts[6], VersionNumber=int(parts[7])
            )


class PermissionProvider(ResourceProvider):
    """AWS::Lambda::Permission; Ref is the statement id."""

    resource_type = "AWS::Lambda::Permission"
    properties = frozenset(
        {
            "Action",
            "FunctionName",
            "Principal",
            "SourceArn",
            "SourceAccount",
            "EventSourceToken",
            "PrincipalOrgID",
            "FunctionUrlAuthType",
            "InvokedViaFunctionUrl",
        }
    )

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = dict(request.properties)
        if "InvokedViaFunctionUrl" in props:  # CDK adds it beside a NONE function URL's permission
            props["InvokedViaFunctionUrl"] = str(props["InvokedViaFunctionUrl"]).lower() == "true"
        statement_id = request.physical_name(100)
        request.services.client("lambda", request.region).add_permission(
            StatementId=statement_id, **{key: props[key] for key in self.properties if key in props}
        )
        return ProviderResult(physical_id=statement_id, attributes={})

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        with ignore_missing():
            request.services.client("lambda", request.region).remove_permission(
                FunctionName=request.properties["FunctionName"], StatementId=current.physical_id
            )


PROVIDERS: list[type[ResourceProvider]] = [FunctionProvider, LayerVersionProvider, PermissionProvider]
