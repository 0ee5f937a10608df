"""Requests the endpoint cannot attribute to a service and an operation get a 4xx that says why."""

from __future__ import annotations

import json

import pytest

from fogbank.cloud.attribution import refusal
from fogbank.cloud.router import AwsRequest


@pytest.mark.parametrize(
    ("method", "path", "headers", "query"),
    [
        ("GET", "/bucket-name/key.txt", {}, {}),  # anonymous object read
        ("POST", "/upload-bucket", {"content-type": "multipart/form-data; boundary=x"}, {}),  # browser POST
        ("GET", "/", {"host": "my-bucket.s3.us-east-1.amazonaws.com"}, {}),  # virtual-hosted bucket
        ("GET", "/", {"authorization": "AWS testing:c2lnbmF0dXJl"}, {}),  # SigV2 header
        ("GET", "/", {}, {"AWSAccessKeyId": ["testing"], "Signature": ["x"], "Expires": ["1"]}),  # SigV2 URL
    ],
)
def test_s3_requests_by_address_or_sigv2_are_attributed(
    method: str, path: str, headers: dict[str, str], query: dict[str, list[str]]
) -> None:
    # GIVEN an unsigned-by-SigV4 request that S3 recognises WHEN judged THEN it passes
    assert refusal(AwsRequest.build(method, path, headers, b"", query=query)) is None


def test_signed_request_is_attributed() -> None:
    # GIVEN a request whose SigV4 scope named a service WHEN judged THEN it passes
    assert refusal(AwsRequest.build("POST", "/", {}, b"x", service="sqs")) is None


def test_unsigned_post_to_root_gets_missing_authentication_token_saying_why() -> None:
    # GIVEN an unsigned POST / with a garbage body
    request = AwsRequest.build("POST", "/", {"content-type": "application/x-www-form-urlencoded"}, b"garbage")

    # WHEN judged
    answer = refusal(request)

    # THEN it is a 403 in the query protocol's shape that says what is missing and what to do
    assert answer is not None and answer.status == 403
    body = answer.body.decode()
    assert "<Code>MissingAuthenticationToken</Code>" in body
    assert "no SigV4 credential scope" in body and "Sign it with an AWS SDK" in body


def test_unsigned_json_request_gets_a_json_error() -> None:
    # GIVEN an unsigned JSON-protocol request WHEN judged THEN the error has the JSON shape
    request = AwsRequest.build("POST", "/", {"x-amz-target": "DynamoDB_20120810.ListTables"}, b"{}")
    answer = refusal(request)
    assert answer is not None and answer.status == 403
    assert json.loads(answer.body)["__type"] == "MissingAuthenticationTokenException"


def test_paths_that_are_no_bucket_are_refused() -> None:
    # GIVEN an unsigned request to a path whose first segment cannot be a bucket WHEN judged THEN refused
    assert refusal(AwsRequest.build("GET", "/_fogbank/nothing-here", {}, b"")) is not None
    assert refusal(AwsRequest.build("GET", "/", {}, b"")) is not None
