"""How a client calls the feature's GraphQL API: POST JSON to the GraphQLUrl output, with the API key or SigV4."""

import json
from typing import Any

import pytest
from requests import HTTPError, Request, Response

from fogbank import data_fetcher
from fogbank.auth import build_iam_auth


def _any_status(request: Request) -> Response:
    """`data_fetcher.get_http_response`, returning a 4xx answer instead of raising it (tests assert on it)."""
    try:
        return data_fetcher.get_http_response(request)
    except HTTPError as error:
        if error.response is None:
            raise
        return error.response


@pytest.fixture
def graphql(infrastructure: dict):
    """`graphql(query, variables=None, auth="key"|"iam"|"none") -> (status, body)`."""

    def send(query: str, variables: dict[str, Any] | None = None, auth: str = "key") -> tuple[int, dict]:
        url = infrastructure["GraphQLUrl"]
        headers = {"content-type": "application/json"}
        if auth == "key":
            headers["x-api-key"] = infrastructure["ApiKey"]
        body = json.dumps({"query": query, "variables": variables or {}})
        signer = build_iam_auth(url=url, aws_service="appsync") if auth == "iam" else None
        response = _any_status(Request(method="POST", url=url, data=body, headers=headers, auth=signer))
        return response.status_code, response.json()

    return send
