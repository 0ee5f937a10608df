"""The request and response a front door sees: headers case-insensitively, query pairs, cookies."""

from __future__ import annotations

from fogbank.cloud.frontdoors.http import HttpRequest, HttpResponse, parse_query, split_cookies


def test_headers_are_read_case_insensitively_and_the_last_value_wins() -> None:
    # GIVEN a request with a repeated header in two cases and a Host with a port
    request = HttpRequest("GET", "/", "", [("Host", "api.local:8443"), ("X-A", "1"), ("x-a", "2")], b"")
    # THEN every value is kept in order, a single-value read takes the last, and the host drops the port
    assert request.header_values("X-a") == ["1", "2"] and request.header("X-A") == "2"
    assert request.host == "api.local" and request.user_agent == ""
    assert request.header("missing") is None


def test_an_ipv6_host_keeps_its_brackets() -> None:
    request = HttpRequest("GET", "/", "", [("Host", "[::1]")], b"")
    assert request.host == "[::1]"


def test_query_pairs_in_order_decoded_or_kept_encoded() -> None:
    # THEN pairs keep their order and repeats; decoding turns %20 and + into spaces; a bare key has ""
    assert parse_query("a=1&a=2&b=x%20y+z&flag&", decode=True) == [
        ("a", "1"),
        ("a", "2"),
        ("b", "x y z"),
        ("flag", ""),
    ]
    assert parse_query("b=x%20y", decode=False) == [("b", "x%20y")]
    assert parse_query("", decode=True) == []


def test_cookies_of_every_cookie_header() -> None:
    assert split_cookies(["a=1; b=2", " c=3 ;", ""]) == ["a=1", "b=2", "c=3"]


def test_a_json_response() -> None:
    # WHEN a JSON answer is built with an extra header THEN it is compact JSON with both headers
    response = HttpResponse.json(
        {"message": "Forbidden"}, 403, [("x-amzn-ErrorType", "AccessDeniedException")]
    )
    assert (response.status, response.body) == (403, b'{"message":"Forbidden"}')
    assert response.header("content-type") == "application/json"
    assert response.header("X-AMZN-ERRORTYPE") == "AccessDeniedException"
