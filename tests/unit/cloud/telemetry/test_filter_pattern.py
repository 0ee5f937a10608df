"""Filter patterns: text terms and space-delimited fields, each form dispatched; bad patterns named."""

from __future__ import annotations

import pytest

from fogbank.cloud.telemetry.filter_pattern import FilterPatternError, compile_filter_pattern

ACCESS = '1.2.3.4 bob [10/Oct/2000:13:55:36 -0700] "GET /index.html HTTP/1.0" 404 2326'


@pytest.mark.parametrize(
    ("pattern", "message", "expected"),
    [
        ("", "anything at all", True),
        ("ERROR", "[ERROR] boom", True),
        ("ERROR", "[error] boom", False),
        ("ERROR boom", "[ERROR] boom", True),
        ("ERROR boom", "[ERROR] bang", False),
        ('"an error"', "this is an error!", True),
        ('"an error"', "an  error", False),
        ("?WARN ?ERROR", "ERROR here", True),
        ("?WARN ?ERROR", "INFO here", False),
        ("ERROR -Exiting", "ERROR Exiting now", False),
        ("ERROR -Exiting", "ERROR but running", True),
        ("time*out", "request timed out", True),
        ("time*out", "time is up", False),
        ("%ERR(OR)?:%", "ERR: x", True),
        ("[ip, user, timestamp, request, status_code, bytes]", ACCESS, True),
        ("[ip, user, timestamp, request, status_code = 404, bytes]", ACCESS, True),
        ("[ip, user, timestamp, request, status_code = 200, bytes]", ACCESS, False),
        ("[ip, ..., status_code = 4*, bytes > 1000]", ACCESS, True),
        ("[ip, ..., status_code = 4*, bytes > 5000]", ACCESS, False),
        ("[ip, ..., code = 500 || code = 404, bytes]", ACCESS, True),
        ("[ip, user]", ACCESS, False),
        ('[..., request = "GET /index.html HTTP/1.0", code, bytes]', ACCESS, True),
    ],
)
def test_pattern_matches_like_cloudwatch(pattern: str, message: str, expected: bool) -> None:
    # GIVEN a compiled filter pattern
    compiled = compile_filter_pattern(pattern)
    # WHEN it is applied to a message
    matched = compiled.matches(message)
    # THEN it matches exactly when CloudWatch Logs would
    assert matched is expected


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("[a, b", "']'"),
        ('"unterminated', "unterminated"),
        ("[a, , b]", "empty field"),
    ],
)
def test_bad_pattern_is_rejected_with_its_name(pattern: str, problem: str) -> None:
    # GIVEN a pattern that does not parse
    # WHEN it is compiled
    with pytest.raises(FilterPatternError) as raised:
        compile_filter_pattern(pattern)
    # THEN the error names the pattern and the problem (it never matches everything)
    assert repr(pattern) in str(raised.value)
    assert problem in str(raised.value)
