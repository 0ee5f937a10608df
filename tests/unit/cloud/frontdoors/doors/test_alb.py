"""ALB listener rule conditions: ALB's wildcard language (`*` and `?` only)."""

from __future__ import annotations

import pytest

from fogbank.cloud.frontdoors.doors.alb import AlbRule, FixedResponse
from fogbank.cloud.frontdoors.http import HttpRequest


def _request(path: str, host: str = "shop.example") -> HttpRequest:
    return HttpRequest(method="GET", raw_path=path, raw_query="", headers=[("Host", host)], body=b"", port=80)


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("/items[1]/*", "/items[1]/a", True),  # brackets are literal on ALB
        ("/items[1]/*", "/items1/a", False),  # ... not a character class
        ("/img/?.png", "/img/a.png", True),
        ("/img/?.png", "/img/ab.png", False),
        ("/api/*", "/api/a/b/c", True),  # * spans slashes
        ("/API/*", "/api/x", False),  # paths are case-sensitive
        ("/a.b", "/aXb", False),  # a dot is a dot
    ],
)
def test_path_patterns_know_only_star_and_question_mark(pattern: str, path: str, expected: bool) -> None:
    # GIVEN a rule with one path pattern
    rule = AlbRule(1, [FixedResponse(200)], path_patterns=(pattern,))
    # WHEN a request path is matched
    # THEN only * and ? are wildcards
    assert rule.matches(_request(path)) is expected


def test_host_patterns_ignore_case_and_keep_brackets_literal() -> None:
    # GIVEN a host-header rule
    rule = AlbRule(1, [FixedResponse(200)], host_patterns=("*.Example", "[x].test"))
    # WHEN hosts are matched
    # THEN case is ignored and brackets are literal
    assert rule.matches(_request("/", "Shop.EXAMPLE"))
    assert rule.matches(_request("/", "[x].test"))
    assert not rule.matches(_request("/", "x.test"))
