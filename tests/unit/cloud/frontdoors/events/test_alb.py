"""ALB <-> Lambda event and response mapping, field by field."""

from __future__ import annotations

import base64
import json

import pytest

from fogbank.cloud.frontdoors.events.alb import alb_bad_gateway, alb_response, build_alb_event
from fogbank.cloud.frontdoors.events.common import InvalidIntegrationResponse
from fogbank.cloud.frontdoors.http import HttpRequest

TG = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg/abc"


def _request(**overrides: object) -> HttpRequest:
    values: dict[str, object] = {
        "method": "GET",
        "raw_path": "/todos/1",
        "raw_query": "q=a%20b&tag=1&tag=2",
        "headers": [("Host", "127.0.0.2"), ("X-Multi", "one"), ("x-multi", "two"), ("Cookie", "s=1; t=2")],
        "body": b"",
        "port": 80,
    }
    values.update(overrides)
    return HttpRequest(**values)  # type: ignore[arg-type]


def test_single_value_event_keeps_last_value_and_encoded_query() -> None:
    # GIVEN a request with a repeated header and query parameter
    request = _request()
    # WHEN the single-value event is built
    event = build_alb_event(request, TG, multi_value=False, trace_id="Root=1-abc")
    # THEN the last values win, names are lowercase, and the query stays percent-encoded
    assert event["requestContext"] == {"elb": {"targetGroupArn": TG}}
    assert event["httpMethod"] == "GET" and event["path"] == "/todos/1"
    assert event["queryStringParameters"] == {"q": "a%20b", "tag": "2"}
    assert event["headers"]["x-multi"] == "two"
    assert event["headers"]["cookie"] == "s=1; t=2"
    assert (
        event["headers"]["x-forwarded-port"] == "80" and event["headers"]["x-amzn-trace-id"] == "Root=1-abc"
    )
    assert event["body"] == "" and event["isBase64Encoded"] is False
    assert "multiValueHeaders" not in event


def test_multi_value_event_lists_every_value() -> None:
    # GIVEN the same request, with multi-value headers enabled on the target group
    event = build_alb_event(_request(), TG, multi_value=True, trace_id="Root=1-abc")
    # THEN every value is listed and the single-value fields are absent
    assert event["multiValueQueryStringParameters"] == {"q": ["a%20b"], "tag": ["1", "2"]}
    assert event["multiValueHeaders"]["x-multi"] == ["one", "two"]
    assert "headers" not in event and "queryStringParameters" not in event


def test_binary_body_is_base64_and_json_body_is_text() -> None:
    # GIVEN a binary and a JSON body
    png = _request(method="POST", body=b"\x89PNG\x00", headers=[("Content-Type", "image/png")])
    doc = _request(method="POST", body=b'{"a":1}', headers=[("Content-Type", "application/json")])
    # WHEN the events are built
    png_event = build_alb_event(png, TG, multi_value=False, trace_id="t")
    doc_event = build_alb_event(doc, TG, multi_value=False, trace_id="t")
    # THEN only the binary one is base64
    assert png_event["isBase64Encoded"] is True and base64.b64decode(png_event["body"]) == b"\x89PNG\x00"
    assert doc_event["isBase64Encoded"] is False and doc_event["body"] == '{"a":1}'


def test_response_mapping_single_and_multi_value() -> None:
    # GIVEN answers in each mode
    single = {"statusCode": 201, "statusDescription": "201 Created", "headers": {"X-A": "1"}, "body": "hi"}
    multi = {"statusCode": 200, "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]}, "body": "x"}
    # WHEN they are mapped back
    one = alb_response(json.dumps(single).encode(), multi_value=False)
    many = alb_response(json.dumps(multi).encode(), multi_value=True)
    # THEN status, headers and bodies arrive as sent
    assert (one.status, one.header("x-a"), one.body) == (201, "1", b"hi")
    assert [v for k, v in many.headers if k == "Set-Cookie"] == ["a=1", "b=2"]


def test_base64_response_body_is_decoded() -> None:
    # GIVEN a binary answer
    answer = {"statusCode": 200, "body": base64.b64encode(b"\x00\x01").decode(), "isBase64Encoded": True}
    # WHEN it is mapped back, THEN the client gets the bytes
    assert alb_response(json.dumps(answer).encode(), multi_value=False).body == b"\x00\x01"


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        b"[1, 2]",
        b'{"body": "no status"}',
        b'{"statusCode": "abc"}',
        b'{"statusCode": 200, "body": 5}',
    ],
)
def test_invalid_answers_are_rejected(payload: bytes) -> None:
    # GIVEN an answer that is not a valid ALB response
    # WHEN it is mapped, THEN it is rejected (the door then answers 502)
    with pytest.raises(InvalidIntegrationResponse):
        alb_response(payload, multi_value=False)


def test_bad_gateway_page_is_albs() -> None:
    # WHEN ALB has no valid answer, THEN it sends its own 502 page
    response = alb_bad_gateway()
    assert response.status == 502 and b"502 Bad Gateway" in response.body
    assert response.header("server") == "awselb/2.0"
