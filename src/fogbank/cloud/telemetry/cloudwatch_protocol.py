"""CloudWatch's wire protocols on the local cloud: smithy-rpc-v2-cbor (botocore's default) and awsJson1_0.

botocore's own CBOR parser and serializer (driven by CloudWatch's service model) decode requests and encode
responses, so the bytes are the ones botocore expects. Operations fogbank does not answer itself are bridged
to moto's query-protocol implementation: request re-encoded as a query form, moto's XML answer parsed with
CloudWatch's output shape, re-encoded as CBOR.

Example:
    >>> path = "/service/GraniteServiceVersion20100801/operation/ListMetrics"
    >>> body = b"\\xa1iNamespacecApp"  # CBOR for {"Namespace": "App"}
    >>> decode_request(AwsRequest.build("POST", path, {"Smithy-Protocol": "rpc-v2-cbor"}, body))
    CloudWatchCall(operation='ListMetrics', params={'Namespace': 'App'}, protocol='cbor')
"""

from __future__ import annotations

import functools
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.parsers import QueryParser, RpcV2CBORParser
from botocore.serialize import QuerySerializer, RpcV2CBORSerializer
from botocore.session import get_session

from fogbank.cloud.router import AwsRequest, AwsResponse

__all__ = ["CloudWatchCall", "decode_request", "encode_error", "encode_result", "service_model"]

_CBOR_PATH = "/service/GraniteServiceVersion20100801/operation/"
_JSON_TARGET = "GraniteServiceVersion20100801."


@dataclass(frozen=True)
class CloudWatchCall:
    operation: str
    params: dict[str, Any]
    protocol: str  # "cbor" or "json"


@functools.cache
def service_model() -> Any:
    """botocore's CloudWatch service model (loaded once)."""
    return get_session().get_service_model("cloudwatch")


def decode_request(request: AwsRequest) -> CloudWatchCall | None:
    """The operation and parameters of a CBOR or JSON CloudWatch request; None for the query protocol."""
    if request.path.startswith(_CBOR_PATH):
        operation = request.path[len(_CBOR_PATH) :].strip("/")
        params: Any = {}
        if request.body:
            parser = RpcV2CBORParser()
            params = parser.parse_data_item(io.BufferedReader(io.BytesIO(request.body)))
        return CloudWatchCall(operation, dict(params or {}), "cbor")
    target = request.target or ""
    if target.startswith(_JSON_TARGET):
        return CloudWatchCall(target[len(_JSON_TARGET) :], dict(request.json() or {}), "json")
    return None


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return moment.timestamp()
    raise TypeError(f"cannot encode {type(value).__name__}")


def encode_result(call: CloudWatchCall, result: dict[str, Any]) -> AwsResponse:
    """A success response for `call` in its own protocol."""
    if call.protocol == "json":
        body = json.dumps(result, default=_json_default).encode()
        return AwsResponse(200, body, {"Content-Type": "application/x-amz-json-1.0"})
    output_shape = service_model().operation_model(call.operation).output_shape
    serialized = bytearray()
    if output_shape is not None:
        RpcV2CBORSerializer()._serialize_data_item(serialized, result, output_shape)
    else:
        serialized.extend(b"\xa0")  # an empty CBOR map
    return AwsResponse(
        200, bytes(serialized), {"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"}
    )


def _cbor_text(serializer: RpcV2CBORSerializer, out: bytearray, text: str) -> None:
    serializer._serialize_type_string(out, text, None, None)


def encode_error(call: CloudWatchCall, code: str, message: str, status: int = 400) -> AwsResponse:
    """An error in `call`'s protocol, with the query-compatible code header CloudWatch sends."""
    headers = {"x-amzn-query-error": f"{code};{'Sender' if status < 500 else 'Receiver'}"}
    if call.protocol == "json":
        body = json.dumps({"__type": code, "message": message}).encode()
        return AwsResponse(status, body, {"Content-Type": "application/x-amz-json-1.0", **headers})
    serializer = RpcV2CBORSerializer()
    out = bytearray(b"\xa2")  # a CBOR map of two entries
    for key, value in (("__type", code), ("message", message)):
        _cbor_text(serializer, out, key)
        _cbor_text(serializer, out, value)
    return AwsResponse(
        status, bytes(out), {"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor", **headers}
    )


def to_query_form(call: CloudWatchCall) -> dict[str, Any]:
    """The query-protocol form (Action=..., Version=..., members) of `call`, for moto."""
    operation_model = service_model().operation_model(call.operation)
    serialized = QuerySerializer().serialize_to_request(call.params, operation_model)
    return dict(serialized["body"])


def parse_query_response(
    call: CloudWatchCall, status: int, headers: dict[str, str], body: bytes
) -> dict[str, Any]:
    """moto's XML answer to `call`, parsed with CloudWatch's output shape (errors under "Error")."""
    operation_model = service_model().operation_model(call.operation)
    response = {"status_code": status, "headers": headers, "body": body}
    parsed: dict[str, Any] = QueryParser().parse(response, operation_model.output_shape)
    parsed.pop("ResponseMetadata", None)
    return parsed
