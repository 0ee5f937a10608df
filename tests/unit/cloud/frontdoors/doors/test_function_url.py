"""A Function URL's door before the function runs: CORS preflights, IAM signatures, the public-access policy.

What the function answers needs a worker process (tests/integration/frontdoors/test_function_url_provider.py);
every request here is answered by the door itself, and reaching Invoke fails the test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from fogbank.cloud.frontdoors.cors import UrlCors
from fogbank.cloud.frontdoors.doors.function_url import FunctionUrlDoor, FunctionUrlModel
from fogbank.cloud.frontdoors.http import HttpRequest
from fogbank.cloud.frontdoors.invoker import CloudInvoker
from fogbank.cloud.site import CloudSite

from ...conftest import ACCOUNT, Clients, lambda_role, zip_of

FUNCTION = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:orders"
HOST = "u1abc.lambda-url.us-east-1.on.aws"


class _NoInvoke:
    def invoke(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the door reached Invoke")


def _door(tmp_path: Path, auth_type: str, cors: dict[str, Any] | None = None) -> FunctionUrlDoor:
    invoker = CloudInvoker(CloudSite("http://127.0.0.1:9", tmp_path), _NoInvoke())  # type: ignore[arg-type]

    def public_allowed(function_arn: str, auth: str) -> bool:  # as the front-door component wires it
        return invoker.allowed(
            function_arn, "*", "lambda:InvokeFunctionUrl", None, {"lambda:FunctionUrlAuthType": auth}
        )

    model = FunctionUrlModel("u1abc", FUNCTION, auth_type, "us-east-1", ACCOUNT, UrlCors.from_config(cors))
    return FunctionUrlDoor(model, invoker, public_allowed)


@pytest.fixture
def function(aws: Clients) -> None:
    aws("lambda").create_function(
        FunctionName="orders",
        Runtime="python3.11",
        Role=lambda_role(aws),
        Handler="a.h",
        Code={"ZipFile": zip_of({"a.py": ""})},
    )


def _forbidden(response: Any) -> tuple[int, str, str]:
    return response.status, json.loads(response.body)["Message"], response.header("x-amzn-ErrorType")


@pytest.mark.usefixtures("function")
def test_a_public_url_without_the_permission_is_forbidden_as_on_aws(tmp_path: Path) -> None:
    # GIVEN an AuthType NONE URL whose function has no lambda:InvokeFunctionUrl permission
    door = _door(tmp_path, "NONE")
    # WHEN it is called THEN the door answers Lambda's 403 without running the function
    response = door.handle(HttpRequest("GET", "/", "", [("Host", HOST)], b""))
    assert _forbidden(response) == (403, "Forbidden", "AccessDeniedException")


@pytest.mark.usefixtures("function")
def test_an_iam_url_refuses_unsigned_and_badly_signed_requests(tmp_path: Path) -> None:
    door = _door(tmp_path, "AWS_IAM")
    # WHEN an unsigned request arrives THEN it is Forbidden
    unsigned = door.handle(HttpRequest("GET", "/", "", [("Host", HOST)], b""))
    assert _forbidden(unsigned) == (403, "Forbidden", "AccessDeniedException")
    # WHEN a request is signed for another service THEN the signature is refused, saying why
    sent = AWSRequest("GET", f"https://{HOST}/", headers={"Host": HOST})
    SigV4Auth(Credentials("AKIDEXAMPLE", "secret"), "execute-api", "us-east-1").add_auth(sent)
    signed = door.handle(HttpRequest("GET", "/", "", list(sent.headers.items()), b""))
    assert signed.status == 403 and signed.header("x-amzn-ErrorType") != "AccessDeniedException"


def test_a_cors_preflight_is_answered_by_lambda_itself(tmp_path: Path, aws: Clients) -> None:
    # GIVEN a URL with CORS for one origin (no function needed: Lambda answers preflights itself)
    door = _door(
        tmp_path, "NONE", {"AllowOrigins": ["https://shop.example"], "AllowMethods": ["POST"], "MaxAge": 300}
    )
    preflight = [
        ("Host", HOST),
        ("Origin", "https://shop.example"),
        ("Access-Control-Request-Method", "POST"),
    ]
    # WHEN the browser sends its preflight THEN the door answers with the configured CORS headers
    response = door.handle(HttpRequest("OPTIONS", "/", "", preflight, b""))
    assert response.status == 200
    assert response.header("Access-Control-Allow-Origin") == "https://shop.example"
    assert (response.header("Access-Control-Allow-Methods"), response.header("Access-Control-Max-Age")) == (
        "POST",
        "300",
    )
