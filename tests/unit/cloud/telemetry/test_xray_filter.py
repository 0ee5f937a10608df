from __future__ import annotations

import json

import pytest

from fogbank.cloud.telemetry.xray_filter import FilterExpressionError, compile_filter_expression
from fogbank.cloud.telemetry.xray_traces import assemble


def make_trace(error: bool = False) -> object:
    service = {
        "id": "s1",
        "name": "orders",
        "origin": "AWS::Lambda",
        "trace_id": "1-a-b",
        "start_time": 10.0,
        "end_time": 10.5,
        "http": {"response": {"status": 200}},
        "error": error,
        "http_extra": 1,
    }
    function = {
        "id": "f1",
        "parent_id": "s1",
        "name": "orders",
        "origin": "AWS::Lambda::Function",
        "trace_id": "1-a-b",
        "start_time": 10.1,
        "end_time": 10.4,
    }
    handler = {
        "id": "h1",
        "type": "subsegment",
        "parent_id": "f1",
        "name": "## handler",
        "trace_id": "1-a-b",
        "start_time": 10.15,
        "end_time": 10.3,
        "annotations": {"tenant": "acme", "n": 3, "ColdStart": True},
    }
    return assemble("1-a-b", [json.dumps(d) for d in (service, function, handler)])


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('service(id(name: "orders"))', True),
        ('service(id(name: "orders", type: "AWS::Lambda::Function"))', True),
        ('service(id(name: "billing"))', False),
        ('service("orders")', True),
        ('service("billing")', False),
        ('annotation.tenant = "acme"', True),
        ('annotation.tenant = "other"', False),
        ("annotation.n = 3", True),
        ("annotation.n > 3", False),
        ("annotation.ColdStart = true", True),
        ("annotation.ColdStart = false", False),
        ('annotation[tenant] = "acme"', True),
        ("responsetime > 0.4", True),
        ("responsetime > 1", False),
        ("duration < 1 AND duration >= 0.5", True),
        ("http.status = 200", True),
        ("http.status = 500", False),
        ("ok", True),
        ("error", False),
        ("fault", False),
        ("NOT ok", False),
        ('error OR annotation.tenant = "acme"', True),
        ('(error OR fault) AND service("orders")', False),
        ('NOT (error OR fault) AND service("orders")', True),
    ],
)
def test_expression_matches_like_xray(expression: str, expected: bool) -> None:
    # GIVEN a trace with Lambda's segments and an annotated SDK subsegment
    trace = make_trace()
    # WHEN a filter expression is applied
    matched = compile_filter_expression(expression).matches(trace)  # type: ignore[arg-type]
    # THEN it matches as X-Ray would
    assert matched is expected


def test_error_flag_in_any_segment() -> None:
    assert compile_filter_expression("error").matches(make_trace(error=True))  # type: ignore[arg-type]
    assert not compile_filter_expression("ok").matches(make_trace(error=True))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "expression",
    ["annotation.x = ", "service(", 'responsetime > "slow"', 'edge("a", "b")', "ok AND", "(ok", "ok ok", ""],
)
def test_bad_expression_names_itself(expression: str) -> None:
    # WHEN an expression that does not parse is compiled
    with pytest.raises(FilterExpressionError) as raised:
        compile_filter_expression(expression)
    # THEN the error names it
    assert repr(expression) in str(raised.value)
