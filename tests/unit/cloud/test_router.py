"""The router identifies the AWS service from the SigV4 scope and gives fogbank handlers the first look."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

import botocore.parsers
import botocore.session
import pytest
from werkzeug.test import Client

from fogbank.cloud.router import (
    AwsRequest,
    AwsResponse,
    AwsRouter,
    identify,
    json_error,
    query_error,
    request_from_environ,
)

SIGNED = (
    "AWS4-HMAC-SHA256 Credential=testing/20261127/eu-west-1/logs/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=abc"
)


def test_identify_reads_service_and_region_from_the_authorization_header() -> None:
    # GIVEN a SigV4-signed request for CloudWatch Logs in eu-west-1
    headers = {"authorization": SIGNED}
    # WHEN the router identifies it
    service, region = identify(headers, {})
    # THEN the signing name and region come from the credential scope
    assert (service, region) == ("logs", "eu-west-1")


def test_identify_reads_a_presigned_url_credential() -> None:
    # GIVEN a presigned S3 URL's query string
    query = {"X-Amz-Credential": ["testing%2F20261127%2Fus-west-2%2Fs3%2Faws4_request"]}
    # WHEN identified
    # THEN the scope is read from X-Amz-Credential
    assert identify({}, query) == ("s3", "us-west-2")


def test_request_from_environ_reads_werkzeug_s_headers_and_query() -> None:
    # GIVEN an environ with an empty header, an empty content type, a header that only looks like one, a query
    environ = {
        "REQUEST_METHOD": "get",
        "PATH_INFO": "//a/b",
        "QUERY_STRING": "x=1&y",
        "RAW_URI": "//a/b?x=1&y",
        "wsgi.input": io.BytesIO(b""),
        "HTTP_X_EMPTY": "",
        "HTTP_AUTHORIZATION": SIGNED,
        "CONTENT_TYPE": "",
        "CONTENT_LENGTH": "0",
        "HTTP_CONTENT_TYPE": "ignored",
        "SERVER_NAME": "127.0.0.1",
    }
    # WHEN it is read twice (header names are remembered the first time)
    for _ in range(2):
        request = request_from_environ(dict(environ))
        # THEN headers are werkzeug's (empty HTTP_ kept, empty CONTENT_TYPE dropped), the query parsed
        assert request.headers == {"x-empty": "", "authorization": SIGNED, "content-length": "0"}
        assert dict(request.query) == {"x": ["1"], "y": [""]}
        assert (request.method, request.path, request.raw_path) == ("GET", "/a/b", "//a/b")
        assert (request.service, request.region) == ("logs", "eu-west-1")
    assert request_from_environ({**environ, "QUERY_STRING": ""}).query == {}


def test_unsigned_request_has_no_service() -> None:
    assert identify({}, {}) == ("", "us-east-1")


def test_action_comes_from_target_or_form() -> None:
    # GIVEN a JSON-protocol request and a query-protocol request
    json_req = AwsRequest.build("POST", "/", {"X-Amz-Target": "Logs_20140328.FilterLogEvents"}, b"{}")
    form_req = AwsRequest.build(
        "POST",
        "/",
        {"Content-Type": "application/x-www-form-urlencoded"},
        b"Action=ListStacks&Version=2010-05-15",
    )
    # THEN both report their operation name
    assert json_req.action == "FilterLogEvents"
    assert form_req.action == "ListStacks"
    assert form_req.form()["Version"] == "2010-05-15"


def test_first_handler_that_answers_wins_and_none_falls_through() -> None:
    # GIVEN a router with a declining handler and an answering handler for "logs"
    router = AwsRouter(fallback=lambda environ, start_response: [])
    seen: list[str] = []

    def declines(request: AwsRequest) -> AwsResponse | None:
        seen.append("declines")
        return None

    def answers(request: AwsRequest) -> AwsResponse | None:
        seen.append("answers")
        return AwsResponse.json({"ok": True})

    router.add("logs", declines)
    router.add("logs", answers)
    # WHEN a logs request is dispatched, and a request for another service
    answer = router.dispatch(AwsRequest.build("POST", "/", {}, b"", service="logs"))
    other = router.dispatch(AwsRequest.build("POST", "/", {}, b"", service="s3"))
    # THEN the answering handler's response is used, after the declining one had its look
    assert answer is not None and answer.status == 200
    assert seen == ["declines", "answers"]
    # AND a request no handler claims goes to moto (None)
    assert other is None


def test_path_routes_win_over_service_routes() -> None:
    router = AwsRouter(fallback=lambda environ, start_response: [])
    router.add_path("/_fogbank/ping", lambda request: AwsResponse(204))
    answer = router.dispatch(AwsRequest.build("PUT", "/_fogbank/ping/abc", {}, b""))
    assert answer is not None and answer.status == 204


def test_error_shapes_carry_aws_codes() -> None:
    # GIVEN the two error shapes
    rest = json_error("ResourceNotFoundException", "Function not found: x", 404, rest=True)
    query = query_error("ValidationError", "Stack with id s does not exist")
    # THEN the code travels in the header and body as AWS sends it
    assert rest.headers["X-Amzn-ErrorType"] == "ResourceNotFoundException"
    assert b"Function not found: x" in rest.body
    assert b"<Code>ValidationError</Code>" in query.body
    assert b"<Type>Sender</Type>" in query.body


def _failing_router() -> AwsRouter:
    def moto_lacks_it(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        raise NotImplementedError("moto has no such operation")

    def broken(request: AwsRequest) -> AwsResponse | None:
        if request.path == "/broken" or request.action == "Broken":
            raise KeyError("a fogbank bug")
        return None

    router = AwsRouter(fallback=moto_lacks_it)
    for service in ("s3", "cloudformation", "logs"):
        router.add(service, broken)
    return router


def _signed(service: str, **headers: str) -> dict[str, str]:
    scope = f"Credential=testing/20261127/us-east-1/{service}/aws4_request"
    return {"Authorization": f"AWS4-HMAC-SHA256 {scope}, SignedHeaders=host, Signature=abc", **headers}


def _parse(protocol: str, response: Any, operation: str) -> dict[str, Any]:
    """Parse the response the way boto3 does (botocore's own parser for that protocol)."""
    model = botocore.session.get_session().get_service_model(
        {"query": "cloudformation", "rest-xml": "s3", "json": "logs"}[protocol]
    )
    parser = botocore.parsers.create_parser(protocol)
    raw = {"status_code": response.status_code, "headers": dict(response.headers), "body": response.data}
    return dict(parser.parse(raw, model.operation_model(operation).output_shape))


@pytest.mark.parametrize(
    ("service", "path", "headers", "body", "protocol", "operation"),
    [
        ("s3", "/broken", {}, b"", "rest-xml", "ListObjects"),
        (
            "cloudformation",
            "/",
            {"Content-Type": "application/x-www-form-urlencoded"},
            b"Action=Broken&Version=2010-05-15",
            "query",
            "ListStacks",
        ),
        (
            "logs",
            "/",
            {"X-Amz-Target": "Logs_20140328.Broken", "Content-Type": "application/x-amz-json-1.1"},
            b"{}",
            "json",
            "DescribeLogGroups",
        ),
    ],
)
def test_a_failing_fogbank_handler_answers_in_the_services_protocol(
    service: str, path: str, headers: dict[str, str], body: bytes, protocol: str, operation: str
) -> None:
    # GIVEN a fogbank handler with a bug, for an S3 (REST-XML), a query (XML) and a JSON service
    client = Client(_failing_router())

    # WHEN a request reaches it
    response = client.post(path, headers=_signed(service, **headers), data=body)

    # THEN the 500 is in the shape that service's SDK parses, with AWS's InternalFailure code
    assert response.status_code == 500
    error = _parse(protocol, response, operation)["Error"]
    assert error["Code"] == "InternalFailure"
    assert "a fogbank bug" in error["Message"]


@pytest.mark.parametrize(
    ("service", "headers", "body", "protocol", "operation"),
    [
        ("s3", {}, b"", "rest-xml", "ListObjects"),
        (
            "cloudformation",
            {"Content-Type": "application/x-www-form-urlencoded"},
            b"Action=ListStacks&Version=2010-05-15",
            "query",
            "ListStacks",
        ),
    ],
)
def test_an_operation_moto_lacks_answers_in_the_services_protocol(
    service: str, headers: dict[str, str], body: bytes, protocol: str, operation: str
) -> None:
    # GIVEN moto raising NotImplementedError for an XML service's operation
    client = Client(_failing_router())

    # WHEN the request falls through to it
    response = client.post("/bucket", headers=_signed(service, **headers), data=body)

    # THEN the SDK reads NotImplementedError and a message pointing at the docs
    assert response.status_code == 501
    error = _parse(protocol, response, operation)["Error"]
    assert error["Code"] == "NotImplementedError"
    assert "docs/local-cloud.md" in error["Message"]
