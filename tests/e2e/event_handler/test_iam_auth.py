"""IAM-protected front doors: a SigV4-signed request is served, an unsigned one is refused as AWS refuses it."""

import pytest
from requests import Request

from fogbank import data_fetcher
from fogbank.auth import build_iam_auth

pytestmark = pytest.mark.xdist_group(name="event_handler")


@pytest.mark.parametrize(("output", "signing_service"), [("http", "execute-api"), ("url", "lambda")])
def test_signed_request_is_served(
    apigw_http_endpoint: str, lambda_function_url_endpoint: str, output: str, signing_service: str
):
    # GIVEN a request signed with the default credential chain
    base = apigw_http_endpoint if output == "http" else lambda_function_url_endpoint
    url = f"{base}todos"

    # WHEN
    response = data_fetcher.get_http_response(
        Request(method="GET", url=url, auth=build_iam_auth(url=url, aws_service=signing_service))
    )

    # THEN
    assert response.status_code == 200
    assert response.content == b"Hello world"


@pytest.mark.parametrize("output", ["http", "url"])
def test_unsigned_request_is_forbidden(
    send_any_status, apigw_http_endpoint: str, lambda_function_url_endpoint: str, output: str
):
    # GIVEN a request without a signature
    base = apigw_http_endpoint if output == "http" else lambda_function_url_endpoint
    url = f"{base}todos"

    # WHEN
    response = send_any_status(Request(method="GET", url=url))

    # THEN the front door refuses it before the function runs
    assert response.status_code == 403
    assert "Forbidden" in response.text
