"""Application Load Balancer <-> Lambda: the event a lambda target group sends and the answer it expects.

Per AWS's "Lambda functions as targets" guide: header names are lowercased; query strings are passed
percent-encoded as received (ALB does not decode them); with `lambda.multi_value_headers.enabled` the event
carries `multiValueHeaders` / `multiValueQueryStringParameters` (and the answer must use `multiValueHeaders`),
otherwise the last value of a repeated header or parameter wins. An answer that is not a valid response
object gives the client `502 Bad Gateway`.

Example:
    >>> from fogbank.cloud.frontdoors.http import HttpRequest
    >>> req = HttpRequest("GET", "/hello", "a=1&a=2", [("Host", "lb"), ("Cookie", "c=1")], b"", port=80)
    >>> event = build_alb_event(req, "arn:aws:elasticloadbalancing:...:targetgroup/tg/1", multi_value=True,
    ...                         trace_id="Root=1-0-0")
    >>> event["multiValueQueryStringParameters"]
    {'a': ['1', '2']}
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fogbank.cloud.frontdoors.events.common import (
    InvalidIntegrationResponse,
    decode_response_body,
    encode_body,
    list_map,
    parse_object,
    status_code,
    string_map,
)
from fogbank.cloud.frontdoors.http import HttpRequest, HttpResponse, parse_query

__all__ = ["MAX_RESPONSE_BYTES", "alb_bad_gateway", "alb_response", "build_alb_event"]

MAX_RESPONSE_BYTES = 1024 * 1024

_BAD_GATEWAY_HTML = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"
)


def build_alb_event(
    request: HttpRequest, target_group_arn: str, *, multi_value: bool, trace_id: str
) -> dict[str, Any]:
    """The event ALB sends to a lambda target for `request`."""
    headers: list[tuple[str, str]] = [(name.lower(), value) for name, value in request.headers]
    headers += [
        ("x-amzn-trace-id", trace_id),
        ("x-forwarded-for", request.source_ip),
        ("x-forwarded-port", str(request.port)),
        ("x-forwarded-proto", request.scheme),
    ]
    query = parse_query(request.raw_query, decode=False)
    body, is_base64 = encode_body(
        request.body, request.header("content-type"), request.header("content-encoding")
    )
    event: dict[str, Any] = {
        "requestContext": {"elb": {"targetGroupArn": target_group_arn}},
        "httpMethod": request.method,
        "path": request.raw_path,
    }
    if multi_value:
        event["multiValueQueryStringParameters"] = _group(query)
        event["multiValueHeaders"] = _group(headers)
    else:
        event["queryStringParameters"] = dict(query)
        event["headers"] = dict(headers)
    event["body"] = body
    event["isBase64Encoded"] = is_base64
    return event


def alb_response(payload: bytes, *, multi_value: bool) -> HttpResponse:
    """Map a function's answer to the HTTP response; raises InvalidIntegrationResponse (-> 502)."""
    if len(payload) > MAX_RESPONSE_BYTES:
        raise InvalidIntegrationResponse(f"the response is {len(payload)} bytes; ALB accepts at most 1 MB")
    answer = parse_object(payload)
    status = status_code(answer.get("statusCode"))
    headers: list[tuple[str, str]] = []
    if multi_value:
        for name, values in list_map(answer.get("multiValueHeaders"), "multiValueHeaders").items():
            headers += [(name, value) for value in values]
    else:
        headers = list(string_map(answer.get("headers"), "headers").items())
    body = decode_response_body(answer.get("body"), answer.get("isBase64Encoded"))
    return HttpResponse(status, headers, body)


def alb_bad_gateway() -> HttpResponse:
    """ALB's own 502 page, sent when the target's answer is invalid or the invocation fails."""
    return HttpResponse(
        HTTPStatus.BAD_GATEWAY, [("Content-Type", "text/html"), ("Server", "awselb/2.0")], _BAD_GATEWAY_HTML
    )


def _group(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped
