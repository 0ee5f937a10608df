"""IAM's wildcards: actions case-insensitively, ARNs segment by segment, StringLike over the whole value."""

from __future__ import annotations

import pytest

from fogbank.cloud.iam.patterns import action_matches, arn_matches, string_like


@pytest.mark.parametrize(
    ("pattern", "action", "matches"),
    [
        ("*", "anything:AtAll", True),
        ("s3:Get*", "s3:GetObject", True),
        ("S3:get*", "s3:GetObject", True),
        ("s3:Get?bject", "s3:GetObject", True),
        ("s3:Get?", "s3:GetObject", False),
        ("s3:Get*", "s3:PutObject", False),
        ("s3:Get*", "s3x:GetObject", False),
        ("s3:GetObject", "s3:GetObjectAcl", False),
    ],
)
def test_action_patterns(pattern: str, action: str, matches: bool) -> None:
    # WHEN a policy's action pattern is matched against an action
    # THEN `*` spans any run, `?` one character, case does not matter, and the whole action must match
    assert action_matches(pattern, action) is matches


@pytest.mark.parametrize(
    ("pattern", "arn", "matches"),
    [
        ("*", "arn:aws:s3:::bucket", True),
        ("arn:aws:dynamodb:*:*:table/T", "arn:aws:dynamodb:us-east-1:1:table/T", True),
        ("arn:aws:dynamodb:*:*:table/T", "arn:aws:dynamodb:us-east-1:1:table/T/index/I", False),
        ("arn:aws:dynamodb:*:*:table/T*", "arn:aws:dynamodb:us-east-1:1:table/T/index/I", True),
        ("arn:aws:s3:::b*", "arn:aws:s3:::bucket/key", True),
        ("arn:aws:lambda:*:*:function:f*", "arn:aws:lambda:us-east-1:1:function:fn:live", True),
        # a wildcard in a head segment stays within it
        ("arn:aws:*:us-east-1:1:table/T", "arn:aws:dynamodb:extra:us-east-1:1:table/T", False),
        ("arn:aws:sqs:us-east-?:1:q", "arn:aws:sqs:us-east-1:1:q", True),
        ("arn:aws:sqs:us-east-?:1:q", "arn:aws:sqs:us-east-12:1:q", False),
        # case matters in ARNs
        ("arn:aws:s3:::Bucket", "arn:aws:s3:::bucket", False),
        # something that is not an ARN pattern is matched as a plain string
        ("my-*", "my-thing", True),
    ],
)
def test_arn_patterns(pattern: str, arn: str, matches: bool) -> None:
    # WHEN a policy's resource pattern is matched against an ARN
    # THEN wildcards stay within the partition/service/region/account segments, and may span : and / after
    assert arn_matches(pattern, arn) is matches


@pytest.mark.parametrize(
    ("pattern", "value", "matches"),
    [
        ("home/${aws:username}/*", "home/${aws:username}/x", True),
        ("team-*", "team-a", True),
        ("team-*", "Team-a", False),
        ("a?c", "abc", True),
        ("a?c", "ac", False),
        ("a.c", "abc", False),
        ("*", "line one\nline two", True),
    ],
)
def test_string_like(pattern: str, value: str, matches: bool) -> None:
    # WHEN StringLike compares THEN it is case-sensitive, regex characters are literal, and `*` spans lines
    assert string_like(pattern, value) is matches
