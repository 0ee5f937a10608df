"""A REST API's door where API Gateway answers by itself: stages, routes, IAM, API keys, MOCK, permissions.

Function answers need worker processes (tests/integration/frontdoors/test_doors_deployed.py); here the
invoker checks the function's resource policy on moto's Lambda state, and reaching Invoke fails the test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fogbank.cloud.frontdoors.doors.rest_api import RestApiDoor, RestApiModel, RestMethod, RestResource
from fogbank.cloud.frontdoors.http import HttpRequest
from fogbank.cloud.frontdoors.invoker import CloudInvoker
from fogbank.cloud.site import CloudSite

from ...conftest import ACCOUNT, Clients, lambda_role, zip_of

FUNCTION = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:orders"
HOST = "abc123.execute-api.us-east-1.amazonaws.com"


class _NoInvoke:
    def invoke(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the door reached Invoke")


@pytest.fixture
def door(tmp_path: Path, aws: Clients) -> RestApiDoor:
    aws("lambda").create_function(
        FunctionName="orders",
        Runtime="python3.11",
        Role=lambda_role(aws),
        Handler="a.h",
        Code={"ZipFile": zip_of({"a.py": ""})},
    )
    resources = [
        RestResource("/items/{id}", "r1", {"GET": RestMethod("GET", function_arn=FUNCTION)}),
        RestResource(
            "/secure", "r2", {"GET": RestMethod("GET", authorization="AWS_IAM", function_arn=FUNCTION)}
        ),
        RestResource(
            "/keyed",
            "r3",
            {
                "GET": RestMethod(
                    "GET", api_key_required=True, integration="MOCK", mock_status=200, mock_body='{"ok": 1}'
                )
            },
        ),
        RestResource(
            "/health",
            "r4",
            {
                "ANY": RestMethod(
                    "ANY", integration="MOCK", mock_status=204, mock_headers=(("X-Check", "fine"),)
                )
            },
        ),
        RestResource("/broken", "r5", {"GET": RestMethod("GET", function_arn=None)}),
    ]
    model = RestApiModel(
        "abc123", "us-east-1", ACCOUNT, resources=resources, stages={"prod": {}}, api_keys={"k-123"}
    )
    return RestApiDoor(model, CloudInvoker(CloudSite("http://127.0.0.1:9", tmp_path), _NoInvoke()))  # type: ignore[arg-type]


def _call(
    door: RestApiDoor, method: str, path: str, *headers: tuple[str, str]
) -> tuple[int, Any, str | None]:
    response = door.handle(HttpRequest(method, path, "", [("Host", HOST), *headers], b""))
    body = json.loads(response.body) if response.body.startswith(b"{") else response.body
    return response.status, body, response.header("x-amzn-ErrorType")


@pytest.mark.parametrize(
    ("method", "path", "answer"),
    [
        ("GET", "/dev/items/7", (403, {"message": "Forbidden"}, "ForbiddenException")),
        (
            "GET",
            "/prod/nothing",
            (403, {"message": "Missing Authentication Token"}, "MissingAuthenticationTokenException"),
        ),
        (
            "POST",
            "/prod/items/7",
            (403, {"message": "Missing Authentication Token"}, "MissingAuthenticationTokenException"),
        ),
        (
            "GET",
            "/prod/secure",
            (403, {"message": "Missing Authentication Token"}, "MissingAuthenticationTokenException"),
        ),
        ("GET", "/prod/keyed", (403, {"message": "Forbidden"}, "ForbiddenException")),
        ("GET", "/prod/broken", (500, {"message": "Internal server error"}, "InternalServerErrorException")),
    ],
)
def test_requests_api_gateway_refuses_itself(
    door: RestApiDoor, method: str, path: str, answer: tuple[int, Any, str]
) -> None:
    # WHEN a request names an unknown stage or route, lacks a signature or key, or hits a broken method
    # THEN the door answers as API Gateway does, without running anything
    assert _call(door, method, path) == answer


def test_mock_integrations_and_a_valid_api_key_are_answered_by_the_door(door: RestApiDoor) -> None:
    # WHEN a MOCK method is called with the API key, and an ANY MOCK method with DELETE
    keyed = _call(door, "GET", "/prod/keyed", ("x-api-key", "k-123"))
    health = door.handle(HttpRequest("DELETE", "/prod/health", "", [("Host", HOST)], b""))
    # THEN each answers its static response
    assert keyed[:2] == (200, {"ok": 1})
    assert (health.status, health.header("X-Check")) == (204, "fine")


def test_a_function_api_gateway_may_not_invoke_is_a_500_as_on_aws(door: RestApiDoor) -> None:
    # WHEN the function has no permission for API Gateway THEN the caller gets API Gateway's 500, not the function
    assert _call(door, "GET", "/prod/items/7") == (
        500,
        {"message": "Internal server error"},
        "InternalServerErrorException",
    )
