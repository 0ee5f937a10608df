"""Function URL CORS, applied as Lambda applies it."""

from __future__ import annotations

from fogbank.cloud.frontdoors.cors import UrlCors
from fogbank.cloud.frontdoors.http import HttpRequest, HttpResponse

CORS = UrlCors.from_config(
    {
        "AllowOrigins": ["https://app.example"],
        "AllowMethods": ["GET", "POST"],
        "AllowHeaders": ["x-custom"],
        "ExposeHeaders": ["x-trace"],
        "AllowCredentials": True,
        "MaxAge": 300,
    }
)


def _preflight(origin: str, method: str = "POST") -> HttpRequest:
    headers = [("Origin", origin), ("Access-Control-Request-Method", method)]
    return HttpRequest("OPTIONS", "/", "", headers, b"")


def test_preflight_for_allowed_origin() -> None:
    # GIVEN a preflight from an allowed origin
    assert CORS is not None
    # WHEN Lambda answers it
    response = CORS.preflight(_preflight("https://app.example"))
    # THEN every configured header is present
    assert response is not None and response.status == 200
    assert response.header("access-control-allow-origin") == "https://app.example"
    assert response.header("access-control-allow-methods") == "GET,POST"
    assert response.header("access-control-allow-headers") == "x-custom"
    assert response.header("access-control-allow-credentials") == "true"
    assert response.header("access-control-max-age") == "300"


def test_preflight_for_other_origin_or_method_has_no_cors_headers() -> None:
    # GIVEN preflights from a foreign origin and for a method not allowed
    assert CORS is not None
    for request in (_preflight("https://evil.example"), _preflight("https://app.example", "DELETE")):
        # WHEN answered, THEN no CORS header allows it
        response = CORS.preflight(request)
        assert response is not None and response.header("access-control-allow-origin") is None


def test_plain_options_is_not_a_preflight() -> None:
    # GIVEN an OPTIONS without Access-Control-Request-Method, THEN the function handles it
    assert CORS is not None
    assert CORS.preflight(HttpRequest("OPTIONS", "/", "", [("Origin", "https://app.example")], b"")) is None


def test_response_headers_replace_the_functions_own() -> None:
    # GIVEN a function response that sets its own CORS header
    assert CORS is not None
    own = HttpResponse(200, [("Access-Control-Allow-Origin", "*"), ("X-A", "1")], b"ok")
    allowed = HttpRequest("GET", "/", "", [("Origin", "https://app.example")], b"")
    foreign = HttpRequest("GET", "/", "", [("Origin", "https://evil.example")], b"")
    # WHEN CORS is applied
    for_allowed = CORS.apply(allowed, own)
    for_foreign = CORS.apply(foreign, own)
    # THEN the allowed origin gets the configured headers; a foreign one gets none
    assert for_allowed.header("access-control-allow-origin") == "https://app.example"
    assert (
        for_allowed.header("access-control-expose-headers") == "x-trace" and for_allowed.header("x-a") == "1"
    )
    assert for_foreign.header("access-control-allow-origin") is None and for_foreign.body == b"ok"


def test_wildcard_origin() -> None:
    # GIVEN AllowOrigins "*" without credentials, THEN any origin gets "*"
    cors = UrlCors.from_config({"AllowOrigins": ["*"], "AllowMethods": ["*"]})
    assert cors is not None and cors.allowed_origin("https://x.example") == "*"
    assert UrlCors.from_config(None) is None
