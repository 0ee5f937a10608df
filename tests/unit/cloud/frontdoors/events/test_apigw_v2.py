"""API Gateway payload format 2.0: HTTP APIs (version 2.0) and Function URLs, events and answers."""

from __future__ import annotations

import base64
import json

import pytest

from fogbank.cloud.frontdoors.events.apigw_v2 import V2Target, build_v2_event, v2_response
from fogbank.cloud.frontdoors.events.common import InvalidIntegrationResponse, RequestStamp
from fogbank.cloud.frontdoors.events.identity import CallerIdentity
from fogbank.cloud.frontdoors.http import HttpRequest

DOMAIN = "abc123.execute-api.us-east-1.amazonaws.com"
HEADERS = [
    ("Host", DOMAIN),
    ("X-Multi", "one"),
    ("X-Multi", "two"),
    ("Cookie", "s=1; t=2"),
    ("User-Agent", "ua/1"),
]


def _v2_target(**overrides: object) -> V2Target:
    values: dict[str, object] = {
        "api_id": "abc123",
        "stage": "prod",
        "route_key": "GET /items/{id}",
        "account_id": "123456789012",
        "domain_name": DOMAIN,
        "path_parameters": {"id": "7"},
    }
    values.update(overrides)
    return V2Target(**values)  # type: ignore[arg-type]


def test_v2_event_fields() -> None:
    # GIVEN a GET with repeated headers, cookies and a repeated query parameter
    request = HttpRequest("GET", "/prod/items/7", "q=1&q=2&e=a%2Fb", HEADERS, b"")
    # WHEN the 2.0 event is built
    event = build_v2_event(request, _v2_target(), stamp=RequestStamp.now())
    # THEN repeats are comma-joined, cookies move out of the headers, and absent parts are omitted
    assert event["version"] == "2.0" and event["routeKey"] == "GET /items/{id}"
    assert event["rawPath"] == "/prod/items/7" and event["rawQueryString"] == "q=1&q=2&e=a%2Fb"
    assert event["cookies"] == ["s=1", "t=2"] and "cookie" not in event["headers"]
    assert event["headers"]["x-multi"] == "one,two"
    assert event["queryStringParameters"] == {"q": "1,2", "e": "a/b"}
    assert event["pathParameters"] == {"id": "7"}
    assert "body" not in event and "stageVariables" not in event and event["isBase64Encoded"] is False
    http = event["requestContext"]["http"]
    assert http == {
        "method": "GET",
        "path": "/prod/items/7",
        "protocol": "HTTP/1.1",
        "sourceIp": "127.0.0.1",
        "userAgent": "ua/1",
    }
    assert event["requestContext"]["stage"] == "prod" and "authorizer" not in event["requestContext"]


def test_function_url_event_is_anonymous_without_iam_and_names_signer_with_it() -> None:
    # GIVEN a Function URL target, without and with a verified signer
    target = _v2_target(
        route_key="$default",
        stage="$default",
        path_parameters={},
        function_url=True,
        domain_name="u1.lambda-url.us-east-1.on.aws",
    )
    request = HttpRequest("POST", "/", "", [("Content-Type", "application/octet-stream")], b"\x00\xff")
    anonymous = build_v2_event(request, target, stamp=RequestStamp.now())
    signed_target = V2Target(**{**target.__dict__, "caller": CallerIdentity.root("AKID", "123456789012")})
    signed = build_v2_event(request, signed_target, stamp=RequestStamp.now())
    # THEN the anonymous event has accountId "anonymous", the signed one an IAM authorizer; binary is base64
    assert anonymous["requestContext"]["accountId"] == "anonymous" and "pathParameters" not in anonymous
    assert anonymous["isBase64Encoded"] is True and base64.b64decode(anonymous["body"]) == b"\x00\xff"
    assert signed["requestContext"]["authorizer"]["iam"]["accessKey"] == "AKID"
    assert signed["requestContext"]["accountId"] == "123456789012"


def test_v2_response_structured_and_simplified() -> None:
    # GIVEN a structured answer with cookies, and a simplified (plain JSON) answer
    structured = {"statusCode": 204, "headers": {"x-a": "1"}, "cookies": ["a=1", "b=2"]}
    simplified = {"hello": "world"}
    # WHEN mapped
    one = v2_response(json.dumps(structured).encode())
    two = v2_response(json.dumps(simplified).encode())
    # THEN cookies become Set-Cookie headers, and plain JSON is a 200 application/json body
    assert (
        one.status == 204
        and [v for k, v in one.headers if k == "Set-Cookie"] == ["a=1", "b=2"]
        and one.body == b""
    )
    assert two.status == 200 and json.loads(two.body) == simplified
    assert two.header("content-type") == "application/json"


def test_v2_response_rejects_non_json_and_bad_status() -> None:
    # GIVEN answers that are not valid
    # WHEN mapped, THEN they are rejected
    with pytest.raises(InvalidIntegrationResponse):
        v2_response(b"<html>")
    with pytest.raises(InvalidIntegrationResponse):
        v2_response(b'{"statusCode": 99}')
