"""Condition operators, IfExists, set qualifiers and policy variables, as AWS documents them."""

from __future__ import annotations

import pytest

from fogbank.cloud.iam.conditions import conditions_hold, substitute

CTX = {
    "aws:sourcearn": ("arn:aws:sns:us-east-1:123456789012:orders",),
    "aws:sourceaccount": ("123456789012",),
    "aws:securetransport": ("true",),
    "aws:currenttime": ("2026-11-29T12:00:00Z",),
    "aws:epochtime": ("1795953600",),
    "aws:sourceip": ("127.0.0.1",),
    "aws:username": ("ana",),
    "aws:tagkeys": ("team", "cost"),
    "s3:max-keys": ("10",),
}


@pytest.mark.parametrize(
    ("operator", "key", "values", "expected"),
    [
        ("StringEquals", "aws:SourceAccount", ["123456789012"], True),
        ("StringNotEquals", "aws:SourceAccount", ["123456789012"], False),
        ("StringEqualsIgnoreCase", "aws:username", ["ANA"], True),
        ("StringLike", "aws:SourceArn", ["arn:aws:sns:*:123456789012:ord?rs"], True),
        ("StringNotLike", "aws:SourceArn", ["*:orders"], False),
        ("ArnEquals", "aws:SourceArn", ["arn:aws:sns:us-east-1:123456789012:orders"], True),
        ("ArnLike", "aws:SourceArn", ["arn:aws:sns:*:*:orders"], True),
        ("ArnNotLike", "aws:SourceArn", ["arn:aws:sns:*:*:other"], True),
        ("NumericLessThanEquals", "s3:max-keys", ["10"], True),
        ("NumericGreaterThan", "s3:max-keys", ["10"], False),
        ("DateGreaterThan", "aws:CurrentTime", ["2026-01-01T00:00:00Z"], True),
        ("DateLessThan", "aws:EpochTime", ["2026-01-01T00:00:00Z"], False),
        ("Bool", "aws:SecureTransport", ["false"], False),
        ("Bool", "aws:SecureTransport", [True], True),
        ("IpAddress", "aws:SourceIp", ["127.0.0.0/8"], True),
        ("NotIpAddress", "aws:SourceIp", ["10.0.0.0/8"], True),
        ("Null", "aws:TokenIssueTime", ["true"], True),
        ("Null", "aws:username", ["true"], False),
        ("StringEqualsIfExists", "aws:RequestTag/team", ["x"], True),
        ("StringEquals", "aws:RequestTag/team", ["x"], False),
        ("StringNotEquals", "aws:RequestTag/team", ["x"], True),
        ("ForAnyValue:StringEquals", "aws:TagKeys", ["cost"], True),
        ("ForAllValues:StringEquals", "aws:TagKeys", ["team"], False),
        ("ForAllValues:StringEquals", "aws:TagKeys", ["team", "cost", "env"], True),
        ("ForAllValues:StringEquals", "aws:RequestTag/none", ["x"], True),
        ("ForAnyValue:StringEquals", "aws:RequestTag/none", ["x"], False),
        ("StringLikeish", "aws:username", ["ana"], None),
    ],
)
def test_operator(operator: str, key: str, values: list[object], expected: bool | None) -> None:
    # GIVEN one condition test
    block = ((operator, key, tuple(str(v).lower() if isinstance(v, bool) else str(v) for v in values)),)
    # WHEN it is evaluated against the request context
    if expected is None:
        # THEN an operator IAM does not have is an error the evaluator turns into "does not apply"
        with pytest.raises(ValueError, match="not an IAM operator"):
            conditions_hold(block, CTX)
        return
    # THEN it holds (or not) as AWS documents
    assert conditions_hold(block, CTX) is expected


def test_several_keys_and_operators_must_all_hold_any_value_may_match() -> None:
    # GIVEN two operators, one with two accepted values
    block = (
        ("StringEquals", "aws:SourceAccount", ("111111111111", "123456789012")),
        ("Bool", "aws:SecureTransport", ("true",)),
    )
    # WHEN / THEN all hold; breaking one breaks the block
    assert conditions_hold(block, CTX)
    assert not conditions_hold((*block, ("StringEquals", "aws:username", ("bob",))), CTX)


def test_policy_variables_resolve_from_the_context() -> None:
    # GIVEN resources with policy variables
    # WHEN / THEN known keys resolve, defaults apply, specials are literal, unknown keys do not resolve
    assert substitute("arn:aws:s3:::home/${aws:username}/*", CTX) == "arn:aws:s3:::home/ana/*"
    assert substitute("${aws:PrincipalTag/team, 'none'}", CTX) == "none"
    assert substitute("literal-${*}-${?}-${$}", CTX) == "literal-*-?-$"
    assert substitute("home/${aws:PrincipalTag/team}", CTX) is None


def test_a_condition_value_with_a_policy_variable() -> None:
    # GIVEN a StringLike whose value uses ${aws:username}
    block = (("StringLike", "s3:prefix", ("home/${aws:username}/*",)),)
    # WHEN / THEN the variable is substituted before matching
    assert conditions_hold(block, {**CTX, "s3:prefix": ("home/ana/docs",)})
    assert not conditions_hold(block, {**CTX, "s3:prefix": ("home/bob/docs",)})
