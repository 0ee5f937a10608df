"""Dispatch a request straight to the moto backend handler of its service, as moto's server would.

moto's server application (`DomainDispatcherApplication`) finds the backend of every request by listing moto's
package folder (about 180 `stat` calls) and trying each backend's host pattern, then runs a Flask app per
backend. That costs more than the work of most requests. `MotoDispatch` keeps moto's own rules for which
backend serves a request and what its handler answers, but remembers the backend per host and the rule per
(path, method), matches the backend's URL rules once compiled, and calls the handler the way moto's Flask
view does, with moto's own request class; its answer keeps the headers moto's Flask app adds
(`Access-Control-Allow-Origin: *`, flask's default content type), shaped by `moto_response.wire_answer`.

Requests whose answer Flask itself shapes (CORS preflight: OPTIONS or an Origin header; moto's own API under
`/moto-api`, instance metadata) go through moto's full application, unchanged.

Example (a request in-process through werkzeug's test client; the SigV4 scope names the service):
    >>> from werkzeug.test import Client
    >>> signature = "AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-north-1/sqs/aws4_request"
    >>> form = {"Action": "CreateQueue", "QueueName": "jobs"}
    >>> response = Client(MotoDispatch()).post("/", data=form, headers={"Authorization": signature})
    >>> response.status_code, b"<QueueUrl>http://localhost/123456789012/jobs" in response.get_data()
    (200, True)
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable
from typing import Any

from fogbank.cloud.aws_state import (
    moto_backends,
    moto_random_strings,
    moto_route_cache,
    moto_serializer_cache,
    moto_xml_writer,
)
from fogbank.cloud.aws_state.moto_request import handler_headers, server_request
from fogbank.cloud.aws_state.moto_response import CORS_HEADER, moto_flask_response, wire_answer

__all__ = ["MotoDispatch", "backend_routes", "install_moto_speedups"]

_FLASK_ONLY_PREFIXES = ("/moto-api", "/favicon.ico", "/latest/meta-data/", "/latest/api/")
_MATCHES_KEPT = 4096  # remembered (path, method) matches per backend; forgotten all at once past that
_installed = False
_routes_lock = threading.Lock()
_routes: dict[str, _Routes] = {}


def install_moto_speedups() -> None:
    """Cache what moto recomputes on every request although it depends only on code (idempotent).

    - `method_names_from_class(cls)`: `inspect.getmembers` over a response class, once per class.
    - `camelcase_to_underscores(action)`: a pure function of the action name, once per name.
    - the attribute names moto's response serializer tries per shape member (`moto_serializer_cache`).
    """
    global _installed
    if _installed:
        return
    import moto.core.responses as responses
    from moto.core.utils import camelcase_to_underscores, method_names_from_class

    responses.method_names_from_class = functools.cache(method_names_from_class)  # type: ignore[attr-defined]
    responses.camelcase_to_underscores = functools.lru_cache(maxsize=4096)(camelcase_to_underscores)  # type: ignore[attr-defined]
    moto_serializer_cache.install()
    moto_route_cache.install()
    moto_backends.install()
    moto_random_strings.install()
    moto_xml_writer.install()
    _installed = True


class _Routes:
    """One backend's URL rules compiled once (the rules moto's Flask app would add), and their handlers."""

    def __init__(self, backend_name: str) -> None:
        from moto import backends
        from moto.core.base_backend import BackendDict
        from moto.core.models import DEFAULT_ACCOUNT_ID
        from moto.moto_server.utilities import RegexConverter
        from moto.moto_server.werkzeug_app import HTTP_METHODS
        from werkzeug.routing import Map, Rule

        backend_dict = backends.get_backend(backend_name)  # type: ignore[call-overload]
        if isinstance(backend_dict, BackendDict):
            regions = backend_dict[DEFAULT_ACCOUNT_ID]
            backend = regions["us-east-1"] if "us-east-1" in regions else regions["aws"]
        else:
            backend = backend_dict["global"]
        self.map = Map(converters={"regex": RegexConverter})
        self.handlers: dict[str, Callable[..., Any]] = {}
        for index, (url_path, handler) in enumerate(backend.flask_paths.items()):
            if not url_path:  # moto's Flask app skips these too
                continue
            endpoint = f"rule{index}"
            self.handlers[endpoint] = handler
            self.map.add(Rule(url_path, endpoint=endpoint, methods=HTTP_METHODS, strict_slashes=False))
        self._matched: dict[tuple[str, str], str] = {}

    def endpoint(self, path_info: str, method: str, environ: dict[str, Any]) -> str:
        """The endpoint of the rule `path_info` matches (werkzeug's routing exceptions propagate). Matching
        depends on the path and method only (no host or subdomain rules), so matches are remembered."""
        key = (path_info, method)
        found = self._matched.get(key)
        if found is None:
            adapter = self.map.bind(
                environ.get("HTTP_HOST", "localhost"),
                path_info=path_info.encode("latin-1").decode(errors="replace"),
                default_method=method,
                query_args=environ.get("QUERY_STRING", ""),
            )
            found, _ = adapter.match()
            if len(self._matched) >= _MATCHES_KEPT:
                self._matched.clear()
            self._matched[key] = found
        return found


def backend_routes(backend_name: str) -> _Routes:
    """A moto backend's URL rules, compiled once per process (they depend on moto's code only).

    The local cloud's warm-up calls it for each service, so that a first request does not compile them.
    """
    routes = _routes.get(backend_name)
    if routes is None:
        with _routes_lock:
            routes = _routes.get(backend_name)
            if routes is None:
                routes = _routes[backend_name] = _Routes(backend_name)
    return routes


class MotoDispatch:
    """A WSGI application answering as moto's server does, without its per-request lookups."""

    def __init__(self) -> None:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

        install_moto_speedups()
        self._moto = DomainDispatcherApplication(create_backend_app)
        self._backend_by_host: dict[str, str] = {}
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if (
            environ["REQUEST_METHOD"] == "OPTIONS"
            or "HTTP_ORIGIN" in environ
            or path.startswith(_FLASK_ONLY_PREFIXES)
        ):
            answer: Iterable[bytes] = self._moto(environ, start_response)
            return answer
        routes = self._routes_for(environ, path)
        return self._answer(routes, environ, start_response)

    # -- which backend ------------------------------------------------------------------------------------
    def _routes_for(self, environ: dict[str, Any], path: str) -> _Routes:
        from moto.moto_server.werkzeug_app import DEFAULT_SERVICE_REGION

        host = self._moto.infer_service_region_host(environ, path)
        if host is None:
            service, region = DEFAULT_SERVICE_REGION
            host = f"{service}.{region}.amazonaws.com"
        backend = self._backend_by_host.get(host)
        if backend is None:
            with self._lock:  # moto's own lookup, once per host
                backend = self._moto.get_backend_for_host(host)
                self._backend_by_host[host] = backend
        return backend_routes(backend)

    # -- what moto's Flask view would answer --------------------------------------------------------------
    @staticmethod
    def _answer(
        routes: _Routes, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        from botocore.exceptions import ClientError
        from moto.moto_api import recorder
        from werkzeug.exceptions import HTTPException

        method = environ["REQUEST_METHOD"]
        try:
            endpoint = routes.endpoint(environ.get("PATH_INFO", ""), method, environ)
            request = server_request(environ)
            recorder._record_request(request)
            try:
                result = routes.handlers[endpoint](request, request.raw_url, handler_headers(request))
            except ClientError as exc:
                result = 400, {}, exc.response["Error"]["Message"]
            status, headers, content = result if len(result) == 3 else (200, {}, result)
        except HTTPException as exc:  # Flask answers these with the exception's own response
            response = exc.get_response(environ)
            if CORS_HEADER not in response.headers:
                response.headers[CORS_HEADER] = "*"
            answer: Iterable[bytes] = response(environ, start_response)
            return answer
        wire = wire_answer(method, status, headers, content)
        if wire is None:
            answer = moto_flask_response(method, status, headers, content)(environ, start_response)
            return answer
        status_line, header_list, body = wire
        start_response(status_line, header_list)
        return [body]
