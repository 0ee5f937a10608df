"""Helpers shared by providers: "already gone" on delete, tags, numbers from templates."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from fogbank.cloud.cloudformation.providers.common import (
    as_int,
    ignore_missing,
    is_missing,
    tag_list_to_map,
    tags_of,
)


def _error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "m"}}, "Delete")


@pytest.mark.parametrize(
    ("code", "missing"),
    [
        ("NoSuchEntity", True),
        ("AWS.SimpleQueueService.NonExistentQueue", True),
        ("InvalidVpcID.NotFound", True),
        ("LoadBalancerNotFound", True),
        ("404", True),
        ("DependencyViolation", False),
        ("AccessDenied", False),
        ("NotFoundButNotReally", False),
    ],
)
def test_missing_means_a_not_found_code_or_any_code_ending_in_not_found(code: str, missing: bool) -> None:
    # WHEN AWS answered with this code THEN it means "no such resource" only for not-found codes
    assert is_missing(_error(code)) is missing


def test_deleting_what_is_already_gone_passes_and_other_errors_are_raised() -> None:
    # WHEN a delete fails because the resource is gone THEN the delete counts as done
    with ignore_missing():
        raise _error("NoSuchBucket")
    # WHEN it fails for another reason THEN the error reaches the engine
    with pytest.raises(ClientError, match="DependencyViolation"), ignore_missing():
        raise _error("DependencyViolation")


def test_tags_and_numbers() -> None:
    # GIVEN tags with extra fields, no tags, and numbers as a template gives them
    properties = {"Tags": [{"Key": "team", "Value": "a", "Extra": "x"}]}
    # THEN tags keep Key and Value only, a missing Tags is empty, and "30" and 30 are both 30
    assert tags_of(properties) == [{"Key": "team", "Value": "a"}]
    assert tags_of({"Tags": None}) == [] and tags_of({}) == []
    assert tag_list_to_map(tags_of(properties)) == {"team": "a"} and tag_list_to_map(None) == {}
    assert as_int("30") == as_int(30) == 30
    with pytest.raises(ValueError):
        as_int("thirty")
