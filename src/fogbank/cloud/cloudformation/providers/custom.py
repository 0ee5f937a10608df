"""Custom resources (`Custom::*`, AWS::CloudFormation::CustomResource) with the real protocol.

The service token Lambda is invoked asynchronously with the CloudFormation event; its handler answers by
PUTting JSON to the ResponseURL, which the local cloud serves. GetAtt reads the response's `Data`.
When the invocation itself fails (the module cannot load, the handler raises, it times out) and no response
arrives, the resource fails at once with the function's errorType and errorMessage, instead of waiting for
the deadline as AWS does (the local cloud knows how the invocation ended).

Example:
    >>> CustomResourceProvider.resource_type
    'AWS::CloudFormation::CustomResource'
"""

from __future__ import annotations

import json
import os
import uuid
from typing import Any

from fogbank.cloud.cloudformation.custom_responses import FailedWithoutResponse
from fogbank.cloud.cloudformation.providers.base import ProviderRequest, ProviderResult, ResourceProvider
from fogbank.cloud.lambda_.api import InvokeResult

__all__ = [
    "CUSTOM_RESOURCE_TIMEOUT_ENV",
    "PROVIDERS",
    "CustomResourceFailed",
    "CustomResourceProvider",
    "as_strings",
]

CUSTOM_RESOURCE_TIMEOUT_ENV = "FOGBANK_CUSTOM_RESOURCE_TIMEOUT"
_DEFAULT_TIMEOUT = 120.0


def as_strings(value: Any) -> Any:
    """Properties as a custom resource receives them: CloudFormation sends every scalar as a string.

    >>> as_strings({"Prune": True, "Count": 3, "Keys": [1.5, None], "Name": "n"})
    {'Prune': 'true', 'Count': '3', 'Keys': ['1.5', None], 'Name': 'n'}
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dict):
        return {key: as_strings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_strings(item) for item in value]
    return value


class CustomResourceFailed(Exception):
    """The handler answered FAILED, or never answered before the deadline."""


def _timeout() -> float:
    return float(os.environ.get(CUSTOM_RESOURCE_TIMEOUT_ENV, _DEFAULT_TIMEOUT))


class CustomResourceProvider(ResourceProvider):
    """Invokes the ServiceToken function for Create, Update and Delete."""

    resource_type = "AWS::CloudFormation::CustomResource"
    properties = frozenset({"ServiceToken"})
    open_properties = True
    replaced_when_physical_id_changes = True

    def _call(
        self,
        request: ProviderRequest,
        request_type: str,
        physical_id: str | None = None,
        old_properties: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        token_arn = request.properties.get("ServiceToken")
        if not isinstance(token_arn, str) or not token_arn.startswith("arn:aws:lambda:"):
            raise CustomResourceFailed(
                f"unsupported ServiceToken {token_arn!r} of {request.logical_id}: the local cloud invokes Lambda "
                "functions only (arn:aws:lambda:...), not SNS topics"
            )
        box = request.services.custom_resources
        token = box.open()
        event: dict[str, Any] = {
            "RequestType": request_type,
            "ServiceToken": token_arn,
            "ResponseURL": box.response_url(token),
            "StackId": request.stack_id,
            "RequestId": str(uuid.uuid4()),
            "ResourceType": request.resource_type,
            "LogicalResourceId": request.logical_id,
            "ResourceProperties": as_strings(request.properties),
        }
        if physical_id is not None:
            event["PhysicalResourceId"] = physical_id
        if old_properties is not None:
            event["OldResourceProperties"] = as_strings(old_properties)

        def on_outcome(result: InvokeResult) -> None:
            if not result.ok:
                box.fail(token, _failure_reason(request, token_arn, result))

        invoked = request.services.invoker.invoke(
            token_arn, json.dumps(event).encode(), invocation_type="Event", on_event_outcome=on_outcome
        )
        if not 200 <= invoked.status < 300:
            box.wait(token, 0)
            raise CustomResourceFailed(
                f"could not invoke the ServiceToken function {token_arn} ({invoked.status}: "
                f"{invoked.payload.decode(errors='replace')[:500]})"
            )
        timeout = _timeout()
        try:
            answer = box.wait(token, timeout)
        except FailedWithoutResponse as exc:
            raise CustomResourceFailed(str(exc)) from None
        if answer is None:
            raise CustomResourceFailed(
                f"{request.resource_type} ({request.logical_id}): CloudFormation did not receive a response "
                f"from your Custom Resource within {timeout:g} s: the function {_function_name(token_arn)} "
                f"ran ({request_type}) without error but never sent the PUT to its ResponseURL. Make the "
                f"handler PUT its result (e.g. with cfn-response), check its log group "
                f"{_log_group(token_arn)}, or change the deadline with {CUSTOM_RESOURCE_TIMEOUT_ENV}=<seconds>"
            )
        if answer.get("Status") != "SUCCESS":
            raise CustomResourceFailed(
                f"Received response status [{answer.get('Status')}] from custom resource. "
                f"Message returned: {answer.get('Reason', '(none)')}"
            )
        return answer

    def _result(self, answer: dict[str, Any], fallback_id: str) -> ProviderResult:
        data = answer.get("Data") or {}
        if not isinstance(data, dict):
            raise CustomResourceFailed(f"the custom resource response's Data must be an object, got {data!r}")
        return ProviderResult(
            physical_id=str(answer.get("PhysicalResourceId") or fallback_id), attributes=data
        )

    def create(self, request: ProviderRequest) -> ProviderResult:
        return self._result(self._call(request, "Create"), request.physical_name(64))

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        # A new PhysicalResourceId means a new resource: the engine deletes the old one during cleanup, after
        # the update completed (see replaced_when_physical_id_changes), never before.
        answer = self._call(request, "Update", current.physical_id, previous_properties)
        return self._result(answer, current.physical_id)

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        self._call(request, "Delete", current.physical_id)


def _function_name(arn: str) -> str:
    """`arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]` -> `<name>`."""
    return arn.split(":function:", 1)[-1].split(":", 1)[0]


def _log_group(arn: str) -> str:
    return f"/aws/lambda/{_function_name(arn)}"


def _failure_reason(request: ProviderRequest, arn: str, result: InvokeResult) -> str:
    """AWS-style reason naming the resource, the function and its errorType/errorMessage."""
    try:
        body = json.loads(result.payload)
    except ValueError:
        body = None
    if isinstance(body, dict) and ("errorType" in body or "errorMessage" in body):
        error = f"{body.get('errorType', 'Error')}: {str(body.get('errorMessage', ''))[:1000]}"
    else:
        error = (
            f"{result.function_error or result.error_code}: {result.payload.decode(errors='replace')[:1000]}"
        )
    what = "could not be run" if result.error_code is not None else "failed without responding"
    return (
        f"{request.resource_type} ({request.logical_id}): the custom resource function "
        f"{_function_name(arn)} {what}: {error}. See its log group {_log_group(arn)} (or its LoggingConfig "
        "log group) for the full error"
    )


PROVIDERS: list[type[ResourceProvider]] = [CustomResourceProvider]
