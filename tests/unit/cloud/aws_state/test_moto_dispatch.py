"""MotoDispatch answers every request exactly as moto's own server application answers it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.test import Client, EnvironBuilder, TestResponse

from fogbank.cloud.aws_state import server_app
from fogbank.cloud.aws_state.moto_dispatch import MotoDispatch


def _signed(service: str, region: str = "us-east-1") -> str:
    return (
        f"AWS4-HMAC-SHA256 Credential=testing/20261129/{region}/{service}/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=abc"
    )


@pytest.fixture(scope="module")
def apps() -> Iterator[tuple[Client, Client]]:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    server_app.reset()
    yield Client(MotoDispatch()), Client(DomainDispatcherApplication(create_backend_app))
    server_app.reset()


_VOLATILE = re.compile(
    rb"(RequestId>|requestid\"?: ?\"?|\"RequestId\": \"|<RequestID>)[A-Za-z0-9-]+", re.IGNORECASE
)


def _comparable(response: TestResponse) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body without what differs on every call (request ids, dates)."""
    headers = {
        name.lower(): value
        for name, value in response.headers.items()
        if name.lower()
        not in ("x-amzn-requestid", "x-amz-request-id", "x-amz-id-2", "date", "content-length")
    }
    return response.status_code, headers, _VOLATILE.sub(rb"\1<id>", response.get_data())


def _both(apps: tuple[Client, Client], **request: Any) -> tuple[Any, Any]:
    ours, moto = apps
    return (
        _comparable(ours.open(EnvironBuilder(**request))),
        _comparable(moto.open(EnvironBuilder(**request))),
    )


@pytest.mark.parametrize(
    "request_args",
    [
        pytest.param(  # query protocol, form body
            {
                "method": "POST",
                "path": "/",
                "data": "Action=GetCallerIdentity&Version=2011-06-15",
                "content_type": "application/x-www-form-urlencoded; charset=utf-8",
                "headers": {"Authorization": _signed("sts")},
            },
            id="sts-query",
        ),
        pytest.param(  # rest-json, a missing resource: moto's 404 error shape
            {
                "method": "GET",
                "path": "/2015-03-31/functions/nothing-here",
                "headers": {"Authorization": _signed("lambda", "eu-west-1")},
            },
            id="lambda-rest-404",
        ),
        pytest.param(  # json protocol, a validation error
            {
                "method": "POST",
                "path": "/",
                "data": '{"Name": "/missing"}',
                "content_type": "application/x-amz-json-1.1",
                "headers": {"Authorization": _signed("ssm"), "X-Amz-Target": "AmazonSSM.GetParameter"},
            },
            id="ssm-json-error",
        ),
        pytest.param(  # rest-xml, S3 path style
            {"method": "GET", "path": "/", "headers": {"Authorization": _signed("s3")}},
            id="s3-list-buckets",
        ),
        pytest.param(  # HEAD keeps moto's Content-Length and sends no body
            {"method": "HEAD", "path": "/no-such-bucket", "headers": {"Authorization": _signed("s3")}},
            id="s3-head-missing",
        ),
        pytest.param(  # a path no rule of the backend matches: Flask's 404 page
            {"method": "GET", "path": "/not/a/lambda/path", "headers": {"Authorization": _signed("lambda")}},
            id="unmatched-path",
        ),
        pytest.param(  # unsigned: moto's inference from the body, then its default (S3)
            {"method": "GET", "path": "/"},
            id="unsigned",
        ),
        pytest.param(  # CORS preflight goes through moto's full Flask application
            {
                "method": "OPTIONS",
                "path": "/",
                "headers": {
                    "Authorization": _signed("sts"),
                    "Origin": "http://example.test",
                    "Access-Control-Request-Method": "POST",
                },
            },
            id="cors-preflight",
        ),
    ],
)
def test_answers_match_motos_own_application(
    apps: tuple[Client, Client], request_args: dict[str, Any]
) -> None:
    # GIVEN one request / WHEN both applications answer it
    ours, moto = _both(apps, **request_args)
    # THEN status, headers (CORS header included) and body are the same
    assert ours == moto
    assert ours[1].get("access-control-allow-origin") in ("*", "http://example.test")


def test_state_is_moto_s_own(apps: tuple[Client, Client]) -> None:
    # GIVEN a queue created through MotoDispatch
    ours, moto = apps
    created = ours.post(
        "/",
        data="Action=CreateQueue&QueueName=dispatch-test&Version=2012-11-05",
        content_type="application/x-www-form-urlencoded",
        headers={"Authorization": _signed("sqs")},
    )
    assert created.status_code == 200
    # WHEN moto's own application lists queues
    listed = moto.post(
        "/",
        data="Action=ListQueues&Version=2012-11-05",
        content_type="application/x-www-form-urlencoded",
        headers={"Authorization": _signed("sqs")},
    )
    # THEN it sees the queue: the same backend holds it
    assert b"dispatch-test" in listed.get_data()


def test_a_handler_exception_propagates_as_in_moto_s_debug_flask_app(
    apps: tuple[Client, Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN moto's STS handler raising an unexpected error
    from moto.sts.responses import TokenResponse

    def boom(self: Any) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(TokenResponse, "get_caller_identity", boom)
    ours, moto = apps
    request = {
        "method": "POST",
        "path": "/",
        "data": "Action=GetCallerIdentity&Version=2011-06-15",
        "content_type": "application/x-www-form-urlencoded",
        "headers": {"Authorization": _signed("sts")},
    }
    # WHEN either application answers / THEN the error reaches the server (which answers 500)
    for client in (ours, moto):
        with pytest.raises(RuntimeError, match="boom"):
            client.open(EnvironBuilder(**request))
