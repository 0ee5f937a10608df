"""Which API operation a request is, and its parameters, from botocore's service models.

JSON and query protocols name the operation (`X-Amz-Target`, `Action=`). REST protocols (S3, Lambda,
API Gateway, X-Ray, ...) are matched on method, path and query against each operation's `requestUri`,
the way AWS's front ends route them; the URI's labels and the query string become parameters.

Example:
    >>> from fogbank.cloud.router import AwsRequest
    >>> req = AwsRequest.build("GET", "/my-bucket", {}, b"", query={"list-type": ["2"]}, service="s3")
    >>> call = identify_operation(req)
    >>> call.name, call.params["Bucket"]
    ('ListObjectsV2', 'my-bucket')
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import botocore.session

from fogbank.cloud.router import AwsRequest

__all__ = ["OperationCall", "identify_operation", "preload_routes", "rest_models_for"]

# SigV4 signing names whose botocore models are REST protocols (rest-json, rest-xml).
_REST_MODELS: dict[str, tuple[str, ...]] = {
    "s3": ("s3",),
    "lambda": ("lambda",),
    "apigateway": ("apigateway", "apigatewayv2"),
    "xray": ("xray",),
    "appconfig": ("appconfig", "appconfigdata"),
    "appsync": ("appsync",),
    "execute-api": ("apigatewaymanagementapi",),
    "scheduler": ("scheduler",),
    "elasticfilesystem": ("efs",),
}


@dataclass(frozen=True)
class OperationCall:
    """An identified operation: its name (`PutItem`) and its top-level input parameters."""

    name: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Route:
    name: str
    method: str
    pattern: re.Pattern[str]
    labels: tuple[str, ...]  # member names, in group order
    required_query: tuple[tuple[str, str | None], ...]
    query_members: Mapping[str, str]  # querystring locationName -> member name
    required_headers: tuple[
        str, ...
    ]  # lower-cased names of required header members (CopyObject's copy source)
    specificity: tuple[int, int]


@cache
def _session() -> Any:
    return botocore.session.get_session()


def _route(name: str, operation: Any) -> _Route:
    http = operation.http
    uri: str = http["requestUri"]
    path, _, query = uri.partition("?")
    members = operation.input_shape.members if operation.input_shape is not None else {}
    by_location: dict[str, str] = {}
    query_members: dict[str, str] = {}
    required_members = (
        set(operation.input_shape.required_members) if operation.input_shape is not None else set()
    )
    required_headers: list[str] = []
    for member_name, shape in members.items():
        location = shape.serialization.get("location")
        location_name = shape.serialization.get("name", member_name)
        if location == "uri":
            by_location[location_name] = member_name
        elif location == "querystring":
            query_members[location_name] = member_name
        elif location == "header" and member_name in required_members:
            required_headers.append(location_name.lower())
    labels: list[str] = []
    regex: list[str] = []
    literal = 0
    for piece in re.split(r"(\{[^}]+\})", path):
        if piece.startswith("{") and piece.endswith("}"):
            label = piece[1:-1]
            greedy = label.endswith("+")
            label = label.rstrip("+")
            labels.append(by_location.get(label, label))
            regex.append(f"(?P<g{len(labels) - 1}>{'.+' if greedy else '[^/]+'})")
        else:
            literal += len(piece)
            regex.append(re.escape(piece))
    pattern = "".join(regex).rstrip("/") + "/?"
    required: list[tuple[str, str | None]] = []
    for part in query.split("&"):
        if not part:
            continue
        key, has_value, value = part.partition("=")
        if key != "x-id":
            required.append((key, value if has_value else None))
    return _Route(
        name,
        http["method"],
        re.compile(pattern),
        tuple(labels),
        tuple(required),
        query_members,
        tuple(required_headers),
        (len(required) + len(required_headers), literal),
    )


@cache
def _routes(model_name: str) -> tuple[_Route, ...]:
    model = _session().get_service_model(model_name)
    routes = [_route(name, model.operation_model(name)) for name in model.operation_names]
    return tuple(sorted(routes, key=lambda route: route.specificity, reverse=True))


@cache
def _routes_by_method(model_name: str) -> dict[str, tuple[_Route, ...]]:
    """`_routes(model_name)` grouped by HTTP method, each group still most specific first."""
    grouped: dict[str, list[_Route]] = {}
    for route in _routes(model_name):
        grouped.setdefault(route.method, []).append(route)
    return {method: tuple(routes) for method, routes in grouped.items()}


def preload_routes(signing_name: str) -> None:
    """Compile the REST routes of the models serving `signing_name` now (the cloud's warm-up), not on its
    first request."""
    for model_name in rest_models_for(signing_name):
        _routes_by_method(model_name)


def rest_models_for(signing_name: str) -> tuple[str, ...]:
    """botocore model names whose REST routes serve requests signed for `signing_name`."""
    return _REST_MODELS.get(signing_name, ())


def _match_rest(request: AwsRequest) -> OperationCall | None:
    for model_name in rest_models_for(request.service):
        for route in _routes_by_method(model_name).get(request.method, ()):
            if route.required_query and any(
                key not in request.query or (value is not None and request.query[key][:1] != [value])
                for key, value in route.required_query
            ):
                continue
            if route.required_headers and any(
                request.header(name) is None for name in route.required_headers
            ):
                continue
            match = route.pattern.fullmatch(request.path)
            if match is None:
                continue
            params: dict[str, Any] = {
                label: match.group(f"g{index}") for index, label in enumerate(route.labels)
            }
            for location_name, member in route.query_members.items():
                values = request.query.get(location_name)
                if values:
                    params[member] = values[0]
            body = _json_body(request)
            for key, value in body.items():
                params.setdefault(key, value)
            return OperationCall(route.name, params)
    return None


def _json_body(request: AwsRequest) -> dict[str, Any]:
    content_type = request.header("content-type") or ""
    if "json" not in content_type or not request.body:
        return {}
    try:
        loaded = json.loads(request.body)
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def identify_operation(request: AwsRequest) -> OperationCall | None:
    """The operation `request` calls, with its parameters; None when it cannot be told."""
    if rest_models_for(request.service):
        return _match_rest(request)
    if request.target:
        return OperationCall(request.target.rsplit(".", 1)[-1], _json_body_any(request))
    form = request.form()
    if "Action" in form:
        return OperationCall(form["Action"], form)
    values = request.query.get("Action")
    if values:
        return OperationCall(values[0], {key: items[0] for key, items in request.query.items() if items})
    return None


def _json_body_any(request: AwsRequest) -> dict[str, Any]:
    if not request.body:
        return {}
    try:
        loaded = json.loads(request.body)
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}
