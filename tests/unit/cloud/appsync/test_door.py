"""The GraphQL endpoint's HTTP handling: path, method, body shape, then auth and execution."""

import json

from fogbank.cloud.appsync.door import GraphqlDoor
from fogbank.cloud.appsync.model import ApiKeyModel, GraphqlApiModel
from fogbank.cloud.appsync.schema import build_appsync_schema
from fogbank.cloud.frontdoors.http import HttpRequest


class NoLambda:
    def invoke(self, function: str, payload: bytes):
        raise AssertionError("no resolver should run")


def _door() -> GraphqlDoor:
    api = GraphqlApiModel("abc", "demo", "us-east-1", "123456789012", ("API_KEY",))
    api.schema = build_appsync_schema("type Query { a: String }")
    api.api_keys["k"] = ApiKeyModel("k", 4_000_000_000)
    return GraphqlDoor(api, NoLambda())


def _send(
    method: str = "POST", path: str = "/graphql", body: bytes = b'{"query": "{ a }"}'
) -> tuple[int, dict]:
    response = _door().handle(HttpRequest(method, path, "", [("x-api-key", "k")], body))
    return response.status, json.loads(response.body)


def test_query_without_resolver_is_null():
    # GIVEN a field with no resolver / WHEN it is queried / THEN it is null, as on AppSync
    assert _send() == (200, {"data": {"a": None}})


def test_malformed_requests():
    # GIVEN requests with a wrong path, a wrong method, broken JSON and no query
    # WHEN they are sent / THEN each gets its status and AppSync's error shape
    assert _send(path="/other")[0] == 404
    assert _send(method="GET")[0] == 405
    status, body = _send(body=b"{nope")
    assert (status, body["errors"][0]["errorType"]) == (400, "MalformedHttpRequestException")
    assert _send(body=b'{"variables": {}}')[0] == 400
