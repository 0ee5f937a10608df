"""Operations whose IAM action is not their name: every entry names actions the dataset has."""

from __future__ import annotations

import pytest

from fogbank.cloud.iam.catalog import action_info
from fogbank.cloud.iam.overrides import OVERRIDES, actions_for, iam_prefix


@pytest.mark.parametrize(("service", "operation"), sorted(OVERRIDES))
def test_every_override_names_actions_the_dataset_has(service: str, operation: str) -> None:
    # GIVEN an entry of the override table
    # WHEN its actions are looked up in the Service Authorization Reference
    # THEN each exists (a typo would silently never match a policy)
    for action in OVERRIDES[(service, operation)]:
        prefix, _, name = action.partition(":")
        assert action_info(prefix, name) is not None, action


@pytest.mark.parametrize(
    ("prefix", "operation", "actions"),
    [
        ("s3", "ListObjectsV2", ("s3:ListBucket",)),
        ("dynamodb", "PutItem", ("dynamodb:PutItem",)),
        ("sts", "GetCallerIdentity", ()),
    ],
)
def test_an_operation_needs_its_override_else_the_action_of_its_name(
    prefix: str, operation: str, actions: tuple[str, ...]
) -> None:
    # WHEN an operation's actions are asked THEN the table's exception, or `<prefix>:<operation>`
    assert actions_for(prefix, operation) == actions


def test_signing_names_map_to_iam_prefixes() -> None:
    # WHEN a signing name differs from the IAM prefix THEN the prefix is IAM's; else it is unchanged
    assert iam_prefix("monitoring") == "cloudwatch"
    assert iam_prefix("s3") == "s3"
