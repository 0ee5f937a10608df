"""AWS::Lambda::Url: a function URL in the Lambda API, served by the front doors at its AWS URL.

Example:
    >>> FunctionUrlProvider.resource_type
    'AWS::Lambda::Url'
"""

from __future__ import annotations

import contextlib
from typing import Any
from urllib.parse import urlsplit

from fogbank.cloud.cloudformation.providers.base import ProviderRequest, ProviderResult, ResourceProvider
from fogbank.cloud.frontdoors.cors import UrlCors
from fogbank.cloud.frontdoors.doors.function_url import FunctionUrlModel
from fogbank.errors import DeployError

__all__ = ["PROVIDERS", "FunctionUrlProvider"]


class FunctionUrlProvider(ResourceProvider):
    """AWS::Lambda::Url; Ref is the function's ARN, GetAtt FunctionUrl the `https://<id>.lambda-url...` URL."""

    resource_type = "AWS::Lambda::Url"
    properties = frozenset({"TargetFunctionArn", "AuthType", "Cors", "Qualifier", "InvokeMode"})

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        if props.get("InvokeMode", "BUFFERED") != "BUFFERED":
            raise DeployError(
                f"{request.logical_id}: InvokeMode {props['InvokeMode']!r} (response streaming) is not supported by "
                "the local cloud's function URLs; use BUFFERED, or test this function against AWS"
            )
        auth_type = props.get("AuthType")
        if auth_type not in ("NONE", "AWS_IAM"):
            raise DeployError(f"{request.logical_id}: AuthType must be NONE or AWS_IAM, got {auth_type!r}")
        arguments: dict[str, Any] = {"FunctionName": props["TargetFunctionArn"], "AuthType": auth_type}
        if props.get("Cors"):
            arguments["Cors"] = _cors(props["Cors"])
        if props.get("Qualifier"):
            arguments["Qualifier"] = props["Qualifier"]
        answer = request.services.client("lambda", request.region).create_function_url_config(**arguments)
        host = urlsplit(answer["FunctionUrl"]).netloc
        model = FunctionUrlModel(
            url_id=host.split(".", 1)[0],
            function_arn=answer["FunctionArn"],
            auth_type=auth_type,
            region=request.region,
            account_id=request.account_id,
            cors=UrlCors.from_config(arguments.get("Cors")),
        )
        request.services.frontdoors.put_function_url(model)
        return ProviderResult(
            physical_id=answer["FunctionArn"],
            attributes={"FunctionUrl": model.url, "FunctionArn": answer["FunctionArn"]},
        )

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        url = str(current.attributes.get("FunctionUrl", ""))
        request.services.frontdoors.remove_function_url(urlsplit(url).netloc.split(".", 1)[0])
        arguments = {"FunctionName": request.properties["TargetFunctionArn"]}
        if request.properties.get("Qualifier"):
            arguments["Qualifier"] = request.properties["Qualifier"]
        client = request.services.client("lambda", request.region)
        with contextlib.suppress(client.exceptions.ResourceNotFoundException):
            client.delete_function_url_config(**arguments)


def _cors(cors: dict[str, Any]) -> dict[str, Any]:
    """CloudFormation's Cors (strings for booleans and numbers) as the Lambda API's Cors structure."""
    result: dict[str, Any] = {}
    for key in ("AllowHeaders", "AllowMethods", "AllowOrigins", "ExposeHeaders"):
        if key in cors:
            result[key] = list(cors[key])
    if "AllowCredentials" in cors:
        result["AllowCredentials"] = str(cors["AllowCredentials"]).lower() == "true"
    if "MaxAge" in cors:
        result["MaxAge"] = int(cors["MaxAge"])
    return result


PROVIDERS: list[type[ResourceProvider]] = [FunctionUrlProvider]
