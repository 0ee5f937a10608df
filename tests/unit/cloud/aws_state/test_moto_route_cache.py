"""moto's REST routing finds the same operation and URI parameters with its rule matches remembered."""

from __future__ import annotations

import hashlib
import inspect
from typing import Any

import pytest
from moto.core.request import Request
from moto.core.routing import RestRouter, get_service_router
from werkzeug.exceptions import NotFound
from werkzeug.test import EnvironBuilder

from fogbank.cloud.aws_state import moto_route_cache
from fogbank.cloud.aws_state.moto_dispatch import MotoDispatch

# sha256 of the source of `stood_in_for()` in moto 5.2.5: a moto upgrade that changes it fails here first, and
# then match must be checked against the new code (and this digest renewed).
STOOD_IN_FOR_SHA256 = "1c6d74b8ec19ce2e060882f909328721180019eebfd9c5891659adc32b0a3cbc"
LAMBDA = "/2015-03-31/functions"
REQUESTS = [  # (service, method, path, query, host, headers); the same path with several operations follows
    ("lambda", "GET", f"{LAMBDA}/fn/configuration", "", "127.0.0.1:4566", {}),
    ("lambda", "GET", f"{LAMBDA}/fn/configuration", "Qualifier=2", "127.0.0.1:4566", {}),
    ("lambda", "GET", f"{LAMBDA}/", "", "127.0.0.1:4566", {}),
    ("lambda", "GET", f"{LAMBDA}", "", "127.0.0.1:4566", {}),
    ("lambda", "POST", f"{LAMBDA}/arn%3Aaws%3Alambda%3Aus-east-1%3A1%3Afunction%3Afn/invocations", "", "h", {}),
    ("s3", "HEAD", "/bucket", "", "127.0.0.1:4566", {}),
    ("s3", "GET", "/bucket", "", "127.0.0.1:4566", {}),
    ("s3", "GET", "/bucket", "list-type=2", "127.0.0.1:4566", {}),
    ("s3", "GET", "/bucket", "versions", "127.0.0.1:4566", {}),
    ("s3", "GET", "/bucket/folder/", "", "127.0.0.1:4566", {}),
    ("s3", "GET", "/bucket/a%2Fb/c", "", "127.0.0.1:4566", {}),
    ("s3", "PUT", "/bucket/k", "", "127.0.0.1:4566", {"x-amz-copy-source": "other/k"}),
    ("s3", "PUT", "/bucket/k", "", "127.0.0.1:4566", {}),
    ("s3", "GET", "/k", "", "bucket.s3.localhost.localstack.cloud:4566", {}),
    ("s3", "GET", "//double", "", "127.0.0.1:4566", {}),
    ("lambda", "GET", "/nothing/here", "", "127.0.0.1:4566", {}),
    ("lambda", "PATCH", f"{LAMBDA}", "", "127.0.0.1:4566", {}),
]  # fmt: skip


def _request(method: str, path: str, query: str, host: str, headers: dict[str, str]) -> Request:
    environ = EnvironBuilder(
        method=method, path=path, query_string=query, base_url=f"http://{host}", headers=headers
    ).get_environ()
    environ["RAW_URI"] = path + (f"?{query}" if query else "")
    return Request(environ)


def _route(service: str, request: Request) -> tuple[Any, ...]:
    try:
        operation, params = get_service_router(service).match(request)
    except NotFound as exc:
        return ("NotFound", type(exc.__cause__).__name__)
    return operation.name, params


def test_the_moto_code_stood_in_for_is_the_pinned_one() -> None:
    # GIVEN the moto code match stands in for
    sources = "".join(inspect.getsource(code) for code in moto_route_cache.stood_in_for())
    # THEN it is exactly the code match was written against
    assert hashlib.sha256(sources.encode()).hexdigest() == STOOD_IN_FOR_SHA256


def test_installed_by_moto_dispatch() -> None:
    MotoDispatch()
    assert RestRouter._match is moto_route_cache.match


def test_every_request_routes_as_moto_routes_it(monkeypatch: pytest.MonkeyPatch) -> None:
    original = moto_route_cache.stood_in_for()[0]
    # GIVEN every request routed by moto's own matching
    monkeypatch.setattr(RestRouter, "_match", original)
    theirs = [_route(service, _request(*shape)) for service, *shape in REQUESTS]
    # WHEN each is routed twice with matches remembered (the second time from what was remembered)
    monkeypatch.setattr(RestRouter, "_match", moto_route_cache.match)
    ours = [[_route(service, _request(*shape)) for service, *shape in REQUESTS] for _ in range(2)]
    # THEN the operations (picked by query string and headers on the same path) and parameters are moto's
    assert ours[0] == theirs
    assert ours[1] == theirs
    assert {"ListObjects", "ListObjectsV2", "ListObjectVersions", "CopyObject", "PutObject", "NotFound"} <= {
        route[0] for route in theirs
    }


def test_a_caller_changing_the_parameters_does_not_change_the_next_answer() -> None:
    # GIVEN a remembered match whose parameters the caller changes (moto adds host labels to them)
    moto_route_cache.install()
    request = _request("GET", f"{LAMBDA}/fn/configuration", "", "127.0.0.1:4566", {})
    _, params = get_service_router("lambda").match(request)
    params["FunctionName"] = "changed"
    # WHEN the same path is routed again
    _, again = get_service_router("lambda").match(request)
    # THEN its parameters are the path's own
    assert again == {"FunctionName": "fn"}
