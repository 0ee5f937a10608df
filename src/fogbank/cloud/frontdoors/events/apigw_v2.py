"""Payload format 2.0: HTTP APIs (version 2.0) and Lambda Function URLs, and their answers.

Per "Working with AWS Lambda proxy integrations for HTTP APIs" and "Invoking Lambda function URLs": header
names are lowercased and repeats joined with commas; Cookie headers move to `cookies`; repeated query
parameters are joined with commas; absent parts are omitted; bodies that are not text are base64. `rawPath`
keeps the stage of a named HTTP API stage. The answer may be the simplified format: JSON without
`statusCode` is sent as a 200 `application/json` body.

Example:
    >>> from fogbank.cloud.frontdoors.http import HttpRequest
    >>> target = V2Target(api_id="abc", stage="$default", route_key="$default", account_id="123456789012",
    ...                   domain_name="abc.execute-api.us-east-1.amazonaws.com")
    >>> req = HttpRequest("GET", "/x", "a=1&a=2", [("Cookie", "s=1; t=2")], b"")
    >>> event = build_v2_event(req, target, stamp=RequestStamp.now())
    >>> event["cookies"], event["queryStringParameters"]
    (['s=1', 't=2'], {'a': '1,2'})
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fogbank.cloud.frontdoors.events.common import (
    InvalidIntegrationResponse,
    RequestStamp,
    decode_response_body,
    encode_body,
    parse_json,
    status_code,
    string_map,
)
from fogbank.cloud.frontdoors.events.identity import CallerIdentity
from fogbank.cloud.frontdoors.http import HttpRequest, HttpResponse, parse_query, split_cookies

__all__ = ["RequestStamp", "V2Target", "build_v2_event", "v2_response"]


@dataclass(frozen=True)
class V2Target:
    """Where a request landed: the API (or Function URL), stage, route and what the door adds."""

    api_id: str
    stage: str
    route_key: str
    account_id: str
    domain_name: str
    path_parameters: dict[str, str] = field(default_factory=dict)
    stage_variables: dict[str, str] = field(default_factory=dict)
    caller: CallerIdentity | None = None
    function_url: bool = False


def build_v2_event(request: HttpRequest, target: V2Target, *, stamp: RequestStamp) -> dict[str, Any]:
    """The payload-2.0 event for `request`."""
    headers: dict[str, str] = {}
    cookie_headers: list[str] = []
    for name, value in request.headers:
        lowered = name.lower()
        if lowered == "cookie":
            cookie_headers.append(value)
            continue
        headers[lowered] = f"{headers[lowered]},{value}" if lowered in headers else value
    extra = {
        "x-amzn-trace-id": stamp.trace_id,
        "x-forwarded-for": request.source_ip,
        "x-forwarded-port": str(request.port),
        "x-forwarded-proto": request.scheme,
    }
    for name, value in extra.items():
        headers.setdefault(name, value)
    query: dict[str, str] = {}
    for key, value in parse_query(request.raw_query, decode=True):
        query[key] = f"{query[key]},{value}" if key in query else value
    context: dict[str, Any] = {
        "accountId": target.account_id if (target.caller or not target.function_url) else "anonymous",
        "apiId": target.api_id,
    }
    if target.caller is not None:
        caller = target.caller
        context["authorizer"] = {
            "iam": {
                "accessKey": caller.access_key,
                "accountId": caller.account_id,
                "callerId": caller.user_id,
                "cognitoIdentity": None,
                "principalOrgId": None,
                "userArn": caller.user_arn,
                "userId": caller.user_id,
            }
        }
    context |= {
        "domainName": target.domain_name,
        "domainPrefix": target.domain_name.split(".", 1)[0],
        "http": {
            "method": request.method,
            "path": request.raw_path,
            "protocol": "HTTP/1.1",
            "sourceIp": request.source_ip,
            "userAgent": request.user_agent,
        },
        "requestId": stamp.request_id if target.function_url else stamp.short_request_id,
        "routeKey": target.route_key,
        "stage": target.stage,
        "time": stamp.clf_time,
        "timeEpoch": stamp.epoch_ms,
    }
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": target.route_key,
        "rawPath": request.raw_path,
        "rawQueryString": request.raw_query,
    }
    cookies = split_cookies(cookie_headers)
    if cookies:
        event["cookies"] = cookies
    event["headers"] = headers
    if query:
        event["queryStringParameters"] = query
    event["requestContext"] = context
    if request.body:
        body, is_base64 = encode_body(
            request.body, request.header("content-type"), request.header("content-encoding")
        )
        event["body"] = body
    else:
        is_base64 = False
    if target.path_parameters:
        event["pathParameters"] = dict(target.path_parameters)
    event["isBase64Encoded"] = is_base64
    if target.stage_variables:
        event["stageVariables"] = dict(target.stage_variables)
    return event


def v2_response(payload: bytes) -> HttpResponse:
    """Map a function's payload-2.0 answer to HTTP; raises InvalidIntegrationResponse."""
    answer = parse_json(payload)
    if not isinstance(answer, dict) or "statusCode" not in answer:
        # the simplified format: any JSON without a statusCode is the body of a 200
        return HttpResponse(200, [("Content-Type", "application/json")], payload)
    status = status_code(answer["statusCode"])
    headers = list(string_map(answer.get("headers"), "headers").items())
    cookies = answer.get("cookies") or []
    if not isinstance(cookies, list) or not all(isinstance(cookie, str) for cookie in cookies):
        raise InvalidIntegrationResponse("cookies must be a list of strings")
    headers += [("Set-Cookie", cookie) for cookie in cookies]
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", "application/json"))
    body = decode_response_body(answer.get("body"), answer.get("isBase64Encoded"))
    return HttpResponse(status, headers, body)
