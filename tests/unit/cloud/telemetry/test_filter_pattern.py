from __future__ import annotations

import json

import pytest

from fogbank.cloud.telemetry.filter_pattern import FilterPatternError, compile_filter_pattern

DOC = json.dumps(
    {
        "level": "INFO",
        "service": "payment",
        "n": 3,
        "ok": True,
        "gone": None,
        "items": [{"a": 1}, {"a": 5}],
        "ip": "10.0.4.5",
        "user": {"id": "u-1"},
    }
)
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
        ('{ $.service = "payment" }', DOC, True),
        ('{ $.service = "pay" }', DOC, False),
        ("{ $.service = pay* }", DOC, True),
        ('{ $.service != "payment" }', DOC, False),
        ('{ $.n > 1 && $.level = "INFO" }', DOC, True),
        ('{ $.n > 3 && $.level = "INFO" }', DOC, False),
        ("{ $.n >= 3 }", DOC, True),
        ("{ $.n > 5 || $.level = INFO }", DOC, True),
        ("{ ($.n = 4 || $.n = 5) && $.ok IS TRUE }", DOC, False),
        ("{ $.ok IS TRUE }", DOC, True),
        ("{ $.ok IS FALSE }", DOC, False),
        ("{ $.gone IS NULL }", DOC, True),
        ("{ $.missing IS NULL }", DOC, False),
        ("{ $.missing NOT EXISTS }", DOC, True),
        ("{ $.service NOT EXISTS }", DOC, False),
        ("{ $.service EXISTS }", DOC, True),
        ("{ $.items[1].a = 5 }", DOC, True),
        ("{ $.items[0].a = 5 }", DOC, False),
        ("{ $.items[*].a = 5 }", DOC, True),
        ('{ $.user.id = "u-1" }', DOC, True),
        ("{ $.ip != 10.0.* }", DOC, False),
        ("{ $.ip = %^10\\.0% }", DOC, True),
        ('{ $.service = "payment" }', "not json at all", False),
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
        ("{ $.a = }", "value"),
        ("{ $.a = 1", "'}'"),
        ("{ a = 1 }", "selector"),
        ("{ $.a > x }", "number"),
        ("{ $.a IS MAYBE }", "TRUE, FALSE or NULL"),
        ("{ $.a NOT THERE }", "EXISTS"),
        ("{ $.a = 1 } extra", "after a complete expression"),
        ("[a, b", "']'"),
        ('"unterminated', "unterminated"),
        ("{ $.a = %(% }", "regular expression"),
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
