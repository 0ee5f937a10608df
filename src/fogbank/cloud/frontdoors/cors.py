"""Function URL CORS, as Lambda applies a function URL's `Cors` settings.

With CORS configured, Lambda answers preflight requests (OPTIONS with Origin and
Access-Control-Request-Method) itself without invoking the function, and adds the CORS headers to the
function's responses for allowed origins, replacing any CORS headers the function returned. An origin that
is not allowed gets no CORS headers, so the browser blocks the response.

Example:
    >>> from fogbank.cloud.frontdoors.http import HttpRequest
    >>> cors = UrlCors.from_config({"AllowOrigins": ["https://a.example"], "AllowMethods": ["GET"]})
    >>> pre = HttpRequest("OPTIONS", "/", "", [("Origin", "https://a.example"),
    ...                                       ("Access-Control-Request-Method", "GET")], b"")
    >>> cors.preflight(pre).header("access-control-allow-origin")
    'https://a.example'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fogbank.cloud.frontdoors.http import HttpRequest, HttpResponse

__all__ = ["UrlCors"]

_CORS_HEADERS = frozenset(
    {
        "access-control-allow-origin",
        "access-control-allow-methods",
        "access-control-allow-headers",
        "access-control-allow-credentials",
        "access-control-expose-headers",
        "access-control-max-age",
    }
)


@dataclass(frozen=True)
class UrlCors:
    """A function URL's Cors settings (the Lambda API's `Cors` structure)."""

    allow_origins: tuple[str, ...] = ()
    allow_methods: tuple[str, ...] = ()
    allow_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    allow_credentials: bool = False
    max_age: int | None = None

    @classmethod
    def from_config(cls, config: dict[str, Any] | None) -> UrlCors | None:
        if not config:
            return None
        return cls(
            allow_origins=tuple(config.get("AllowOrigins") or ()),
            allow_methods=tuple(method.upper() for method in config.get("AllowMethods") or ()),
            allow_headers=tuple(config.get("AllowHeaders") or ()),
            expose_headers=tuple(config.get("ExposeHeaders") or ()),
            allow_credentials=bool(config.get("AllowCredentials", False)),
            max_age=config.get("MaxAge"),
        )

    def allowed_origin(self, origin: str | None) -> str | None:
        """The Access-Control-Allow-Origin value for `origin`, or None when it is not allowed."""
        if not origin:
            return None
        if "*" in self.allow_origins:
            return origin if self.allow_credentials else "*"
        return origin if origin in self.allow_origins else None

    def preflight(self, request: HttpRequest) -> HttpResponse | None:
        """Lambda's own answer to a preflight request, or None when `request` is not one."""
        if request.method != "OPTIONS" or not request.header("origin"):
            return None
        requested_method = request.header("access-control-request-method")
        if not requested_method:
            return None
        response = HttpResponse(200, [])
        allowed = self.allowed_origin(request.header("origin"))
        method_ok = "*" in self.allow_methods or requested_method.upper() in self.allow_methods
        if allowed is None or not method_ok:
            return response
        response.headers.append(("Access-Control-Allow-Origin", allowed))
        response.headers.append(("Access-Control-Allow-Methods", ",".join(self.allow_methods)))
        if self.allow_headers:
            response.headers.append(("Access-Control-Allow-Headers", ",".join(self.allow_headers)))
        if self.allow_credentials:
            response.headers.append(("Access-Control-Allow-Credentials", "true"))
        if self.max_age is not None:
            response.headers.append(("Access-Control-Max-Age", str(self.max_age)))
        response.headers.append(("Vary", "Origin"))
        return response

    def apply(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        """The function's response with the CORS headers for the request's origin (its own CORS headers dropped)."""
        headers = [(name, value) for name, value in response.headers if name.lower() not in _CORS_HEADERS]
        allowed = self.allowed_origin(request.header("origin"))
        if allowed is not None:
            headers.append(("Access-Control-Allow-Origin", allowed))
            if self.expose_headers:
                headers.append(("Access-Control-Expose-Headers", ",".join(self.expose_headers)))
            if self.allow_credentials:
                headers.append(("Access-Control-Allow-Credentials", "true"))
            headers.append(("Vary", "Origin"))
        return HttpResponse(response.status, headers, response.body)
