"""An API Gateway HTTP API: routes (`GET /items/{id}`, `ANY /{proxy+}`, `$default`), stages, AWS_IAM.

An unmatched route gets `404 {"message":"Not Found"}`; a missing signature `403 {"message":"Forbidden"}`;
a function that fails, may not be invoked, or answers badly `500 {"message":"Internal Server Error"}`.

Example:
    >>> route = HttpRoute("GET /items/{id}", function_arn="arn:aws:lambda:us-east-1:1:function:f")
    >>> api = HttpApiModel("abc", "us-east-1", "1", routes=[route], stages={"$default": {}})
    >>> api.resolve("GET", "/items/7")[1]
    {'id': '7'}
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from fogbank.cloud.frontdoors.doors.paths import match_template, specificity
from fogbank.cloud.frontdoors.doors.rest_api import APIGATEWAY_PRINCIPAL, rejection_response
from fogbank.cloud.frontdoors.events.apigw_v1 import V1Target, build_v1_event, v1_response
from fogbank.cloud.frontdoors.events.apigw_v2 import V2Target, build_v2_event, v2_response
from fogbank.cloud.frontdoors.events.common import InvalidIntegrationResponse, RequestStamp
from fogbank.cloud.frontdoors.http import HttpRequest, HttpResponse
from fogbank.cloud.frontdoors.invoker import InvocationFailed, Invoker
from fogbank.cloud.frontdoors.sigv4 import SignatureRejected, verify_sigv4

__all__ = ["HttpApiDoor", "HttpApiModel", "HttpRoute"]


@dataclass(frozen=True)
class HttpRoute:
    """One route; `route_id` is the RouteId (the provider's physical id) that a delete removes it by."""

    route_key: str
    function_arn: str | None = None
    payload_version: str = "2.0"
    authorization: str = "NONE"  # NONE | AWS_IAM
    route_id: str = ""

    @property
    def method(self) -> str:
        return self.route_key.split(" ", 1)[0] if self.route_key != "$default" else "ANY"

    @property
    def path(self) -> str | None:
        return self.route_key.split(" ", 1)[1] if " " in self.route_key else None


@dataclass
class HttpApiModel:
    api_id: str
    region: str
    account_id: str
    routes: list[HttpRoute] = field(default_factory=list)
    stages: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def domain_name(self) -> str:
        return f"{self.api_id}.execute-api.{self.region}.amazonaws.com"

    def resolve(self, method: str, path: str) -> tuple[HttpRoute, dict[str, str]] | None:
        candidates = [route for route in self.routes if route.path is not None]
        for route in sorted(candidates, key=lambda r: (specificity(r.path or ""), r.method == "ANY")):
            if route.method not in (method, "ANY"):
                continue
            if _trailing_slash(path) and not (route.path or "").endswith("+}"):
                continue  # HTTP APIs, unlike REST APIs, do not match "/todos/" to the route "/todos"
            params = match_template(route.path or "", path)
            if params is not None:
                return route, params
        default = next((route for route in self.routes if route.route_key == "$default"), None)
        return (default, {}) if default else None


def _trailing_slash(path: str) -> bool:
    return len(path) > 1 and path.endswith("/")


class HttpApiDoor:
    """Serve an HTTP API at `https://<api id>.execute-api.<region>.amazonaws.com/[<stage>/]...`."""

    def __init__(self, model: HttpApiModel, invoke: Invoker) -> None:
        self.model = model
        self._invoke = invoke

    def handle(self, request: HttpRequest) -> HttpResponse:
        model = self.model
        first, _, rest = request.raw_path.lstrip("/").partition("/")
        if first in model.stages and first != "$default":
            stage, path = first, "/" + rest
        elif "$default" in model.stages:
            stage, path = "$default", request.raw_path or "/"
        else:
            return HttpResponse.json({"message": "Not Found"}, 404)
        resolved = model.resolve(request.method, path)
        if resolved is None:
            return HttpResponse.json({"message": "Not Found"}, 404)
        route, params = resolved
        caller = None
        if route.authorization == "AWS_IAM":
            try:
                caller = verify_sigv4(
                    request, service="execute-api", region=model.region, account_id=model.account_id
                )
            except SignatureRejected as rejected:
                return rejection_response(rejected, http_api=True)
        if route.function_arn is None:
            return _internal_error()
        stamp = RequestStamp.now()
        v2 = V2Target(
            model.api_id,
            stage,
            route.route_key,
            model.account_id,
            model.domain_name,
            params,
            model.stages[stage],
            caller,
        )
        v1 = V1Target(
            model.api_id,
            stage,
            route.path or "/{proxy+}",
            params,
            model.account_id,
            model.domain_name,
            stage_variables=model.stages[stage],
            caller=caller,
            http_api=True,
            route_key=route.route_key,
        )
        if route.payload_version == "1.0":
            event = build_v1_event(request, v1, stamp=stamp)
        else:
            event = build_v2_event(request, v2, stamp=stamp)
        arn_path = route.path or ""
        source_arn = f"arn:aws:execute-api:{model.region}:{model.account_id}:{model.api_id}/{stage}/{request.method}{arn_path}"
        try:
            payload = self._invoke(
                route.function_arn,
                json.dumps(event).encode(),
                principal=APIGATEWAY_PRINCIPAL,
                source_arn=source_arn,
                trace_header=stamp.trace_id,
            )
            if route.payload_version == "1.0":
                return v1_response(payload, request, v1)
            return v2_response(payload)
        except (InvocationFailed, InvalidIntegrationResponse):
            return _internal_error()


def _internal_error() -> HttpResponse:
    return HttpResponse.json({"message": "Internal Server Error"}, 500)
