"""An HTTP API's door where API Gateway answers by itself: stages, routes, IAM, and missing permissions.

Function answers need worker processes (tests/integration/frontdoors/test_doors_deployed.py); here the
invoker checks the function's resource policy on moto's Lambda state, and reaching Invoke fails the test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fogbank.cloud.frontdoors.doors.http_api import HttpApiDoor, HttpApiModel, HttpRoute
from fogbank.cloud.frontdoors.http import HttpRequest
from fogbank.cloud.frontdoors.invoker import CloudInvoker
from fogbank.cloud.site import CloudSite

from ...conftest import ACCOUNT, Clients, lambda_role, zip_of

FUNCTION = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:orders"
HOST = "abc123.execute-api.us-east-1.amazonaws.com"


class _NoInvoke:
    def invoke(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the door reached Invoke")


def _door(tmp_path: Path, stages: dict[str, dict[str, str]]) -> HttpApiDoor:
    routes = [
        HttpRoute("GET /items/{id}", FUNCTION, route_id="r1"),
        HttpRoute("GET /secure", FUNCTION, authorization="AWS_IAM", route_id="r2"),
        HttpRoute("GET /broken", None, route_id="r3"),
    ]
    model = HttpApiModel("abc123", "us-east-1", ACCOUNT, routes=routes, stages=stages)
    return HttpApiDoor(model, CloudInvoker(CloudSite("http://127.0.0.1:9", tmp_path), _NoInvoke()))  # type: ignore[arg-type]


@pytest.fixture
def function(aws: Clients) -> None:
    aws("lambda").create_function(
        FunctionName="orders",
        Runtime="python3.11",
        Role=lambda_role(aws),
        Handler="a.h",
        Code={"ZipFile": zip_of({"a.py": ""})},
    )


def _call(door: HttpApiDoor, method: str, path: str) -> tuple[int, Any]:
    response = door.handle(HttpRequest(method, path, "", [("Host", HOST)], b""))
    return response.status, json.loads(response.body)


@pytest.mark.usefixtures("function")
@pytest.mark.parametrize(
    ("stages", "method", "path", "answer"),
    [
        ({"dev": {}}, "GET", "/prod/items/7", (404, {"message": "Not Found"})),
        ({"$default": {}}, "GET", "/nothing", (404, {"message": "Not Found"})),
        ({"$default": {}}, "POST", "/items/7", (404, {"message": "Not Found"})),
        ({"$default": {}}, "GET", "/secure", (403, {"message": "Forbidden"})),
        ({"$default": {}}, "GET", "/broken", (500, {"message": "Internal Server Error"})),
        ({"$default": {}}, "GET", "/items/7", (500, {"message": "Internal Server Error"})),
        ({"prod": {}}, "GET", "/prod/items/7", (500, {"message": "Internal Server Error"})),
    ],
)
def test_requests_api_gateway_answers_itself(
    tmp_path: Path, stages: dict[str, dict[str, str]], method: str, path: str, answer: tuple[int, Any]
) -> None:
    # WHEN a request misses every stage or route, lacks a signature, hits a route without integration, or a
    # function API Gateway may not invoke (no AWS::Lambda::Permission) THEN the door answers as API Gateway does
    assert _call(_door(tmp_path, stages), method, path) == answer
