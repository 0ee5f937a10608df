"""IAM's wildcard matching for actions, ARNs and strings, compiled once and cached.

IAM's `*` matches any run of characters and `?` any one character. Actions match case-insensitively.
In an ARN pattern a wildcard stays within its segment (partition, service, region, account), except in
the last segment (the resource), where it may span `:` and `/`.

Example:
    >>> action_matches("s3:Get*", "s3:GetObject")
    True
    >>> arn_matches("arn:aws:dynamodb:*:*:table/T", "arn:aws:dynamodb:us-east-1:1:table/T")
    True
    >>> arn_matches("arn:aws:s3:::b*", "arn:aws:s3:::bucket/key")
    True
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["action_matches", "arn_matches", "string_like"]


def _glob_to_regex(pattern: str, wildcard: str = ".*", single: str = ".") -> str:
    parts: list[str] = []
    for char in pattern:
        if char == "*":
            parts.append(wildcard)
        elif char == "?":
            parts.append(single)
        else:
            parts.append(re.escape(char))
    return "".join(parts)


@lru_cache(maxsize=4096)
def _action_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(_glob_to_regex(pattern), re.IGNORECASE | re.DOTALL)


@lru_cache(maxsize=8192)
def _string_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(_glob_to_regex(pattern), re.DOTALL)


@lru_cache(maxsize=8192)
def _arn_regex(pattern: str) -> re.Pattern[str]:
    if pattern == "*":
        return re.compile(".*", re.DOTALL)
    segments = pattern.split(":", 5)
    if len(segments) < 6 or segments[0] != "arn":
        return _string_regex(pattern)
    head = [_glob_to_regex(segment, "[^:]*", "[^:]") for segment in segments[:5]]
    return re.compile(":".join([*head, _glob_to_regex(segments[5])]), re.DOTALL)


def action_matches(pattern: str, action: str) -> bool:
    """True when the policy's action pattern (`s3:Get*`, `*`) covers `action` (case-insensitive)."""
    if pattern == "*":
        return True
    return _action_regex(pattern).fullmatch(action) is not None


def arn_matches(pattern: str, arn: str) -> bool:
    """True when the policy's resource pattern covers `arn`, segment by segment."""
    if pattern == "*":
        return True
    return _arn_regex(pattern).fullmatch(arn) is not None


def string_like(pattern: str, value: str) -> bool:
    """StringLike: `*` and `?` wildcards, case-sensitive, over the whole value."""
    return _string_regex(pattern).fullmatch(value) is not None
