"""Small helpers shared by providers.

Example:
    >>> tag_list_to_map([{"Key": "a", "Value": "1"}])
    {'a': '1'}
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from botocore.exceptions import ClientError

__all__ = ["NOT_FOUND_CODES", "as_int", "ignore_missing", "is_missing", "tag_list_to_map", "tags_of"]

NOT_FOUND_CODES = frozenset(
    {
        "ResourceNotFoundException",
        "NoSuchEntity",
        "NoSuchBucket",
        "AWS.SimpleQueueService.NonExistentQueue",
        "QueueDoesNotExist",
        "NotFound",
        "NotFoundException",
        "ParameterNotFound",
        "RepositoryNotFoundException",
        "RepositoryPolicyNotFoundException",
        "LifecyclePolicyNotFoundException",
        "404",
    }
)


def is_missing(exc: ClientError) -> bool:
    """Whether AWS answered "no such resource": a code of NOT_FOUND_CODES, or any `*NotFound` code (EC2's
    `InvalidVpcID.NotFound`, ELBv2's `LoadBalancerNotFound`, ...).

    Example:
        >>> is_missing(ClientError({"Error": {"Code": "InvalidGroup.NotFound"}}, "DeleteSecurityGroup"))
        True
        >>> is_missing(ClientError({"Error": {"Code": "DependencyViolation"}}, "DeleteVpc"))
        False
    """
    code = str(exc.response.get("Error", {}).get("Code", ""))
    return code in NOT_FOUND_CODES or code.endswith("NotFound")


@contextmanager
def ignore_missing() -> Iterator[None]:
    """Delete calls: a resource that is already gone is deleted (the one helper every provider uses)."""
    try:
        yield
    except ClientError as exc:
        if not is_missing(exc):
            raise


def tag_list_to_map(tags: list[dict[str, str]] | None) -> dict[str, str]:
    """CloudFormation's `[{Key, Value}]` as a map."""
    return {tag["Key"]: tag["Value"] for tag in tags or []}


def tags_of(properties: dict[str, Any]) -> list[dict[str, str]]:
    """The Tags property as `[{Key, Value}]`, or an empty list."""
    return [{"Key": t["Key"], "Value": t["Value"]} for t in properties.get("Tags") or []]


def as_int(value: Any) -> int:
    """Template numbers arrive as int or string."""
    return int(str(value))
