"""The Lambda API operations fogbank answers or checks before moto: function references, reserved keys."""

from __future__ import annotations

import json

import pytest

from fogbank.cloud.lambda_.http_api import LambdaHttpApi, _function_in_region
from fogbank.cloud.router import AwsRequest


@pytest.mark.parametrize(
    ("given", "found"),
    [
        ("my-fn", ("my-fn", "eu-west-1")),
        ("my-fn:live", ("my-fn", "eu-west-1")),
        ("arn:aws:lambda:us-east-1:123456789012:function:my-fn", ("my-fn", "us-east-1")),
        ("arn:aws:lambda:us-east-1:123456789012:function:my-fn:3", ("my-fn", "us-east-1")),
    ],
)
def test_function_and_region_from_any_reference(given: str, found: tuple[str, str]) -> None:
    # WHEN a function is referenced by name, qualified name or ARN in a request to eu-west-1
    # THEN its name is found, and its region is the ARN's, else the request's
    assert _function_in_region(given, "eu-west-1") == found


def _api(recycled: list[tuple[str, str]]) -> LambdaHttpApi:
    # the invoker is never reached by the requests below (they are answered or checked before Invoke)
    return LambdaHttpApi(invoker=None, recycle=lambda name, region: recycled.append((name, region)))  # type: ignore[arg-type]


def test_create_function_with_a_reserved_environment_key_is_refused_with_the_keys() -> None:
    # GIVEN a CreateFunction request that sets AWS_REGION and _HANDLER, and one that sets only MY_VAR
    reserved = AwsRequest.build(
        "POST",
        "/2015-03-31/functions",
        {},
        json.dumps({"Environment": {"Variables": {"AWS_REGION": "x", "_HANDLER": "y", "OK": "1"}}}).encode(),
        service="lambda",
    )
    allowed = AwsRequest.build(
        "POST",
        "/2015-03-31/functions",
        {},
        b'{"Environment": {"Variables": {"MY_VAR": "1"}}}',
        service="lambda",
    )

    # WHEN the Lambda API sees them
    refused = _api([])(reserved)
    passed_on = _api([])(allowed)

    # THEN the first is refused with AWS's message naming the sorted keys; the second goes on to moto
    assert refused is not None and refused.status == 400
    body = json.loads(refused.body)
    assert refused.headers["X-Amzn-ErrorType"] == "InvalidParameterValueException"
    assert body["message"].endswith("Reserved keys used in this request: AWS_REGION, _HANDLER")
    assert passed_on is None


def test_update_and_delete_recycle_the_functions_workers_in_the_functions_region() -> None:
    # GIVEN a configuration update by ARN, a code update by name, and a delete by name in eu-west-1
    recycled: list[tuple[str, str]] = []
    api = _api(recycled)
    arn = "arn:aws:lambda:eu-west-1:123456789012:function:by-arn"
    requests = [
        AwsRequest.build("PUT", f"/2015-03-31/functions/{arn}/configuration", {}, b"{}", region="eu-west-1"),
        AwsRequest.build("PUT", "/2015-03-31/functions/by-name/code", {}, b"{}", region="eu-west-1"),
        AwsRequest.build("DELETE", "/2015-03-31/functions/gone", {}, b"", region="eu-west-1"),
        AwsRequest.build("GET", "/2015-03-31/functions/read-only", {}, b"", region="eu-west-1"),
    ]

    # WHEN the Lambda API sees them
    answers = [api(request) for request in requests]

    # THEN moto answers all of them, and the workers of each changed function are recycled (not the read's)
    assert answers == [None, None, None, None]
    assert recycled == [("by-arn", "eu-west-1"), ("by-name", "eu-west-1"), ("gone", "eu-west-1")]


def test_response_streaming_is_refused_with_the_next_step() -> None:
    # WHEN InvokeWithResponseStream is called
    answer = _api([])(
        AwsRequest.build("POST", "/2021-11-15/functions/f/response-streaming-invocations", {}, b"{}")
    )

    # THEN it is a clear InvalidParameterValueException that says to call Invoke
    assert answer is not None and answer.status == 400
    assert "call Invoke instead" in json.loads(answer.body)["message"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/2015-03-31/functions/{arn}/invocations"),
        ("POST", "/2014-11-13/functions/{arn}/invoke-async/"),
        ("GET", "/2015-03-31/functions/{arn}"),
        ("PUT", "/2015-03-31/functions/{arn}/configuration"),
        ("DELETE", "/2015-03-31/functions/{arn}"),
        ("GET", "/2021-10-31/functions/{arn}/url"),
    ],
)
def test_a_function_of_another_region_is_not_reachable_as_on_aws(method: str, path: str) -> None:
    # GIVEN a request to us-east-1 naming a function of eu-west-1 by ARN (qualified or not)
    recycled: list[tuple[str, str]] = []
    arn = "arn:aws:lambda:eu-west-1:123456789012:function:elsewhere:live"
    request = AwsRequest.build(method, path.format(arn=arn), {}, b"{}", region="us-east-1")

    # WHEN the Lambda API sees it
    answer = _api(recycled)(request)

    # THEN it is AWS's ResourceNotFoundException naming both regions, and nothing is recycled
    assert answer is not None and answer.status == 404
    assert answer.headers["X-Amzn-ErrorType"] == "ResourceNotFoundException"
    assert json.loads(answer.body)["message"] == (
        "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')"
    )
    assert recycled == []
