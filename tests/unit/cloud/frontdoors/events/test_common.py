"""What every front door's event shares: body encoding, the function's answer checked, request stamps."""

from __future__ import annotations

import base64
import re
import uuid

import pytest

from fogbank.cloud.frontdoors.events.common import (
    InvalidIntegrationResponse,
    RequestStamp,
    decode_response_body,
    encode_body,
    is_text_body,
    list_map,
    parse_object,
    status_code,
    string_map,
)


@pytest.mark.parametrize(
    ("content_type", "encoding", "text"),
    [
        ("application/json; charset=utf-8", None, True),
        ("text/html", None, True),
        ("application/vnd.api+json", None, True),
        ("application/soap+xml", None, True),
        ("application/json", "gzip", False),
        ("application/json", "identity", True),
        ("image/png", None, False),
        ("application/octet-stream", None, False),
        (None, None, False),
    ],
)
def test_which_bodies_are_text(content_type: str | None, encoding: str | None, text: bool) -> None:
    # WHEN a body's type and encoding are looked at THEN text types pass as text, the rest as base64
    assert is_text_body(content_type, encoding) is text


def test_bodies_are_encoded_as_the_event_carries_them() -> None:
    # THEN text stays text, binary (or text that is not UTF-8) is base64, and no body is an empty string
    assert encode_body(b'{"a": 1}', "application/json") == ('{"a": 1}', False)
    assert encode_body(b"\x89PNG", "image/png") == (base64.b64encode(b"\x89PNG").decode(), True)
    assert encode_body(b"\xff\xfe", "text/plain") == (base64.b64encode(b"\xff\xfe").decode(), True)
    assert encode_body(b"", "image/png") == ("", False)


def test_response_bodies_are_decoded_and_bad_ones_named() -> None:
    # THEN a base64 body is decoded, plain text encoded, and a missing body is empty
    assert decode_response_body(base64.b64encode(b"\x00\x01").decode(), True) == b"\x00\x01"
    assert decode_response_body("héllo", False) == "héllo".encode()
    assert decode_response_body(None, None) == b""
    # AND what AWS rejects is an InvalidIntegrationResponse saying why
    for body, flag, words in [
        ({"a": 1}, False, "body must be a string, got dict"),
        ("not base64!", True, "isBase64Encoded is true but body is not base64"),
        ("x", "yes", "isBase64Encoded must be a boolean, got 'yes'"),
    ]:
        with pytest.raises(InvalidIntegrationResponse, match=re.escape(words)):
            decode_response_body(body, flag)


@pytest.mark.parametrize(("value", "status"), [(200, 200), ("404", 404), (599, 599)])
def test_status_codes_may_be_ints_or_digit_strings(value: object, status: int) -> None:
    assert status_code(value) == status


@pytest.mark.parametrize("value", [True, 99, 600, "20x", None, 200.0])
def test_invalid_status_codes_are_refused(value: object) -> None:
    # WHEN a function answers an impossible statusCode THEN the answer is invalid, naming the value
    with pytest.raises(InvalidIntegrationResponse, match="statusCode must be an integer"):
        status_code(value)


def test_header_maps_take_scalars_and_refuse_nesting() -> None:
    # THEN scalars become strings (booleans as JSON spells them, null as empty); nesting is named
    assert string_map({"a": 1, "b": True, "c": None}, "headers") == {"a": "1", "b": "true", "c": ""}
    assert list_map({"a": [1, False]}, "multiValueHeaders") == {"a": ["1", "false"]}
    assert string_map(None, "headers") == {} == list_map(None, "multiValueHeaders")
    with pytest.raises(InvalidIntegrationResponse, match=r"headers\.x must be a string, got list"):
        string_map({"x": [1]}, "headers")
    with pytest.raises(InvalidIntegrationResponse, match=r"multiValueHeaders\.x must be a list, got str"):
        list_map({"x": "1"}, "multiValueHeaders")
    with pytest.raises(InvalidIntegrationResponse, match="headers must be an object, got list"):
        string_map([], "headers")


def test_an_answer_must_be_a_json_object() -> None:
    assert parse_object(b'{"statusCode": 200}') == {"statusCode": 200}
    with pytest.raises(InvalidIntegrationResponse, match="not JSON"):
        parse_object(b"<html>")
    with pytest.raises(InvalidIntegrationResponse, match="must be an object, got list"):
        parse_object(b"[1]")


def test_a_request_stamp_has_the_formats_the_events_use() -> None:
    # WHEN a request is stamped
    stamp = RequestStamp.now()
    # THEN its ids and times have API Gateway's formats
    assert uuid.UUID(stamp.request_id)
    assert re.fullmatch(r"Root=1-[0-9a-f]{8}-[0-9a-f]{24}", stamp.trace_id)
    assert len(stamp.short_request_id) == 15 and stamp.short_request_id.endswith("=")
    assert re.fullmatch(r"\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} \+0000", stamp.clf_time)
    assert RequestStamp(0, "r", "s", "t").clf_time == "01/Jan/1970:00:00:00 +0000"
