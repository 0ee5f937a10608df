"""The Condition element: operators, IfExists, ForAnyValue/ForAllValues, and policy variables.

The request context maps lower-cased condition keys to their values (a tuple: one value for single-valued
keys). A key missing from the context fails every operator except the negated ones, `...IfExists` and
`Null`, as AWS documents.

Example:
    >>> ctx = {"aws:sourcearn": ("arn:aws:sns:us-east-1:1:topic",)}
    >>> conditions_hold((("ArnLike", "aws:SourceArn", ("arn:aws:sns:*:1:*",)),), ctx)
    True
    >>> substitute("home/${aws:username}/*", {"aws:username": ("ana",)})
    'home/ana/*'
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import lru_cache

from fogbank.cloud.iam.patterns import arn_matches, string_like
from fogbank.cloud.iam.policy import ConditionBlock

__all__ = ["Context", "UnknownOperator", "conditions_hold", "substitute"]

Context = Mapping[str, tuple[str, ...]]
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_SPECIAL = {"*": "*", "?": "?", "$": "$"}


class UnknownOperator(ValueError):
    """A condition operator IAM does not have; such a statement never applies."""


def substitute(text: str, context: Context) -> str | None:
    """Replace `${key}` policy variables with the context's values; None when one cannot be resolved.

    `${key, 'default'}` falls back to the default; `${*}`, `${?}`, `${$}` are the literal characters.
    """
    if "${" not in text:
        return text
    missing = False

    def replace(match: re.Match[str]) -> str:
        nonlocal missing
        inner = match.group(1)
        if inner in _SPECIAL:
            return _SPECIAL[inner]
        key, _, default = inner.partition(",")
        values = context.get(key.strip().lower())
        if values and len(values) == 1:
            return values[0]
        default = default.strip()
        if len(default) >= 2 and default[0] == default[-1] == "'":
            return default[1:-1]
        missing = True
        return ""

    result = _VARIABLE.sub(replace, text)
    return None if missing else result


def _as_number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


@lru_cache(maxsize=1024)
def _as_date(text: str) -> datetime | None:
    try:
        return datetime.fromtimestamp(float(text), UTC)
    except ValueError:
        pass
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _numeric(test: Callable[[float, float], bool]) -> Callable[[str, str], bool]:
    def compare(actual: str, expected: str) -> bool:
        left, right = _as_number(actual), _as_number(expected)
        return left is not None and right is not None and test(left, right)

    return compare


def _dated(test: Callable[[float, float], bool]) -> Callable[[str, str], bool]:
    def compare(actual: str, expected: str) -> bool:
        left, right = _as_date(actual), _as_date(expected)
        return left is not None and right is not None and test(left.timestamp(), right.timestamp())

    return compare


def _ip_in(actual: str, expected: str) -> bool:
    try:
        return ipaddress.ip_address(actual) in ipaddress.ip_network(expected, strict=False)
    except ValueError:
        return False


_Matcher = Callable[[str, str], bool]
# operator -> (matcher, negated, substitutes policy variables)
_OPERATORS: dict[str, tuple[_Matcher, bool, bool]] = {
    "StringEquals": (lambda a, e: a == e, False, True),
    "StringNotEquals": (lambda a, e: a == e, True, True),
    "StringEqualsIgnoreCase": (lambda a, e: a.lower() == e.lower(), False, True),
    "StringNotEqualsIgnoreCase": (lambda a, e: a.lower() == e.lower(), True, True),
    "StringLike": (lambda a, e: string_like(e, a), False, True),
    "StringNotLike": (lambda a, e: string_like(e, a), True, True),
    "NumericEquals": (_numeric(lambda a, e: a == e), False, False),
    "NumericNotEquals": (_numeric(lambda a, e: a == e), True, False),
    "NumericLessThan": (_numeric(lambda a, e: a < e), False, False),
    "NumericLessThanEquals": (_numeric(lambda a, e: a <= e), False, False),
    "NumericGreaterThan": (_numeric(lambda a, e: a > e), False, False),
    "NumericGreaterThanEquals": (_numeric(lambda a, e: a >= e), False, False),
    "DateEquals": (_dated(lambda a, e: a == e), False, False),
    "DateNotEquals": (_dated(lambda a, e: a == e), True, False),
    "DateLessThan": (_dated(lambda a, e: a < e), False, False),
    "DateLessThanEquals": (_dated(lambda a, e: a <= e), False, False),
    "DateGreaterThan": (_dated(lambda a, e: a > e), False, False),
    "DateGreaterThanEquals": (_dated(lambda a, e: a >= e), False, False),
    "Bool": (lambda a, e: a.lower() == e.lower(), False, False),
    "BinaryEquals": (lambda a, e: a == e, False, False),
    "IpAddress": (_ip_in, False, False),
    "NotIpAddress": (_ip_in, True, False),
    "ArnEquals": (lambda a, e: a == e, False, True),
    "ArnNotEquals": (lambda a, e: a == e, True, True),
    "ArnLike": (lambda a, e: arn_matches(e, a), False, True),
    "ArnNotLike": (lambda a, e: arn_matches(e, a), True, True),
}


def _split_operator(operator: str) -> tuple[str, str, bool]:
    """(set qualifier or "", base operator, if_exists)."""
    qualifier = ""
    for prefix in ("ForAnyValue:", "ForAllValues:"):
        if operator.startswith(prefix):
            qualifier, operator = prefix[:-1], operator[len(prefix) :]
    if_exists = operator.endswith("IfExists") and operator != "IfExists"
    if if_exists:
        operator = operator[: -len("IfExists")]
    return qualifier, operator, if_exists


def _test(operator: str, key: str, expected: tuple[str, ...], context: Context) -> bool:
    qualifier, base, if_exists = _split_operator(operator)
    actual = context.get(key.lower())
    if base == "Null":
        wants_missing = any(value.lower() == "true" for value in expected)
        return (not actual) == wants_missing
    if base not in _OPERATORS:
        raise UnknownOperator(f"condition operator {operator!r} is not an IAM operator")
    matcher, negated, substitutes = _OPERATORS[base]
    if not actual:
        if qualifier == "ForAllValues":
            return True
        if qualifier == "ForAnyValue":
            return False
        return if_exists or negated
    options: list[str] = []
    for value in expected:
        resolved = substitute(value, context) if substitutes else value
        if resolved is not None:
            options.append(resolved)

    def value_matches(value: str) -> bool:
        hit = any(matcher(value, option) for option in options)
        return not hit if negated else hit

    if qualifier == "ForAllValues":
        return all(value_matches(value) for value in actual)
    if qualifier == "ForAnyValue":
        return any(value_matches(value) for value in actual)
    if negated:
        return all(value_matches(value) for value in actual)
    return any(value_matches(value) for value in actual)


def conditions_hold(block: ConditionBlock, context: Context) -> bool:
    """True when every (operator, key, values) test of a statement's Condition holds for `context`."""
    return all(_test(operator, key, expected, context) for operator, key, expected in block)
