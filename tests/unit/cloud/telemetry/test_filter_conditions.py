"""JSON filter pattern conditions: selectors, comparisons, IS/EXISTS, && and ||; parse errors named."""

from __future__ import annotations

import json

import pytest

from fogbank.cloud.telemetry.filter_conditions import FilterPatternError, parse_json_pattern, wildcard_regex

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


@pytest.mark.parametrize(
    ("pattern", "message", "expected"),
    [
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
        ("{ $.n = 3 }", "[1, 2]", False),
        ("{ $.n = 3.0 }", DOC, True),
        ("{ $.n < -1 }", DOC, False),
    ],
)
def test_json_condition_matches_like_cloudwatch(pattern: str, message: str, expected: bool) -> None:
    # GIVEN a JSON filter pattern / WHEN applied to a message
    # THEN it matches exactly when CloudWatch Logs would (a message that is not a JSON object never matches)
    assert parse_json_pattern(pattern, pattern)(message) is expected


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
        ("{ $.a = %(% }", "regular expression"),
    ],
)
def test_a_bad_json_pattern_names_itself_and_the_problem(pattern: str, problem: str) -> None:
    # WHEN a JSON pattern that does not parse is read THEN the error names the pattern and the problem
    with pytest.raises(FilterPatternError) as raised:
        parse_json_pattern(pattern, pattern)
    assert repr(pattern) in str(raised.value)
    assert problem in str(raised.value)


def test_wildcards_match_any_run_and_nothing_else_is_special() -> None:
    # GIVEN a term with a wildcard and regex characters
    anchored, floating = wildcard_regex("a.b*c"), wildcard_regex("a.b*c", anchored=False)
    # THEN `*` spans anything (lines too), `.` is a dot, and anchoring is optional
    assert anchored.match("a.b-x\ny-c") and not anchored.match("axb-c")
    assert not anchored.match("za.bc") and floating.search("za.bc")
