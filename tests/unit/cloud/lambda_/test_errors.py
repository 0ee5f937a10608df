"""Lambda API errors: AWS's codes, statuses and Reason, read back by botocore's own rest-json parser."""

from __future__ import annotations

import json
from typing import Any

import botocore.session
from botocore.parsers import create_parser
from requests.structures import CaseInsensitiveDict  # HTTP headers, as botocore receives them

from fogbank.cloud.lambda_.errors import LambdaApiError, function_not_found, too_many_requests


def _as_boto3_reads_it(error: LambdaApiError) -> tuple[int, dict[str, Any]]:
    model = botocore.session.get_session().get_service_model("lambda")
    response = error.response()
    parsed = create_parser(model.metadata["protocol"]).parse(
        {
            "status_code": response.status,
            "headers": CaseInsensitiveDict(response.headers),
            "body": response.body,
        },
        model.operation_model("Invoke").output_shape,
    )
    return response.status, parsed


def test_function_not_found_is_a_404_resource_not_found_naming_the_function() -> None:
    # GIVEN a missing function's ARN
    arn = "arn:aws:lambda:us-east-1:123456789012:function:nope"

    # WHEN its error is rendered and parsed as boto3 does
    status, parsed = _as_boto3_reads_it(function_not_found(arn))

    # THEN boto3 sees ResourceNotFoundException with the ARN in the message
    assert status == 404
    assert parsed["Error"]["Code"] == "ResourceNotFoundException"
    assert parsed["Error"]["Message"] == f"Function not found: {arn}"


def test_too_many_requests_carries_the_reason_and_the_next_step() -> None:
    # WHEN a function's reserved concurrency of 2 is in use
    error = too_many_requests("busy-fn", 2)
    status, parsed = _as_boto3_reads_it(error)

    # THEN it is a 429 TooManyRequestsException whose Reason is Lambda's, and the message says what to do
    assert status == 429
    assert parsed["Error"]["Code"] == "TooManyRequestsException"
    assert json.loads(error.response().body)["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    assert "busy-fn" in error.message and "PutFunctionConcurrency" in error.message
    assert str(error).startswith("TooManyRequestsException: Rate Exceeded.")


def test_an_error_without_reason_has_no_reason_member() -> None:
    # WHEN an error is built without a Reason
    status, parsed = _as_boto3_reads_it(LambdaApiError("InvalidParameterValueException", "bad", 400))

    # THEN boto3 reads the code, and the body carries no Reason at all
    assert status == 400
    assert "Reason" not in json.loads(LambdaApiError("InvalidParameterValueException", "bad").response().body)
    assert parsed["Error"]["Code"] == "InvalidParameterValueException"
