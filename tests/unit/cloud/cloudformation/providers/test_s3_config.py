"""Lifecycle rules from CloudFormation's shape to S3's: every schema key applied, anything else refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from fogbank.cloud import LocalCloud
from fogbank.cloud.cloudformation.providers.s3_config import lifecycle_rules
from fogbank.errors import DeployError


def test_noncurrent_transitions_reach_the_bucket(
    cloud: LocalCloud, run_stack: Callable[[str, dict[str, Any]], dict[str, Any]]
) -> None:
    # GIVEN a bucket whose lifecycle rule moves noncurrent versions
    rule = {
        "Id": "big",
        "Status": "Enabled",
        "Prefix": "logs/",
        "NoncurrentVersionTransitions": [
            {"StorageClass": "GLACIER", "TransitionInDays": 30, "NewerNoncurrentVersions": 2}
        ],
    }
    template = {
        "Resources": {
            "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"LifecycleConfiguration": {"Rules": [rule]}}}
        },
        "Outputs": {"Name": {"Value": {"Ref": "Bucket"}}},
    }

    # WHEN the stack is created
    stack = run_stack("lifecycle-sizes", template)

    # THEN S3 holds the noncurrent transition
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack["Failures"]
    name = stack["Outputs"][0]["OutputValue"]
    (applied,) = cloud.client("s3").get_bucket_lifecycle_configuration(Bucket=name)["Rules"]
    assert applied["Filter"] == {"Prefix": "logs/"}
    assert applied["NoncurrentVersionTransitions"] == [
        {"NoncurrentDays": 30, "StorageClass": "GLACIER", "NewerNoncurrentVersions": 2}
    ]


def test_a_size_filter_is_refused_naming_the_resource() -> None:
    # GIVEN a lifecycle rule filtering on object size, which the local S3 does not keep
    configuration = {"Rules": [{"Status": "Enabled", "ExpirationInDays": 1, "ObjectSizeGreaterThan": 1024}]}

    # WHEN it is converted
    with pytest.raises(DeployError) as raised:
        lifecycle_rules(configuration, owner="LogBucket")

    # THEN the error names the key, the rule, the resource and the next step
    assert str(raised.value) == (
        "unsupported lifecycle rule property ObjectSizeGreaterThan in LifecycleConfiguration.Rules[0] of "
        "AWS::S3::Bucket (resource LogBucket): the local cloud's S3 does not keep it; remove it from the template"
    )


def test_transition_default_minimum_object_size_is_refused_naming_the_resource() -> None:
    # GIVEN a lifecycle configuration with TransitionDefaultMinimumObjectSize, which is not applied
    configuration = {"Rules": [], "TransitionDefaultMinimumObjectSize": "all_storage_classes_128K"}

    # WHEN it is converted, THEN it is refused naming the property and the resource
    with pytest.raises(
        DeployError, match=r"TransitionDefaultMinimumObjectSize of AWS::S3::Bucket \(resource B\)"
    ):
        lifecycle_rules(configuration, owner="B")
