"""A path ending with "/" for a route declared without it: each front door (and resolver) has its own rule."""

import pytest
from requests import Request

from fogbank import data_fetcher
from fogbank.auth import build_iam_auth

pytestmark = pytest.mark.xdist_group(name="event_handler")

BODY = {"body": "Hello World"}


def test_api_gateway_rest_trailing_slash(apigw_rest_endpoint: str):
    # GIVEN a URL ending with a slash
    url = f"{apigw_rest_endpoint}todos/"

    # WHEN
    response = data_fetcher.get_http_response(Request(method="POST", url=url, json=BODY))

    # THEN the REST API routes it to /todos and APIGatewayRestResolver ignores the trailing slash
    assert response.status_code == 200
    assert response.content == b"Hello World"


def test_api_gateway_http_trailing_slash(send_any_status, apigw_http_endpoint: str):
    # GIVEN a URL ending with a slash, and an HTTP API whose routes are "GET|POST /todos" and "GET /empty"
    url = f"{apigw_http_endpoint}todos/"

    # WHEN a signed request is sent
    response = send_any_status(
        Request(method="POST", url=url, json=BODY, auth=build_iam_auth(url=url, aws_service="execute-api"))
    )

    # THEN it is not served as /todos: a 404, from API Gateway (no route matches) or from the resolver
    assert response.status_code == 404


def test_lambda_function_url_trailing_slash(send_any_status, lambda_function_url_endpoint: str):
    # GIVEN a URL ending with a slash (a Function URL passes every path to the function)
    url = f"{lambda_function_url_endpoint}todos/"

    # WHEN a signed request is sent
    response = send_any_status(
        Request(method="POST", url=url, json=BODY, auth=build_iam_auth(url=url, aws_service="lambda"))
    )

    # THEN the resolver finds no route for "/todos/" and says so
    assert response.status_code == 404
    assert response.json()["message"] == "Not found"


def test_alb_trailing_slash(send_any_status, alb_multi_value_header_listener_endpoint: str):
    # GIVEN a URL ending with a slash (the listener forwards every path to the function)
    url = f"{alb_multi_value_header_listener_endpoint}/todos/"

    # WHEN
    response = send_any_status(Request(method="POST", url=url, json=BODY))

    # THEN the resolver finds no route for "/todos/" and says so
    assert response.status_code == 404
    assert response.json()["message"] == "Not found"
