"""Lambda's event filtering for SQS mappings: which bodies reach the function, and which criteria are refused."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fogbank.cloud.aws_state.sqs_filters import FilterCriteriaError, body_matches, compile_filters


def _criteria(*patterns: Any) -> dict[str, Any]:
    return {"Filters": [{"Pattern": json.dumps(pattern)} for pattern in patterns]}


@pytest.mark.parametrize(
    ("pattern", "body", "reaches"),
    [
        # an object pattern matches the body parsed as JSON
        ({"body": {"kind": ["order"]}}, '{"kind": "order", "n": 1}', True),
        ({"body": {"kind": ["order"]}}, '{"kind": "refund"}', False),
        # ... and a body that is not a JSON object is dropped (AWS: "Lambda drops the message")
        ({"body": {"kind": ["order"]}}, "kind order", False),
        ({"body": {"n": [{"numeric": [">", 9999]}]}}, '{"n": 10000}', True),
        ({"body": {"n": [{"numeric": [">", 9999]}]}}, '{"n": 12}', False),
        ({"body": {"kind": [{"anything-but": ["test"]}]}}, '{"kind": "order"}', True),
        ({"body": {"trace": [{"exists": False}]}}, '{"kind": "order"}', True),
        ({"body": {"kind": [{"equals-ignore-case": "ORDER"}]}}, '{"kind": "order"}', True),
        # a list of rules matches the body as the plain string it is
        ({"body": [{"prefix": "Result: "}]}, "Result: ok", True),
        ({"body": [{"prefix": "Result: "}]}, "Error: no", False),
        ({"body": [{"suffix": "}"}]}, '{"kind": "order"}', True),
    ],
)
def test_a_body_reaches_the_function_only_when_a_filter_matches(
    pattern: dict[str, Any], body: str, reaches: bool
) -> None:
    # GIVEN a mapping's FilterCriteria with one filter
    filters = compile_filters(_criteria(pattern))
    # WHEN a message with this body is polled THEN it reaches the function as AWS decides
    assert body_matches(filters, body) is reaches


def test_filters_are_ored_and_no_filters_let_everything_through() -> None:
    # GIVEN two filters
    filters = compile_filters(_criteria({"body": {"kind": ["order"]}}, {"body": [{"prefix": "ping"}]}))
    # WHEN bodies matching either, or neither, are polled THEN either passes, neither is dropped
    assert [body_matches(filters, b) for b in ('{"kind": "order"}', "ping 1", '{"kind": "x"}')] == [
        True,
        True,
        False,
    ]
    # AND with no FilterCriteria (or an empty one) every body passes
    assert body_matches(compile_filters(None), "anything") and body_matches(compile_filters({}), "x")


@pytest.mark.parametrize(
    ("criteria", "words"),
    [
        (_criteria({"attributes": {"SenderId": ["x"]}}), "filter on the `body` key only"),
        (_criteria({"body": {"kind": [{"wildcard": "ord*"}]}}), "uses the rule 'wildcard'"),
        (_criteria({"body": {"ip": [{"cidr": "10.0.0.0/8"}]}}), "uses the rule 'cidr'"),
        ({"Filters": [{"Pattern": "{body: 1}"}]}, "is not JSON"),
        (_criteria(*[{"body": {"n": [i]}} for i in range(6)]), "takes 5"),
    ],
)
def test_criteria_the_local_cloud_cannot_apply_as_aws_are_refused_naming_them(
    criteria: dict[str, Any], words: str
) -> None:
    # GIVEN a FilterCriteria on another key, with a rule Lambda does not document, not JSON, or too many filters
    # WHEN it is compiled THEN it is refused with a message naming the problem
    with pytest.raises(FilterCriteriaError, match=words):
        compile_filters(criteria)
