"""The Lambda API operations fogbank answers itself (Invoke, InvokeAsync), plus checks and worker recycling
around the operations moto answers (CreateFunction, Update*, DeleteFunction, ...).

Example (skipped as a doctest: it needs a running local cloud):
    >>> routes.add("lambda", LambdaHttpApi(invoker, pools.recycle))  # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote

from fogbank.cloud.lambda_.api import InvokeResult
from fogbank.cloud.lambda_.errors import LambdaApiError
from fogbank.cloud.lambda_.invoke import Invoker, InvokeRequest
from fogbank.cloud.router import AwsRequest, AwsResponse

__all__ = ["RESERVED_ENVIRONMENT_KEYS", "LambdaHttpApi"]

_FUNCTION = r"/(?P<api_version>\d{4}-\d{2}-\d{2})/functions/(?P<name>[^/]+)"
_ANY_FUNCTION_PATH = re.compile(_FUNCTION)
_INVOKE = re.compile(_FUNCTION + r"/invocations/?$")
_INVOKE_ASYNC = re.compile(_FUNCTION + r"/invoke-async/?$")
_INVOKE_STREAM = re.compile(_FUNCTION + r"/response-streaming-invocations/?$")
_UPDATE = re.compile(_FUNCTION + r"/(?P<what>code|configuration)/?$")
_FUNCTION_ONLY = re.compile(_FUNCTION + r"/?$")
_CREATE = re.compile(r"/\d{4}-\d{2}-\d{2}/functions/?$")

RESERVED_ENVIRONMENT_KEYS = frozenset(
    {
        "_HANDLER",
        "_X_AMZN_TRACE_ID",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API",
        "LAMBDA_TASK_ROOT",
        "LAMBDA_RUNTIME_DIR",
    }
)


class LambdaHttpApi:
    """A router handler for the `lambda` signing name; returns None for what moto should answer."""

    def __init__(self, invoker: Invoker, recycle: Callable[[str, str], None]) -> None:
        self._invoker = invoker
        self._recycle = recycle

    def __call__(self, request: AwsRequest) -> AwsResponse | None:
        try:
            return self._dispatch(request)
        except LambdaApiError as exc:
            return exc.response()

    def _dispatch(self, request: AwsRequest) -> AwsResponse | None:
        path = request.path
        if match := _ANY_FUNCTION_PATH.match(path):
            _check_same_region(unquote(match["name"]), request.region)
        if request.method == "POST" and (match := _INVOKE.match(path)):
            return self._invoke(request, unquote(match["name"]))
        if request.method == "POST" and (match := _INVOKE_ASYNC.match(path)):
            result = self._invoker.invoke(
                InvokeRequest(unquote(match["name"]), request.body, "Event", region=request.region)
            )
            return (
                AwsResponse.json({"Status": 202}, 202) if result.status == 202 else _invoke_response(result)
            )
        if request.method == "POST" and _INVOKE_STREAM.match(path):
            raise LambdaApiError(
                "InvalidParameterValueException",
                "InvokeWithResponseStream is not supported by the local cloud; call Invoke instead "
                "(the response arrives whole)",
            )
        if request.method == "POST" and _CREATE.match(path):
            _check_environment(request)
            return None
        if request.method == "PUT" and (match := _UPDATE.match(path)):
            if match["what"] == "configuration":
                _check_environment(request)
            self._recycle(*_function_in_region(unquote(match["name"]), request.region))
            return None
        if request.method == "DELETE" and (match := _FUNCTION_ONLY.match(path)):
            self._recycle(*_function_in_region(unquote(match["name"]), request.region))
            return None
        return None

    def _invoke(self, request: AwsRequest, function: str) -> AwsResponse:
        qualifiers = request.query.get("Qualifier") or []
        qualifier = qualifiers[0] if qualifiers else None
        result = self._invoker.invoke(
            InvokeRequest(
                function=function,
                payload=request.body,
                invocation_type=request.header("x-amz-invocation-type") or "RequestResponse",
                qualifier=qualifier,
                trace_header=request.header("x-amzn-trace-id"),
                client_context=request.header("x-amz-client-context"),
                log_type=request.header("x-amz-log-type"),
                region=request.region,
            )
        )
        return _invoke_response(result)


def _invoke_response(result: InvokeResult) -> AwsResponse:
    headers = {"Content-Type": "application/json", "X-Amz-Executed-Version": result.executed_version}
    if result.request_id:
        headers["x-amzn-RequestId"] = result.request_id
    if result.function_error is not None:
        headers["X-Amz-Function-Error"] = result.function_error
    if result.log_result is not None:
        headers["X-Amz-Log-Result"] = result.log_result
    return AwsResponse(result.status, result.payload, headers)


def _function_in_region(name_or_arn: str, request_region: str) -> tuple[str, str]:
    """`my-fn`, `my-fn:alias` or a (qualified) ARN -> (`my-fn`, its region: the ARN's, else the request's)."""
    if ":function:" in name_or_arn:
        return name_or_arn.split(":function:", 1)[1].split(":", 1)[0], name_or_arn.split(":")[3]
    return name_or_arn.split(":", 1)[0], request_region


def _check_same_region(name_or_arn: str, request_region: str) -> None:
    """The Lambda API of a region reaches only that region's functions: an ARN of another region is
    ResourceNotFoundException, as AWS answers it (other services, e.g. SNS, may still invoke across regions)."""
    if name_or_arn.startswith("arn:") and name_or_arn.count(":") >= 6:
        region = name_or_arn.split(":")[3]
        if region != request_region:
            raise LambdaApiError(
                "ResourceNotFoundException",
                f"Functions from '{region}' are not reachable in this region ('{request_region}')",
                404,
            )


def _check_environment(request: AwsRequest) -> None:
    try:
        body = request.json()
    except ValueError:
        return  # moto reports the malformed body
    if not isinstance(body, dict):
        return
    variables = (body.get("Environment") or {}).get("Variables") or {}
    reserved = sorted(key for key in variables if key in RESERVED_ENVIRONMENT_KEYS)
    if reserved:
        raise LambdaApiError(
            "InvalidParameterValueException",
            "Lambda was unable to configure your environment variables because the environment variables you "
            "have provided contains reserved keys that are currently not supported for modification. Reserved "
            f"keys used in this request: {', '.join(reserved)}",
        )
