"""AwsError renders every AWS error shape; botocore's own parsers read the code and message back."""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest
from botocore.parsers import create_parser
from requests.structures import CaseInsensitiveDict  # HTTP headers, as botocore receives them

from fogbank.cloud.aws_errors import AwsError, ErrorShape, shape_of
from fogbank.cloud.router import AwsRequest


class AccessDenied(AwsError):
    code, status = "AccessDenied", 403


def _parsed_error(service: str, operation: str, error: AwsError, shape: ErrorShape) -> dict[str, Any]:
    """What boto3 would raise: the response parsed with the service's own protocol parser."""
    model = botocore.session.get_session().get_service_model(service)
    response = error.render(shape)
    parser = create_parser(model.metadata["protocol"])
    parsed = parser.parse(
        {
            "status_code": response.status,
            "headers": CaseInsensitiveDict(response.headers),
            "body": response.body,
        },
        model.operation_model(operation).output_shape,
    )
    return dict(parsed["Error"])


@pytest.mark.parametrize(
    ("service", "operation", "shape"),
    [
        ("iam", "GetUser", ErrorShape.QUERY),
        ("cloudformation", "ListStacks", ErrorShape.QUERY),
        ("logs", "FilterLogEvents", ErrorShape.JSON),
        ("dynamodb", "GetItem", ErrorShape.JSON),
        ("lambda", "Invoke", ErrorShape.REST_JSON),
        ("xray", "GetTraceSummaries", ErrorShape.REST_JSON),
        ("s3", "GetObject", ErrorShape.S3),
    ],
)
def test_every_shape_is_read_back_by_botocore(service: str, operation: str, shape: ErrorShape) -> None:
    # GIVEN an AccessDenied as the IAM check would raise it
    error = AccessDenied("User: arn:aws:iam::123456789012:user/u is not authorized to perform: x:Y")
    # WHEN it is rendered in the service's shape and parsed as boto3 parses it
    parsed = _parsed_error(service, operation, error, shape)
    # THEN boto3 sees the code and the message
    assert parsed["Code"] == "AccessDenied"
    assert parsed["Message"] == error.message
    assert error.render(shape).status == 403


def test_extra_members_reach_json_bodies_and_instance_arguments_override_the_class() -> None:
    # GIVEN an error with an instance code, status and an extra member (Lambda's Reason)
    error = AwsError("slow down", code="TooManyRequestsException", status=429, extra={"Reason": "X"})
    # WHEN rendered as rest-json
    parsed = _parsed_error("lambda", "Invoke", error, ErrorShape.REST_JSON)
    # THEN the code and status are the instance's and the Reason is in the body
    assert parsed["Code"] == "TooManyRequestsException" and error.status == 429
    assert b'"Reason": "X"' in error.render(ErrorShape.REST_JSON).body


@pytest.mark.parametrize(
    ("request_", "shape"),
    [
        (AwsRequest.build("GET", "/b/k", {}, b"", service="s3"), ErrorShape.S3),
        (
            AwsRequest.build("POST", "/", {"X-Amz-Target": "Logs_20140328.FilterLogEvents"}, b"{}"),
            ErrorShape.JSON,
        ),
        (
            AwsRequest.build(
                "POST",
                "/",
                {"Content-Type": "application/x-www-form-urlencoded"},
                b"Action=GetUser",
                service="iam",
            ),
            ErrorShape.QUERY,
        ),
        (
            AwsRequest.build("POST", "/2015-03-31/functions/f/invocations", {}, b"", service="lambda"),
            ErrorShape.REST_JSON,
        ),
    ],
)
def test_response_for_picks_the_shape_of_the_request(request_: AwsRequest, shape: ErrorShape) -> None:
    # GIVEN a request of some protocol; WHEN its shape is asked; THEN it is the protocol's
    assert shape_of(request_) is shape
    # AND an error without a shape of its own answers in it
    assert AccessDenied("no").response_for(request_).body == AccessDenied("no").render(shape).body
