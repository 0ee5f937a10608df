"""moto's request as its server hands it to a handler, built for less than moto's own Flask view spends on it.

moto's view builds its normalized request (a werkzeug request marked `from_wsgi_server`) inside a Flask app,
then passes the handler `request.raw_url` and `dict(request.headers)`. `server_request` builds the same
request without Flask's request wrapper (outside a Flask app, that wrapper only looks the app up on every
property, finds none, and uses werkzeug's defaults); its `url_root` (scheme, host and root path, the start of
`raw_url`) is computed by werkzeug once per distinct host rather than once per request, and its `raw_path`
(which moto reads three times per request) once per request. `handler_headers` is `dict(request.headers)` in
one pass over the environ, each environ key's header name spelled once per process.

Example:
    >>> from werkzeug.test import EnvironBuilder
    >>> environ = EnvironBuilder(path="/a%2Fb", query_string="x=1", headers={"X-Amz-Target": "T"}).get_environ()
    >>> request = server_request(environ)
    >>> request.raw_url, handler_headers(request)
    ('http://localhost/a%2Fb?x=1', {'Host': 'localhost', 'X-Amz-Target': 'T'})
"""

from __future__ import annotations

import functools
from typing import Any

__all__ = ["handler_headers", "server_request"]

_URL_ROOTS_KEPT = (
    1024  # distinct (scheme, host, server, root path) roots remembered; forgotten at once past that
)
_url_roots: dict[tuple[Any, ...], str] = {}
_header_names: dict[str, str] = {}  # environ key -> werkzeug's header name (a pure function of the key)
_HEADER_NAMES_KEPT = 4096


def server_request(environ: dict[str, Any]) -> Any:
    """moto's normalized request (`moto.core.request.Request`, `from_wsgi_server`) over `environ`."""
    return _request_class()(environ)


def handler_headers(request: Any) -> dict[str, str]:
    """`dict(request.headers)` as moto's view passes it: werkzeug's environ header names, with the original
    spelling of preserved (underscored `x-amz-meta-*`) names."""
    from moto.core.request import PRESERVED_HEADER_NAMES_ENVIRON_KEY, environ_key_for_header

    environ = request.environ
    preserved: dict[str, str] = environ.get(PRESERVED_HEADER_NAMES_ENVIRON_KEY) or {}
    headers: dict[str, str] = {}
    names = _header_names
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            if key == "HTTP_CONTENT_TYPE" or key == "HTTP_CONTENT_LENGTH":
                continue
        elif not ((key == "CONTENT_TYPE" or key == "CONTENT_LENGTH") and value):
            continue
        name = names.get(key)
        if name is None:
            name = (key[5:] if key.startswith("HTTP_") else key).replace("_", "-").title()
            if len(names) >= _HEADER_NAMES_KEPT:
                names.clear()
            names[key] = name
        if preserved:
            name = preserved.get(environ_key_for_header(name), name)
        headers[name] = value
    return headers


@functools.cache
def _request_class() -> type[Any]:
    from moto.core.request import Request
    from werkzeug.exceptions import BadRequest

    class ServerRequest(Request):
        from_wsgi_server = True

        @property
        def url_root(self) -> str:
            """werkzeug's `url_root`: a function of these environ values only (no trusted hosts are set)."""
            environ = self.environ
            key = (
                environ.get("wsgi.url_scheme"),
                environ.get("HTTP_HOST"),
                environ.get("SERVER_NAME"),
                environ.get("SERVER_PORT"),
                environ.get("SCRIPT_NAME"),
            )
            found = _url_roots.get(key)
            if found is None:
                found = str(super().url_root)
                if len(_url_roots) >= _URL_ROOTS_KEPT:
                    _url_roots.clear()
                _url_roots[key] = found
            return found

        @property
        def raw_path(self) -> str:
            """moto's `raw_path` (a function of the environ's RAW_URI and the path), worked out once."""
            found: str | None = self.__dict__.get("_raw_path")
            if found is None:
                found = self.__dict__["_raw_path"] = str(super().raw_path)
            return found

        def on_json_loading_failed(self, e: ValueError | None) -> Any:
            try:
                return super().on_json_loading_failed(e)
            except BadRequest as error:  # flask.Request's wording outside debug mode
                raise BadRequest() from error

    return ServerRequest
