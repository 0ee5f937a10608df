"""FrontDoorsComponent's commands: providers read snapshots and change served models only under its lock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fogbank.cloud.frontdoors.component import FrontDoorsComponent
from fogbank.cloud.frontdoors.doors.http_api import HttpApiModel, HttpRoute
from fogbank.cloud.frontdoors.doors.rest_api import RestApiModel
from fogbank.cloud.router import AwsRouter
from fogbank.cloud.site import CloudSite


class _NoLambda:
    """No function is invoked in these tests (no request reaches a door)."""

    def invoke(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("no invocation expected")


def _doors(tmp_path: Path) -> FrontDoorsComponent:
    site = CloudSite("http://127.0.0.1:9", tmp_path)
    return FrontDoorsComponent(site, AwsRouter(lambda environ, start_response: []), lambda_=_NoLambda())


def test_a_snapshot_is_a_copy_and_a_change_swaps_in_a_new_model(tmp_path: Path) -> None:
    # GIVEN a served REST API
    doors = _doors(tmp_path)
    doors.put_rest_api(RestApiModel("abc", "us-east-1", "123456789012", stages={"prod": {}}))
    served_before = doors._rest["abc"].model

    # WHEN a provider changes its snapshot
    snapshot = doors.rest_api("abc")
    assert snapshot is not None
    snapshot.stages["dev"] = {}
    # THEN the served model is untouched
    assert doors.rest_api("abc") is not None and "dev" not in doors._rest["abc"].model.stages

    # WHEN it changes the API through the command
    changed = doors.change_rest_api("abc", lambda model: model.stages.__setitem__("dev", {"v": "1"}))
    # THEN a new model is served and the one requests were reading was never changed in place
    assert changed and doors._rest["abc"].model.stages == {"prod": {}, "dev": {"v": "1"}}
    assert doors._rest["abc"].model is not served_before and served_before.stages == {"prod": {}}


def test_changing_an_api_that_is_not_served_answers_false(tmp_path: Path) -> None:
    # GIVEN no APIs; WHEN a change is asked for an unknown id; THEN nothing runs and the answer is False
    doors = _doors(tmp_path)
    calls: list[object] = []
    assert doors.change_http_api("nope", calls.append) is False
    assert doors.change_rest_api("nope", calls.append) is False
    assert doors.change_alb_listener("nope", calls.append) is False
    assert calls == []


def test_http_api_routes_change_through_the_command(tmp_path: Path) -> None:
    # GIVEN a served HTTP API with one route
    doors = _doors(tmp_path)
    route = HttpRoute("GET /a", "arn:aws:lambda:us-east-1:1:function:f", route_id="r1")
    doors.put_http_api(HttpApiModel("h1", "us-east-1", "1", routes=[route]))
    # WHEN a route is added through the command
    doors.change_http_api("h1", lambda model: model.routes.append(HttpRoute("GET /b", None, route_id="r2")))
    # THEN the snapshot shows both, in order
    snapshot = doors.http_api("h1")
    assert snapshot is not None and [r.route_id for r in snapshot.routes] == ["r1", "r2"]
