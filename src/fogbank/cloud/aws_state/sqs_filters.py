"""Lambda's event filtering for SQS event source mappings (FilterCriteria), which moto (5.2.5) stored and ignored.

As AWS documents it: a mapping has up to five filters, ORed; each filter's Pattern is EventBridge's pattern syntax
(matched by moto's EventBridge matcher) on the record's `body` key, the only key SQS filters support. A body
pattern that is an object (`{"body": {"kind": ["order"]}}`) matches the body parsed as JSON, and a body that is
not a JSON object is dropped; a body pattern that is a list of rules (`{"body": [{"prefix": "Result: "}]}`)
matches the body as the plain string it is. Messages no filter matches are deleted from the queue without
invoking the function, as Lambda does. The rules Lambda documents are accepted (exact values, null, prefix,
suffix, equals-ignore-case, numeric, anything-but, exists); anything else is refused when the mapping is
created, naming it.

Example:
    >>> filters = compile_filters({"Filters": [{"Pattern": '{"body": {"kind": ["order"]}}'}]})
    >>> [body_matches(filters, body) for body in ('{"kind": "order"}', '{"kind": "refund"}', "order")]
    [True, False, False]
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["LAMBDA_MATCH_TYPES", "MAX_FILTERS", "FilterCriteriaError", "body_matches", "compile_filters"]

LAMBDA_MATCH_TYPES = frozenset(
    {"prefix", "suffix", "equals-ignore-case", "numeric", "anything-but", "exists"}
)
MAX_FILTERS = 5


class FilterCriteriaError(ValueError):
    """A FilterCriteria the local cloud refuses; the message names the filter and what is wrong."""


def _check_rules(value: Any, where: str) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _check_rules(inner, f"{where}.{key}")
        return
    if not isinstance(value, list):
        raise FilterCriteriaError(f"{where} must be a list of rules or an object, got {json.dumps(value)}")
    for rule in value:
        unknown = [name for name in rule if name not in LAMBDA_MATCH_TYPES] if isinstance(rule, dict) else []
        if unknown:
            raise FilterCriteriaError(
                f"{where} uses the rule {unknown[0]!r}, which Lambda's event filtering does not support (supported: "
                f"exact values, null, {', '.join(sorted(LAMBDA_MATCH_TYPES))})"
            )


def compile_filters(criteria: dict[str, Any] | None) -> list[Any]:
    """The filters of a FilterCriteria as moto EventPatterns (an empty list: no filtering); raises
    FilterCriteriaError for a pattern that is not JSON, filters anything but `body`, or uses another rule."""
    from moto.events.models import EventPattern

    filters = list((criteria or {}).get("Filters") or [])
    if len(filters) > MAX_FILTERS:
        raise FilterCriteriaError(
            f"FilterCriteria has {len(filters)} filters; an event source mapping takes {MAX_FILTERS}"
        )
    compiled = []
    for index, item in enumerate(filters):
        text = str((item or {}).get("Pattern") or "")
        where = f"FilterCriteria.Filters[{index}].Pattern"
        try:
            pattern = json.loads(text)
        except ValueError:
            raise FilterCriteriaError(f"{where} is not JSON: {text!r}") from None
        if not isinstance(pattern, dict) or set(pattern) != {"body"}:
            keys = sorted(pattern) if isinstance(pattern, dict) else []
            raise FilterCriteriaError(
                f"{where} filters on {keys or text!r}: SQS event source mappings filter on the `body` key only"
            )
        _check_rules(pattern["body"], f"{where}.body")
        compiled.append(EventPattern.load(text))
    return compiled


def body_matches(filters: list[Any], body: str) -> bool:
    """Whether a message with `body` reaches the function: no filters, or any filter matching."""
    if not filters:
        return True
    try:
        parsed: Any = json.loads(body)
    except ValueError:
        parsed = None
    for pattern in filters:
        if isinstance(pattern.get_pattern()["body"], dict):
            if isinstance(parsed, dict) and pattern.matches_event({"body": parsed}):
                return True
        elif pattern.matches_event({"body": body}):
            return True
    return False
