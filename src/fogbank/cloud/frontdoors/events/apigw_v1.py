"""API Gateway's payload format 1.0: REST API Lambda proxy integrations, and HTTP APIs with version 1.0.

REST API (per "Lambda proxy integrations in API Gateway"): headers keep their case; `path` is the path
after the stage and `requestContext.path` includes it; query strings and path parameters are decoded; absent
parts are `null`; a body is base64 only when its content type matches the API's binaryMediaTypes. An answer
with a wrong shape gives `502 {"message": "Internal server error"}`.

HTTP API 1.0: the same shape with `version: "1.0"`, lowercased header names, the stage kept in `path`, and
binary bodies detected by content type as HTTP APIs do. A wrong answer gives `500 Internal Server Error`.

Example:
    >>> from fogbank.cloud.frontdoors.http import HttpRequest
    >>> target = V1Target(api_id="abc123", stage="prod", resource_path="/items/{id}", path_parameters={"id": "7"},
    ...                   account_id="123456789012", domain_name="abc123.execute-api.us-east-1.amazonaws.com")
    >>> req = HttpRequest("GET", "/prod/items/7", "", [("Host", target.domain_name)], b"")
    >>> build_v1_event(req, target, stamp=RequestStamp.now())["path"]
    '/items/7'
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import Any

from fogbank.cloud.frontdoors.events.common import (
    InvalidIntegrationResponse,
    RequestStamp,
    decode_response_body,
    encode_body,
    list_map,
    parse_object,
    status_code,
    string_map,
)
from fogbank.cloud.frontdoors.events.identity import CallerIdentity
from fogbank.cloud.frontdoors.http import HttpRequest, HttpResponse, parse_query

__all__ = ["RequestStamp", "V1Target", "build_v1_event", "v1_response"]

_RESPONSE_KEYS = frozenset({"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"})


@dataclass(frozen=True)
class V1Target:
    """Where a request landed: the API, stage, matched resource and what the front door adds to the event."""

    api_id: str
    stage: str
    resource_path: str
    path_parameters: dict[str, str]
    account_id: str
    domain_name: str
    resource_id: str | None = None
    stage_variables: dict[str, str] = field(default_factory=dict)
    binary_media_types: tuple[str, ...] = ()
    caller: CallerIdentity | None = None
    api_key: str | None = None
    http_api: bool = False  # True: HTTP API with payload format 1.0
    route_key: str | None = None


def build_v1_event(request: HttpRequest, target: V1Target, *, stamp: RequestStamp) -> dict[str, Any]:
    """The payload-1.0 event for `request`."""
    stage_prefix = "" if target.stage == "$default" else f"/{target.stage}"
    inner_path = (
        request.raw_path[len(stage_prefix) :]
        if request.raw_path.startswith(stage_prefix)
        else request.raw_path
    )
    inner_path = inner_path or "/"
    headers = _forwarded_headers(request, stamp, lowercase=target.http_api)
    query = parse_query(request.raw_query, decode=True)
    if target.http_api:
        body, is_base64 = encode_body(
            request.body, request.header("content-type"), request.header("content-encoding")
        )
    else:
        body, is_base64 = _rest_body(request, target.binary_media_types)
    identity = _identity(request, target)
    context: dict[str, Any] = {
        "accountId": target.account_id,
        "apiId": target.api_id,
        "domainName": target.domain_name,
        "domainPrefix": target.domain_name.split(".", 1)[0],
        "extendedRequestId": stamp.short_request_id,
        "httpMethod": request.method,
        "identity": identity,
        "path": request.raw_path if target.http_api else f"{stage_prefix}{inner_path}",
        "protocol": "HTTP/1.1",
        "requestId": stamp.short_request_id if target.http_api else stamp.request_id,
        "requestTime": stamp.clf_time,
        "requestTimeEpoch": stamp.epoch_ms,
        "resourceId": target.resource_id if target.resource_id is not None else target.route_key,
        "resourcePath": target.resource_path,
        "stage": target.stage,
    }
    if target.http_api:
        context["routeKey"] = target.route_key
    event: dict[str, Any] = {}
    if target.http_api:
        event["version"] = "1.0"
    event |= {
        "resource": target.resource_path,
        "path": request.raw_path if target.http_api else inner_path,
        "httpMethod": request.method,
        "headers": dict(headers) or None,
        "multiValueHeaders": _group(headers) or None,
        "queryStringParameters": dict(query) or None,
        "multiValueQueryStringParameters": _group(query) or None,
        "requestContext": context,
        "pathParameters": dict(target.path_parameters) or None,
        "stageVariables": dict(target.stage_variables) or None,
        "body": body if request.body else None,
        "isBase64Encoded": is_base64,
    }
    return event


def v1_response(payload: bytes, request: HttpRequest, target: V1Target) -> HttpResponse:
    """Map a function's payload-1.0 answer to HTTP; raises InvalidIntegrationResponse."""
    answer = parse_object(payload)
    unexpected = sorted(set(answer) - _RESPONSE_KEYS)
    if unexpected and not target.http_api:
        raise InvalidIntegrationResponse(f"unexpected fields in the response: {', '.join(unexpected)}")
    status = status_code(answer.get("statusCode"))
    single = string_map(answer.get("headers"), "headers")
    multi = list_map(answer.get("multiValueHeaders"), "multiValueHeaders")
    headers = [
        (name, value) for name, value in single.items() if name.lower() not in {k.lower() for k in multi}
    ]
    headers += [(name, value) for name, values in multi.items() for value in values]
    is_base64 = answer.get("isBase64Encoded")
    if is_base64 is True and not target.http_api and not _accepts_binary(request, target.binary_media_types):
        body_text = answer.get("body")
        if not isinstance(body_text, str):
            raise InvalidIntegrationResponse("body must be a string")
        return HttpResponse(
            status, headers, body_text.encode("utf-8")
        )  # base64 text, as API Gateway sends it
    body = decode_response_body(answer.get("body"), is_base64)
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", "application/json"))
    return HttpResponse(status, headers, body)


def _forwarded_headers(
    request: HttpRequest, stamp: RequestStamp, *, lowercase: bool
) -> list[tuple[str, str]]:
    headers = [(name.lower() if lowercase else name, value) for name, value in request.headers]
    added = [
        ("X-Amzn-Trace-Id", stamp.trace_id),
        ("X-Forwarded-For", request.source_ip),
        ("X-Forwarded-Port", str(request.port)),
        ("X-Forwarded-Proto", request.scheme),
    ]
    present = {name.lower() for name, _ in headers}
    headers += [
        (name.lower() if lowercase else name, value) for name, value in added if name.lower() not in present
    ]
    return headers


def _identity(request: HttpRequest, target: V1Target) -> dict[str, Any]:
    caller = target.caller
    identity: dict[str, Any] = {
        "accessKey": caller.access_key if caller else None,
        "accountId": caller.account_id if caller else None,
        "caller": caller.user_id if caller else None,
        "cognitoAuthenticationProvider": None,
        "cognitoAuthenticationType": None,
        "cognitoIdentityId": None,
        "cognitoIdentityPoolId": None,
        "principalOrgId": None,
        "sourceIp": request.source_ip,
        "user": caller.user_id if caller else None,
        "userAgent": request.user_agent,
        "userArn": caller.user_arn if caller else None,
    }
    if not target.http_api:
        identity["clientCert"] = None
        if target.api_key is not None:
            identity["apiKey"] = target.api_key
    return identity


def _rest_body(request: HttpRequest, binary_media_types: tuple[str, ...]) -> tuple[str, bool]:
    if not request.body:
        return "", False
    media = (request.header("content-type") or "").split(";", 1)[0].strip().lower()
    if media and any(fnmatch.fnmatch(media, pattern.lower()) for pattern in binary_media_types):
        return encode_body(request.body, None)
    return request.body.decode("utf-8", errors="replace"), False


def _accepts_binary(request: HttpRequest, binary_media_types: tuple[str, ...]) -> bool:
    accepted = [part.split(";", 1)[0].strip().lower() for part in (request.header("accept") or "").split(",")]
    return any(
        fnmatch.fnmatch(media, pattern.lower())
        for media in accepted
        if media
        for pattern in binary_media_types
    )


def _group(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped
