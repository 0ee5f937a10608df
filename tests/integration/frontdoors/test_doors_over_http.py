"""The four front doors over real HTTP(S), with real aws-lambda-powertools resolvers as the functions.

Everything runs for real (listeners, TLS with the per-cloud CA, the connection shim, SigV4, event building,
response mapping, the powertools resolvers), except one thing: the function is called in-process by the test's
invoker instead of in a Lambda worker process, so these tests do not need the Lambda component. The
CDK-deployed versions of these checks live in test_doors_deployed.py.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from aws_lambda_powertools.event_handler import (
    ALBResolver,
    APIGatewayHttpResolver,
    APIGatewayRestResolver,
    CORSConfig,
    LambdaFunctionUrlResolver,
    Response,
)
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from fogbank.cloud.context import CloudContext
from fogbank.cloud.frontdoors.component import FrontDoorsComponent
from fogbank.cloud.frontdoors.cors import UrlCors
from fogbank.cloud.frontdoors.doors.alb import AlbListener, AlbRule, FixedResponse, Forward, LambdaTargetGroup
from fogbank.cloud.frontdoors.doors.function_url import FunctionUrlModel
from fogbank.cloud.frontdoors.doors.http_api import HttpApiModel, HttpRoute
from fogbank.cloud.frontdoors.doors.rest_api import RestApiModel, RestMethod, RestResource
from fogbank.cloud.frontdoors.invoker import InvocationFailed

ACCOUNT = "123456789012"
REGION = "us-east-1"


def _app(app: Any) -> Any:
    @app.get("/hello")
    def hello() -> Response[str]:
        request = app.current_event
        cookies = request.get("cookies") or []
        if not cookies:
            cookie_header = request.headers.get("cookie") or request.headers.get("Cookie") or ""
            cookies = [c.strip() for c in cookie_header.split(";") if c.strip()]
        body = {
            "cookies": cookies,
            "who": request.headers.get("x-who"),
            "q": request.get_query_string_value("q"),
        }
        return Response(
            200, "application/json", json.dumps(body), headers={"X-Multi": ["a", "b"]}, cookies=["s=1"]
        )

    @app.get("/empty")
    def empty() -> Response[str]:
        return Response(204, None, "")

    @app.get("/image")
    def image() -> Response[bytes]:
        return Response(200, "image/png", b"\x89PNG\x00\xff")

    @app.post("/echo")
    def echo() -> dict[str, Any]:
        return {
            "base64": app.current_event.is_base64_encoded,
            "size": len(app.current_event.decoded_body or ""),
        }

    return app


APPS: dict[str, Any] = {
    "alb": _app(ALBResolver()),
    "rest": _app(APIGatewayRestResolver()),
    "http": _app(APIGatewayHttpResolver()),
    "url": _app(LambdaFunctionUrlResolver(cors=CORSConfig(allow_origin="https://app.example"))),
}


def _invoker(
    function: str, payload: bytes, *, principal: str, source_arn: str | None, trace_header: str
) -> bytes:
    name = function.rsplit(":", 1)[-1]
    if name == "broken":
        raise InvocationFailed("FunctionError", "boom")
    if name == "malformed":
        return b'"just a string"' if "elasticloadbalancing" in principal else b"{not json"
    return json.dumps(APPS[name].resolve(json.loads(payload), None)).encode()


@pytest.fixture(scope="module")
def doors(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FrontDoorsComponent]:
    ctx = CloudContext(
        endpoint="http://127.0.0.1:9", state_dir=Path(tmp_path_factory.mktemp("cloud")), router=None
    )  # type: ignore[arg-type]
    component = FrontDoorsComponent(ctx, invoker=_invoker)
    component.start()
    try:
        yield component
    finally:
        component.stop()


def _arn(name: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"


def _signed(method: str, url: str, service: str, secret: str = "testing") -> dict[str, str]:
    aws = AWSRequest(method=method, url=url)
    SigV4Auth(Credentials("testing", secret), service, REGION).add_auth(aws)
    return dict(aws.headers.items())


# -- ALB ----------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def alb(doors: FrontDoorsComponent) -> Callable[[str], str]:
    lb = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/lb/1"
    address = doors.allocate_load_balancer(lb)
    doors.put_target_group(LambdaTargetGroup("tg-single", _arn("alb"), multi_value_headers=False))
    doors.put_target_group(LambdaTargetGroup("tg-multi", _arn("alb"), multi_value_headers=True))
    doors.put_target_group(LambdaTargetGroup("tg-bad", _arn("malformed")))
    rules = [
        AlbRule(1, [Forward("tg-multi")], path_patterns=("/hello",), host_patterns=("multi.*",)),
        AlbRule(2, [Forward("tg-bad")], path_patterns=("/bad",)),
        AlbRule(3, [Forward("tg-single")], path_patterns=("/hello", "/empty", "/image")),
    ]
    doors.add_alb_listener(
        lb, AlbListener("listener-80", 80, [FixedResponse(404, "text/plain", "no rule")], rules)
    )
    return lambda path: f"http://{address}{path}"


def test_alb_single_value_headers_and_cookies(alb: Callable[[str], str]) -> None:
    # GIVEN an ALB whose target group has multi-value headers off
    # WHEN a request with a cookie, a header and a query string arrives on port 80 of its address
    response = requests.get(
        alb("/hello"), params={"q": "x"}, headers={"x-who": "me"}, cookies={"c": "1"}, timeout=10
    )
    # THEN the resolver saw them, and single-value headers keep the last value
    assert response.status_code == 200
    assert response.json() == {"cookies": ["c=1"], "who": "me", "q": "x"}
    assert response.headers["X-Multi"] == "b"


def test_alb_multi_value_and_rules(alb: Callable[[str], str]) -> None:
    # GIVEN a rule that sends host multi.* to a multi-value target group
    # WHEN requested with that host
    response = requests.get(alb("/hello"), headers={"Host": "multi.example"}, timeout=10)
    # THEN both values of the multi-value header arrive, and other paths get the fixed response
    assert response.status_code == 200 and response.raw.headers.getlist("X-Multi") == ["a", "b"]
    missing = requests.get(alb("/nowhere"), timeout=10)
    assert (missing.status_code, missing.text) == (404, "no rule")


def test_alb_body_less_binary_and_bad_gateway(alb: Callable[[str], str]) -> None:
    # WHEN asking for an empty answer, a binary one, and one from a function that answers badly
    empty = requests.get(alb("/empty"), timeout=10)
    image = requests.get(alb("/image"), timeout=10)
    bad = requests.get(alb("/bad"), timeout=10)
    # THEN they arrive as sent, and the bad one is ALB's 502
    assert empty.status_code == 204 and empty.content == b""
    assert image.content == b"\x89PNG\x00\xff" and image.headers["Content-Type"] == "image/png"
    assert bad.status_code == 502 and "502 Bad Gateway" in bad.text


# -- REST API -----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def rest(doors: FrontDoorsComponent) -> str:
    proxy = RestMethod("GET", function_arn=_arn("rest"))
    model = RestApiModel(
        "rest123",
        REGION,
        ACCOUNT,
        resources=[
            RestResource("/hello", "r1", {"GET": proxy}),
            RestResource("/image", "r2", {"GET": proxy}),
            RestResource(
                "/secure",
                "r3",
                {"GET": RestMethod("GET", authorization="AWS_IAM", function_arn=_arn("rest"))},
            ),
            RestResource("/broken", "r4", {"GET": RestMethod("GET", function_arn=_arn("broken"))}),
            RestResource("/mock", "r5", {"GET": RestMethod("GET", integration="MOCK", mock_status=200)}),
        ],
        stages={"prod": {}},
        binary_media_types=("image/png",),
    )
    doors.put_rest_api(model)
    return f"https://{model.domain_name}/prod"


def test_rest_api_through_its_aws_url(rest: str) -> None:
    # WHEN the REST API is called at its AWS URL (TLS, shim and CA bundle make it reachable)
    response = requests.get(
        f"{rest}/hello", params={"q": "1"}, cookies={"c": "2"}, headers={"x-who": "rest"}, timeout=10
    )
    # THEN the resolver answered, with multi-value headers merged
    assert response.status_code == 200 and response.json() == {"cookies": ["c=2"], "who": "rest", "q": "1"}
    assert response.raw.headers.getlist("X-Multi") == ["a", "b"] and response.headers["Set-Cookie"] == "s=1"


def test_rest_api_errors_as_aws_gives_them(rest: str) -> None:
    # WHEN calling an unknown resource, an unknown stage and a failing function
    unknown = requests.get(f"{rest}/nope", timeout=10)
    stage = requests.get(rest.replace("/prod", "/dev") + "/hello", timeout=10)
    broken = requests.get(f"{rest}/broken", timeout=10)
    # THEN each gets API Gateway's answer
    assert (unknown.status_code, unknown.json()) == (403, {"message": "Missing Authentication Token"})
    assert (stage.status_code, stage.json()) == (403, {"message": "Forbidden"})
    assert (broken.status_code, broken.json()) == (502, {"message": "Internal server error"})


def test_rest_api_iam_and_binary(rest: str) -> None:
    # WHEN calling the IAM-protected method unsigned, wrongly signed and rightly signed
    url = f"{rest}/secure"
    unsigned = requests.get(url, timeout=10)
    wrong = requests.get(url, headers=_signed("GET", url, "execute-api", secret="wrong"), timeout=10)
    signed = requests.get(url.replace("/secure", "/hello"), timeout=10)
    right = requests.get(url, headers=_signed("GET", url, "execute-api"), timeout=10)
    # THEN only the signed one passes; and binary answers follow binaryMediaTypes and Accept
    assert unsigned.status_code == 403 and unsigned.json() == {"message": "Missing Authentication Token"}
    assert wrong.status_code == 403 and "signature we calculated does not match" in wrong.json()["message"]
    assert signed.status_code == 200 and right.status_code == 404  # the resolver has no /secure route
    image = requests.get(f"{rest}/image", headers={"Accept": "image/png"}, timeout=10)
    assert image.content == b"\x89PNG\x00\xff"
    assert requests.get(f"{rest}/mock", timeout=10).status_code == 200


# -- HTTP API -----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def http_api(doors: FrontDoorsComponent) -> str:
    routes = [
        HttpRoute("GET /hello", _arn("http")),
        HttpRoute("GET /empty", _arn("http")),
        HttpRoute("POST /echo", _arn("http")),
        HttpRoute("GET /secure", _arn("http"), authorization="AWS_IAM"),
        HttpRoute("GET /broken", _arn("broken")),
    ]
    model = HttpApiModel("http123", REGION, ACCOUNT, routes=routes, stages={"$default": {}})
    doors.put_http_api(model)
    return f"https://{model.domain_name}"


def test_http_api_routes_cookies_and_binary_request(http_api: str) -> None:
    # WHEN calling routes with cookies, no body, and a binary body
    hello = requests.get(
        f"{http_api}/hello", params={"q": "z"}, cookies={"c": "3"}, headers={"x-who": "http"}, timeout=10
    )
    empty = requests.get(f"{http_api}/empty", timeout=10)
    echo = requests.post(
        f"{http_api}/echo",
        data=b"\x00\x01\x02",
        headers={"Content-Type": "application/octet-stream"},
        timeout=10,
    )
    # THEN cookies arrive in the event's cookies, and the binary body arrives base64-encoded
    assert (
        hello.json() == {"cookies": ["c=3"], "who": "http", "q": "z"} and hello.headers["Set-Cookie"] == "s=1"
    )
    assert empty.status_code == 204 and empty.content == b""
    assert echo.json() == {"base64": True, "size": 3}


def test_http_api_errors_and_iam(http_api: str) -> None:
    # WHEN calling an unknown route, a failing function, and the IAM route unsigned and signed
    unknown = requests.get(f"{http_api}/nope", timeout=10)
    broken = requests.get(f"{http_api}/broken", timeout=10)
    unsigned = requests.get(f"{http_api}/secure", timeout=10)
    signed = requests.get(
        f"{http_api}/secure", headers=_signed("GET", f"{http_api}/secure", "execute-api"), timeout=10
    )
    # THEN the HTTP API's answers
    assert (unknown.status_code, unknown.json()) == (404, {"message": "Not Found"})
    assert (broken.status_code, broken.json()) == (500, {"message": "Internal Server Error"})
    assert (unsigned.status_code, unsigned.json()) == (403, {"message": "Forbidden"})
    assert signed.status_code == 404  # signed and passed; the resolver has no /secure route


# -- Function URL -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def function_urls(doors: FrontDoorsComponent) -> tuple[str, str]:
    cors = UrlCors.from_config({"AllowOrigins": ["https://app.example"], "AllowMethods": ["GET", "POST"]})
    public = FunctionUrlModel("public1", _arn("url"), "NONE", REGION, ACCOUNT, cors)
    private = FunctionUrlModel("private1", _arn("url"), "AWS_IAM", REGION, ACCOUNT)
    doors.put_function_url(public)
    doors.put_function_url(private)
    return public.url, private.url


def test_function_url_cors(function_urls: tuple[str, str]) -> None:
    public, _ = function_urls
    # WHEN a browser preflights and calls from an allowed and from a foreign origin
    preflight = requests.options(
        public + "hello",
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "GET"},
        timeout=10,
    )
    allowed = requests.get(public + "hello", headers={"Origin": "https://app.example"}, timeout=10)
    foreign = requests.get(public + "hello", headers={"Origin": "https://evil.example"}, timeout=10)
    # THEN only the allowed origin gets CORS headers
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert "Access-Control-Allow-Origin" not in foreign.headers and foreign.status_code == 200


def test_function_url_paths_binary_and_iam(function_urls: tuple[str, str]) -> None:
    public, private = function_urls
    # WHEN calling a path the resolver lacks, a binary route, and the IAM URL unsigned and signed
    missing = requests.get(public + "nope", timeout=10)
    image = requests.get(public + "image", timeout=10)
    unsigned = requests.get(private + "hello", timeout=10)
    signed = requests.get(private + "hello", headers=_signed("GET", private + "hello", "lambda"), timeout=10)
    # THEN every path reaches the function; IAM needs the signature
    assert missing.status_code == 404 and image.content == b"\x89PNG\x00\xff"
    assert (unsigned.status_code, unsigned.json()) == (403, {"Message": "Forbidden"})
    assert signed.status_code == 200 and signed.json()["cookies"] == []


def test_plain_http_edge_serves_the_same_hosts(
    doors: FrontDoorsComponent, function_urls: tuple[str, str]
) -> None:
    # GIVEN a client outside the shim: plain HTTP to the edge port with the API's Host header
    host = function_urls[0].split("/")[2]
    # WHEN it calls the Function URL that way
    response = requests.get(f"http://127.0.0.1:{doors.edge_port}/image", headers={"Host": host}, timeout=10)
    # THEN it reaches the same function
    assert response.status_code == 200 and base64.b64encode(response.content) == base64.b64encode(
        b"\x89PNG\x00\xff"
    )
