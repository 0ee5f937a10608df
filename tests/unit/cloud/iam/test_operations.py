"""Which operation a request calls: requests serialised by botocore itself, for every protocol, are named back."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import botocore.session
import pytest
from botocore.serialize import create_serializer

from fogbank.cloud.iam.operations import identify_operation, rest_models_for
from fogbank.cloud.router import AwsRequest


def _as_sent(model_name: str, signing_name: str, operation: str, params: dict[str, Any]) -> AwsRequest:
    """The request boto3 would send for `operation(**params)`, as the endpoint receives it."""
    model = botocore.session.get_session().get_service_model(model_name)
    operation_model = model.operation_model(operation)
    serialized = create_serializer(model.metadata["protocol"]).serialize_to_request(params, operation_model)
    split = urlsplit(serialized["url_path"])
    query: dict[str, list[str]] = parse_qs(split.query, keep_blank_values=True)
    for key, value in (serialized["query_string"] or {}).items():
        query.setdefault(key, []).extend(value if isinstance(value, list) else [str(value)])
    body = serialized["body"]
    if isinstance(body, dict):  # the query protocol's form
        body = urlencode(body)
    headers = dict(serialized["headers"])
    if model.metadata["protocol"] == "query":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    return AwsRequest.build(
        serialized["method"],
        split.path,
        headers,
        body.encode() if isinstance(body, str) else body or b"",
        query=query,
        service=signing_name,
    )


@pytest.mark.parametrize(
    ("model", "signing_name", "operation", "params", "expected"),
    [
        ("s3", "s3", "GetObject", {"Bucket": "b", "Key": "a/b.txt"}, {"Bucket": "b", "Key": "a/b.txt"}),
        ("s3", "s3", "ListObjectsV2", {"Bucket": "b", "Prefix": "logs/"}, {"Bucket": "b", "Prefix": "logs/"}),
        ("s3", "s3", "PutObject", {"Bucket": "b", "Key": "k", "Body": b"x"}, {"Bucket": "b", "Key": "k"}),
        (
            "s3",
            "s3",
            "CopyObject",
            {"Bucket": "b", "Key": "k", "CopySource": "src/k"},
            {"Bucket": "b", "Key": "k"},
        ),
        ("s3", "s3", "GetBucketPolicy", {"Bucket": "b"}, {"Bucket": "b"}),
        (
            "lambda",
            "lambda",
            "Invoke",
            {"FunctionName": "fn", "Qualifier": "live"},
            {"FunctionName": "fn", "Qualifier": "live"},
        ),
        ("apigateway", "apigateway", "GetRestApi", {"restApiId": "abc123"}, {"restApiId": "abc123"}),
        (
            "dynamodb",
            "dynamodb",
            "PutItem",
            {"TableName": "T", "Item": {"k": {"S": "v"}}},
            {"TableName": "T"},
        ),
        ("iam", "iam", "GetRole", {"RoleName": "R"}, {"RoleName": "R"}),
        ("sts", "sts", "GetCallerIdentity", {}, {}),
    ],
)
def test_the_operation_and_its_parameters_are_named_back(
    model: str, signing_name: str, operation: str, params: dict[str, Any], expected: dict[str, Any]
) -> None:
    # GIVEN a request serialised by botocore for the operation
    request = _as_sent(model, signing_name, operation, params)

    # WHEN it is identified
    call = identify_operation(request)

    # THEN the operation is the one called, with its identifying parameters
    assert call is not None and call.name == operation
    assert {key: call.params.get(key) for key in expected} == expected


def test_copy_object_is_told_from_put_object_by_its_copy_source_header() -> None:
    # GIVEN a PUT to the same object path, without and with x-amz-copy-source
    plain = _as_sent("s3", "s3", "PutObject", {"Bucket": "b", "Key": "k"})
    copy = _as_sent("s3", "s3", "CopyObject", {"Bucket": "b", "Key": "k", "CopySource": "src/k"})
    # THEN they are two operations
    assert identify_operation(plain).name == "PutObject"  # type: ignore[union-attr]
    assert identify_operation(copy).name == "CopyObject"  # type: ignore[union-attr]


def test_an_http_api_request_is_found_in_apigatewayv2_behind_the_same_signing_name() -> None:
    # GIVEN GetApi of API Gateway v2, signed as `apigateway`
    request = _as_sent("apigatewayv2", "apigateway", "GetApi", {"ApiId": "a1"})
    # THEN it is found in the second model of that signing name
    assert rest_models_for("apigateway") == ("apigateway", "apigatewayv2")
    call = identify_operation(request)
    assert call is not None and (call.name, call.params["ApiId"]) == ("GetApi", "a1")


def test_requests_that_name_no_operation() -> None:
    # GIVEN a REST path no operation has, and a JSON request without target or Action
    unknown_path = AwsRequest.build("PATCH", "/nothing/here", {}, b"", service="lambda")
    no_action = AwsRequest.build("POST", "/", {"Content-Type": "application/json"}, b"{}", service="dynamodb")
    # THEN neither is identified (the authorizer reports them as not checked)
    assert identify_operation(unknown_path) is None
    assert identify_operation(no_action) is None
