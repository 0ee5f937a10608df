"""URLs of the four front doors, built from the stack outputs exactly as a client on AWS builds them."""

import pytest
from requests import HTTPError, Request, Response

from fogbank import data_fetcher
from fogbank.auth import build_iam_auth

# The HTTP API and the Function URL are protected by IAM; their SigV4 signing names
IAM_SIGNING_SERVICE = {"http": "execute-api", "url": "lambda"}


@pytest.fixture
def alb_basic_listener_endpoint(infrastructure: dict) -> str:
    return f"http://{infrastructure['ALBDnsName']}:{infrastructure['ALBBasicListenerPort']}"


@pytest.fixture
def alb_multi_value_header_listener_endpoint(infrastructure: dict) -> str:
    return f"http://{infrastructure['ALBDnsName']}:{infrastructure['ALBMultiValueHeaderListenerPort']}"


@pytest.fixture
def apigw_rest_endpoint(infrastructure: dict) -> str:
    return infrastructure["APIGatewayRestUrl"]  # ends with "/"


@pytest.fixture
def apigw_http_endpoint(infrastructure: dict) -> str:
    return infrastructure["APIGatewayHTTPUrl"]  # ends with "/"


@pytest.fixture
def lambda_function_url_endpoint(infrastructure: dict) -> str:
    return infrastructure["LambdaFunctionUrl"]  # ends with "/"


@pytest.fixture
def front_door_urls(
    alb_basic_listener_endpoint: str,
    apigw_rest_endpoint: str,
    apigw_http_endpoint: str,
    lambda_function_url_endpoint: str,
) -> dict:
    """Base URL (ending with "/") of each front door: alb, rest, http, url."""
    return {
        "alb": f"{alb_basic_listener_endpoint}/",
        "rest": apigw_rest_endpoint,
        "http": apigw_http_endpoint,
        "url": lambda_function_url_endpoint,
    }


@pytest.fixture
def door_request(front_door_urls: dict):
    """Builds a request to `path` behind a front door, signed with SigV4 where the door requires IAM.

    Example: `door_request("http", "GET", "todos")`
    """

    def build(door: str, method: str, path: str, **kwargs) -> Request:
        url = f"{front_door_urls[door]}{path}"
        signing_service = IAM_SIGNING_SERVICE.get(door)
        auth = build_iam_auth(url=url, aws_service=signing_service) if signing_service else None
        return Request(method=method, url=url, auth=auth, **kwargs)

    return build


def get_http_response_any_status(request: Request) -> Response:
    """`data_fetcher.get_http_response`, returning a 4xx answer instead of raising it (tests assert on it)."""
    try:
        return data_fetcher.get_http_response(request)
    except HTTPError as error:
        if error.response is None:
            raise
        return error.response


@pytest.fixture
def send_any_status():
    """Sends a request and returns the answer whatever its status (see get_http_response_any_status)."""
    return get_http_response_any_status
