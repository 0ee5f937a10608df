"""AWS::CDK::Metadata: a resource of the stack only, created, kept across updates and deleted with it."""

from __future__ import annotations

from typing import Any

from ..conftest import body, delete, deploy


def _template(analytics: str) -> str:
    return body({"CDKMetadata": {"Type": "AWS::CDK::Metadata", "Properties": {"Analytics": analytics}}})


def test_cdk_metadata_is_a_resource_of_the_stack_only(cfn: Any) -> None:
    # WHEN a stack holding only CDK's metadata is created, updated and deleted
    deploy(cfn, "s", _template("v2:deflate64:AAA"))
    (resource,) = cfn.describe_stack_resources(StackName="s")["StackResources"]
    deploy(cfn, "s", _template("v2:deflate64:BBB"), update=True)
    (updated,) = cfn.describe_stack_resources(StackName="s")["StackResources"]
    # THEN it is a resource with a physical id of the stack's, kept across updates, and deleted with the stack
    assert resource["ResourceType"] == "AWS::CDK::Metadata" and resource["PhysicalResourceId"].startswith(
        "s-"
    )
    assert updated["PhysicalResourceId"] == resource["PhysicalResourceId"]
    assert delete(cfn, "s")["StackStatus"] == "DELETE_COMPLETE"
