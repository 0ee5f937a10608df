"""API Gateway payload format 1.0: REST APIs and HTTP APIs (version 1.0), events and answers."""

from __future__ import annotations

import base64
import json

import pytest

from fogbank.cloud.frontdoors.events.apigw_v1 import V1Target, build_v1_event, v1_response
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


def _rest_target(**overrides: object) -> V1Target:
    values: dict[str, object] = {
        "api_id": "abc123",
        "stage": "prod",
        "resource_path": "/items/{id}",
        "path_parameters": {"id": "a b"},
        "account_id": "123456789012",
        "domain_name": DOMAIN,
        "resource_id": "res1",
    }
    values.update(overrides)
    return V1Target(**values)  # type: ignore[arg-type]


def test_rest_event_fields() -> None:
    # GIVEN a GET to /prod/items/a%20b with repeated headers and query parameters
    request = HttpRequest("GET", "/prod/items/a%20b", "q=x%20y&q=z", HEADERS, b"", scheme="https", port=443)
    # WHEN the REST proxy event is built
    event = build_v1_event(request, _rest_target(), stamp=RequestStamp.now())
    # THEN the fields are those of a REST API proxy event
    assert "version" not in event
    assert event["resource"] == "/items/{id}" and event["path"] == "/items/a%20b"
    assert event["httpMethod"] == "GET"
    assert event["headers"]["X-Multi"] == "two" and event["multiValueHeaders"]["X-Multi"] == ["one", "two"]
    assert event["queryStringParameters"] == {"q": "z"}
    assert event["multiValueQueryStringParameters"] == {"q": ["x y", "z"]}
    assert event["pathParameters"] == {"id": "a b"} and event["stageVariables"] is None
    assert event["body"] is None and event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["path"] == "/prod/items/a%20b" and context["stage"] == "prod"
    assert context["resourcePath"] == "/items/{id}" and context["resourceId"] == "res1"
    assert context["identity"]["sourceIp"] == "127.0.0.1" and context["identity"]["userAgent"] == "ua/1"
    assert context["identity"]["userArn"] is None
    assert context["domainPrefix"] == "abc123" and context["accountId"] == "123456789012"


def test_rest_event_absent_parts_are_null_and_caller_is_shown() -> None:
    # GIVEN a signed request with no query and no path parameters
    caller = CallerIdentity.root("AKID", "123456789012")
    request = HttpRequest("GET", "/prod/", "", [("Host", DOMAIN)], b"")
    # WHEN the event is built
    event = build_v1_event(
        request, _rest_target(resource_path="/", path_parameters={}, caller=caller), stamp=RequestStamp.now()
    )
    # THEN absent parts are null and the identity names the signer
    assert event["queryStringParameters"] is None and event["multiValueQueryStringParameters"] is None
    assert event["pathParameters"] is None and event["path"] == "/"
    assert event["requestContext"]["identity"]["accessKey"] == "AKID"
    assert event["requestContext"]["identity"]["userArn"] == "arn:aws:iam::123456789012:root"


def test_rest_binary_body_only_for_binary_media_types() -> None:
    # GIVEN an image upload, to an API without and with image/* as a binary media type
    request = HttpRequest("POST", "/prod/items/1", "", [("Content-Type", "image/png")], b"\x89PNG")
    plain = build_v1_event(request, _rest_target(), stamp=RequestStamp.now())
    binary = build_v1_event(request, _rest_target(binary_media_types=("image/*",)), stamp=RequestStamp.now())
    # THEN only the API with binary media types receives base64
    assert plain["isBase64Encoded"] is False
    assert binary["isBase64Encoded"] is True and base64.b64decode(binary["body"]) == b"\x89PNG"


def test_http_api_v1_event_lowercases_and_keeps_stage_in_path() -> None:
    # GIVEN an HTTP API route with payload format 1.0 on stage "prod"
    target = _rest_target(
        http_api=True, resource_path="/items/{id}", route_key="GET /items/{id}", resource_id=None
    )
    request = HttpRequest("GET", "/prod/items/1", "", HEADERS, b"")
    # WHEN the event is built
    event = build_v1_event(request, target, stamp=RequestStamp.now())
    # THEN it is the 1.0 shape with lowercase names and the raw path
    assert event["version"] == "1.0" and event["path"] == "/prod/items/1"
    assert "x-multi" in event["headers"] and event["requestContext"]["routeKey"] == "GET /items/{id}"


def test_rest_response_merges_headers_and_passes_base64_text_without_binary_support() -> None:
    # GIVEN a response with both header maps and a base64 body
    answer = {
        "statusCode": 200,
        "headers": {"X-One": "1", "Set-Cookie": "ignored=1"},
        "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
        "body": base64.b64encode(b"\x00").decode(),
        "isBase64Encoded": True,
    }
    request = HttpRequest("GET", "/prod/x", "", [("Accept", "image/png")], b"")
    # WHEN mapped for an API without and with binary media types
    text = v1_response(json.dumps(answer).encode(), request, _rest_target())
    binary = v1_response(
        json.dumps(answer).encode(), request, _rest_target(binary_media_types=("image/png",))
    )
    # THEN multi-value wins over single, and base64 is decoded only when the Accept type is binary
    assert [v for k, v in text.headers if k == "Set-Cookie"] == ["a=1", "b=2"] and text.header("x-one") == "1"
    assert text.body == b"AA==" and binary.body == b"\x00"


def test_rest_response_rejects_unexpected_fields() -> None:
    # GIVEN an answer with a field REST APIs do not know
    payload = json.dumps({"statusCode": 200, "body": "", "cookies": ["a=1"]}).encode()
    # WHEN mapped, THEN it is malformed (502)
    with pytest.raises(InvalidIntegrationResponse):
        v1_response(payload, HttpRequest("GET", "/", "", [], b""), _rest_target())
