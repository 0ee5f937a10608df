"""A denied request gets its service's AccessDenied: code, status and wire shape, as boto3 parses them."""

from __future__ import annotations

import json

import botocore.session
import pytest
from botocore.model import ServiceModel

from fogbank.cloud.iam.denials import denial_response, signature_response
from fogbank.cloud.router import AwsRequest, AwsResponse

MESSAGE = "User: arn:aws:sts::123456789012:assumed-role/R/f is not authorized to perform: x:Y on resource: z"


def parsed_error(service: str, operation: str, response: AwsResponse) -> dict[str, str]:
    """What boto3 reports for `response`, parsed by botocore's own parser for the service's protocol."""
    session = botocore.session.get_session()
    model = ServiceModel(session.get_service_data(service), service)
    from botocore.parsers import create_parser

    parser = create_parser(model.metadata["protocol"])
    headers = {k.lower(): v for k, v in response.headers.items()}
    parsed = parser.parse(
        {"status_code": response.status, "headers": headers, "body": response.body},
        model.operation_model(operation).output_shape,
    )
    return parsed["Error"]


@pytest.mark.parametrize(
    ("service", "operation", "request_", "code", "status"),
    [
        (
            "dynamodb",
            "PutItem",
            AwsRequest.build(
                "POST", "/", {"X-Amz-Target": "DynamoDB_20120810.PutItem"}, b"{}", service="dynamodb"
            ),
            "AccessDeniedException",
            400,
        ),
        ("s3", "GetObject", AwsRequest.build("GET", "/b/k", {}, b"", service="s3"), "AccessDenied", 403),
        (
            "lambda",
            "Invoke",
            AwsRequest.build("POST", "/2015-03-31/functions/f/invocations", {}, b"", service="lambda"),
            "AccessDeniedException",
            403,
        ),
        (
            "sns",
            "Publish",
            AwsRequest.build(
                "POST",
                "/",
                {"Content-Type": "application/x-www-form-urlencoded"},
                b"Action=Publish",
                service="sns",
            ),
            "AuthorizationError",
            403,
        ),
        (
            "sts",
            "AssumeRole",
            AwsRequest.build(
                "POST",
                "/",
                {"Content-Type": "application/x-www-form-urlencoded"},
                b"Action=AssumeRole",
                service="sts",
            ),
            "AccessDenied",
            403,
        ),
        (
            "sqs",
            "SendMessage",
            AwsRequest.build("POST", "/", {"X-Amz-Target": "AmazonSQS.SendMessage"}, b"{}", service="sqs"),
            "AccessDenied",
            403,
        ),
    ],
)
def test_denial_parses_as_the_service_error(
    service: str, operation: str, request_: AwsRequest, code: str, status: int
) -> None:
    # GIVEN a denied request of a service
    # WHEN the denial is rendered
    response = denial_response(request_, MESSAGE)
    # THEN botocore parses the service's code and AWS's message from it
    assert response.status == status
    error = parsed_error(service, operation, response)
    assert error["Code"] == code
    assert error["Message"] == MESSAGE


def test_a_bad_signature_on_a_json_service() -> None:
    # GIVEN a DynamoDB request whose signature does not match
    request = AwsRequest.build(
        "POST", "/", {"X-Amz-Target": "DynamoDB_20120810.ListTables"}, b"{}", service="dynamodb"
    )
    # WHEN rejected  THEN it is InvalidSignatureException; an unknown token is UnrecognizedClientException
    assert json.loads(signature_response(request, False, "m").body)["__type"] == "InvalidSignatureException"
    assert signature_response(request, True, "m").status == 403
