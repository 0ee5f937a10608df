"""AppSyncComponent: the served GraphQL APIs by id, each answered by its own door at its AWS host."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fogbank.cloud.appsync.component import AppSyncComponent, appsync_domain
from fogbank.cloud.appsync.model import ApiKeyModel, GraphqlApiModel
from fogbank.cloud.appsync.schema import build_appsync_schema
from fogbank.cloud.frontdoors.http import HttpRequest
from fogbank.cloud.site import CloudSite


class _NotHere:
    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"{name} was called: no resolver runs and the edge is not started in this test")


def _query(component: AppSyncComponent, host: str) -> tuple[int, Any]:
    request = HttpRequest("POST", "/graphql", "", [("Host", host), ("x-api-key", "k")], b'{"query": "{ a }"}')
    response = component.handle(request)
    return response.status, json.loads(response.body)


def test_a_put_api_is_served_at_its_host_until_removed(tmp_path: Path) -> None:
    # GIVEN a component with one API (schema, key; no resolver, so the field is null)
    component = AppSyncComponent(
        CloudSite("http://127.0.0.1:9", tmp_path), lambda_=_NotHere(), edge=_NotHere()
    )
    api = GraphqlApiModel("abc", "demo", "us-east-1", "123456789012", ("API_KEY",))
    api.schema = build_appsync_schema("type Query { a: String }")
    api.api_keys["k"] = ApiKeyModel("k", 4_000_000_000)
    component.put_api(api)
    host = f"abc.{appsync_domain('us-east-1')}"

    # WHEN its host is queried THEN its door answers; another API id is AppSync's 404
    assert component.api("abc") is api
    assert _query(component, host) == (200, {"data": {"a": None}})
    status, body = _query(component, f"nope.{appsync_domain('us-east-1')}")
    assert status == 404 and body["errors"][0]["errorType"] == "NotFoundException"

    # WHEN it is removed (twice: deletes are idempotent) THEN it is no longer served
    component.remove_api("abc")
    component.remove_api("abc")
    assert component.api("abc") is None and _query(component, host)[0] == 404
    component.stop()  # never started: nothing to undo on the edge
