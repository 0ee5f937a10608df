"""The HTTP endpoint of one GraphQL API: `POST https://<api id>.appsync-api.<region>.amazonaws.com/graphql`.

Example (no resolvers, so nothing is invoked: `hello` takes the root's property, null):
    >>> import time
    >>> from fogbank.cloud.appsync.model import ApiKeyModel
    >>> from fogbank.cloud.appsync.schema import build_appsync_schema
    >>> api = GraphqlApiModel("abc", "demo", "us-east-1", "123456789012", auth_modes=("API_KEY",))
    >>> api.schema = build_appsync_schema("type Query { hello: String }")
    >>> api.api_keys["da2-key"] = ApiKeyModel("da2-key", expires=int(time.time()) + 3600)
    >>> door = GraphqlDoor(api, invoker=None)
    >>> body = b'{"query": "{ hello }"}'
    >>> door.handle(HttpRequest("POST", "/graphql", "", [("x-api-key", "da2-key")], body)).body
    b'{"data":{"hello":null}}'
    >>> door.handle(HttpRequest("POST", "/graphql", "", [], body)).status  # no API key
    401
"""

from __future__ import annotations

import json
from typing import Any

from fogbank.cloud.appsync.auth import authorize
from fogbank.cloud.appsync.errors import rejection
from fogbank.cloud.appsync.events import RequestContext
from fogbank.cloud.appsync.execution import GraphqlExecutor, GraphqlRequest, ResolverInvoker
from fogbank.cloud.appsync.model import GraphqlApiModel
from fogbank.cloud.frontdoors.http import HttpRequest, HttpResponse

__all__ = ["GraphqlDoor"]


class GraphqlDoor:
    """Authorizes, parses and executes requests for one API."""

    def __init__(self, api: GraphqlApiModel, invoker: ResolverInvoker) -> None:
        self.api = api
        self._executor = GraphqlExecutor(api, invoker)

    def handle(self, request: HttpRequest) -> HttpResponse:
        if request.raw_path != "/graphql":
            return rejection(
                404, "NotFoundException", f"No such path {request.raw_path}; GraphQL is served at /graphql"
            )
        if request.method != "POST":
            return rejection(405, "MethodNotAllowedException", f"{request.method} is not allowed; use POST")
        decision = authorize(self.api, request)
        if decision.rejection is not None:
            return decision.rejection
        assert decision.mode is not None
        parsed = _graphql_request(request.body)
        if isinstance(parsed, HttpResponse):
            return parsed
        headers = {name.lower(): value for name, value in request.headers}
        context = RequestContext(decision.identity, headers, None)
        return HttpResponse.json(self._executor.execute(parsed, decision.mode, context), 200)


def _graphql_request(body: bytes) -> GraphqlRequest | HttpResponse:
    try:
        document: Any = json.loads(body or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return rejection(400, "MalformedHttpRequestException", f"Unable to parse the JSON document: {exc}")
    if not isinstance(document, dict) or not isinstance(document.get("query"), str):
        return rejection(
            400,
            "MalformedHttpRequestException",
            "The request body must be a JSON object with a 'query' string",
        )
    variables = document.get("variables")
    if variables is not None and not isinstance(variables, dict):
        return rejection(400, "MalformedHttpRequestException", "'variables' must be a JSON object")
    operation = document.get("operationName")
    return GraphqlRequest(document["query"], variables, operation if isinstance(operation, str) else None)
