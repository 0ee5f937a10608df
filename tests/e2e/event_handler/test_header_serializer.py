from uuid import uuid4

import pytest
from aws_lambda_powertools.shared.cookies import Cookie
from requests import Request

from fogbank import data_fetcher
from fogbank.auth import build_iam_auth

pytestmark = pytest.mark.xdist_group(name="event_handler")


def test_alb_headers_serializer(alb_basic_listener_endpoint: str):
    # GIVEN a target group without multi-value headers
    url = f"{alb_basic_listener_endpoint}/todos"

    # WHEN the handler answers with two values for one header and two cookies
    response = data_fetcher.get_http_response(Request(method="GET", url=url))

    # THEN the ALB keeps only the last value of each
    assert response.status_code == 200
    assert response.content == b"Hello world"
    assert response.headers["content-type"] == "text/plain"
    assert response.headers["Foo"] == "zbr"
    assert "MonsterCookie" in response.cookies.keys()  # noqa: SIM118 (valueless cookies are not "in" the jar)
    assert "CookieMonster" not in response.cookies.keys()  # noqa: SIM118 (valueless cookies are not "in" the jar)


def test_alb_multi_value_headers_serializer(alb_multi_value_header_listener_endpoint: str):
    # GIVEN a target group with lambda.multi_value_headers.enabled
    url = f"{alb_multi_value_header_listener_endpoint}/todos"

    # WHEN the handler answers with two values for one header and two cookies
    response = data_fetcher.get_http_response(Request(method="GET", url=url))

    # THEN every value reaches the client
    assert response.status_code == 200
    assert response.content == b"Hello world"
    assert response.headers["content-type"] == "text/plain"
    assert sorted(value.strip() for value in response.headers["Foo"].split(",")) == ["bar", "zbr"]
    assert "MonsterCookie" in response.cookies.keys()  # noqa: SIM118 (valueless cookies are not "in" the jar)
    assert "CookieMonster" in response.cookies.keys()  # noqa: SIM118 (valueless cookies are not "in" the jar)


def test_api_gateway_rest_headers_serializer(apigw_rest_endpoint: str):
    # GIVEN a REST API proxy integration (multiValueHeaders in the response)
    url = f"{apigw_rest_endpoint}todos"

    # WHEN
    response = data_fetcher.get_http_response(Request(method="GET", url=url))

    # THEN every value reaches the client
    assert response.status_code == 200
    assert response.content == b"Hello world"
    assert response.headers["content-type"] == "text/plain"
    assert sorted(value.strip() for value in response.headers["Foo"].split(",")) == ["bar", "zbr"]
    assert "MonsterCookie" in response.cookies.keys()  # noqa: SIM118 (valueless cookies are not "in" the jar)
    assert "CookieMonster" in response.cookies.keys()  # noqa: SIM118 (valueless cookies are not "in" the jar)


def test_api_gateway_http_headers_serializer(apigw_http_endpoint: str):
    # GIVEN an HTTP API protected by IAM (payload 2.0: headers joined by commas, a cookies array)
    url = f"{apigw_http_endpoint}todos"

    # WHEN a signed request is sent
    response = data_fetcher.get_http_response(
        Request(method="GET", url=url, auth=build_iam_auth(url=url, aws_service="execute-api"))
    )

    # THEN every value reaches the client
    assert response.status_code == 200
    assert response.content == b"Hello world"
    assert response.headers["content-type"] == "text/plain"
    assert sorted(value.strip() for value in response.headers["Foo"].split(",")) == ["bar", "zbr"]
    assert "MonsterCookie" in response.cookies.keys()  # noqa: SIM118 (valueless cookies are not "in" the jar)
    assert "CookieMonster" in response.cookies.keys()  # noqa: SIM118 (valueless cookies are not "in" the jar)


def test_lambda_function_url_headers_serializer(lambda_function_url_endpoint: str):
    # GIVEN a Function URL protected by IAM, and the response the handler should build
    url = f"{lambda_function_url_endpoint}todos"
    body = "Hello World"
    headers = {"Content-Type": "text/plain", "Vary": ["Accept-Encoding", "User-Agent"]}
    cookies = [
        Cookie(name="session_id", value=str(uuid4()), secure=True, http_only=True),
        Cookie(name="ab_experiment", value="3"),
    ]
    json_body = {"body": body, "status_code": 200, "headers": headers, "cookies": [str(c) for c in cookies]}

    # WHEN a signed request is sent
    response = data_fetcher.get_http_response(
        Request(method="POST", url=url, json=json_body, auth=build_iam_auth(url=url, aws_service="lambda"))
    )

    # THEN headers (multi-valued ones joined) and every cookie reach the client
    assert response.status_code == 200
    assert response.content.decode("ascii") == body
    assert response.headers["Content-Type"] == "text/plain"
    assert response.headers["Vary"] == "Accept-Encoding, User-Agent"
    for cookie in cookies:
        assert response.cookies.get(cookie.name) == cookie.value
