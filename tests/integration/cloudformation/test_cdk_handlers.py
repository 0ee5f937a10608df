"""CDK's own Node.js custom-resource handlers run on the local cloud with the runtime's AWS SDK v3.

The handler here is aws-cdk-lib's bundled auto-delete-objects handler, unchanged: it imports
`@aws-sdk/client-s3` from the runtime (CDK leaves the SDK out of its bundle) and answers CloudFormation with
`https.request` at the ResponseURL.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from fogbank.cloud import LocalCloud

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("node") is None, reason="CDK's handlers need Node.js"),
]

STACK = "cdk-auto-delete-objects"


def _synthesize(outdir: Path) -> Path:
    import aws_cdk as cdk
    from aws_cdk import aws_s3 as s3

    app = cdk.App(outdir=str(outdir))
    stack = cdk.Stack(app, "CdkAutoDelete", synthesizer=cdk.DefaultStackSynthesizer())
    bucket = s3.Bucket(stack, "Data", auto_delete_objects=True, removal_policy=cdk.RemovalPolicy.DESTROY)
    cdk.CfnOutput(stack, "BucketName", value=bucket.bucket_name)
    app.synth()
    return outdir


@pytest.fixture(scope="module")
def assembly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _synthesize(tmp_path_factory.mktemp("cdk.out"))


def test_auto_delete_objects_empties_the_bucket_on_stack_delete(
    cloud: LocalCloud, cfn: Any, assembly: Path
) -> None:
    from fogbank.deploy import delete_stack, deploy_stack, resolve_target

    # GIVEN a bootstrapped local account and a CDK stack with an auto-delete-objects bucket, deployed
    cloud.client("ssm").put_parameter(
        Name="/cdk-bootstrap/hnb659fds/version", Value="27", Type="String", Overwrite=True
    )
    target = resolve_target("local", endpoint=cloud.endpoint)
    outputs = deploy_stack(target, assembly, STACK)
    bucket = outputs["BucketName"]
    resources = {
        r["LogicalResourceId"]: r for r in cfn.list_stack_resources(StackName=STACK)["StackResourceSummaries"]
    }
    handler = next(r for r in resources.values() if r["ResourceType"] == "AWS::Lambda::Function")
    runtime = cloud.client("lambda").get_function_configuration(FunctionName=handler["PhysicalResourceId"])
    assert runtime["Runtime"].startswith("nodejs")
    assert any(r["ResourceType"] == "Custom::S3AutoDeleteObjects" for r in resources.values())

    # GIVEN objects (and, with versioning on, older versions of one) in the bucket
    s3 = cloud.client("s3")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    for index in range(5):
        s3.put_object(Bucket=bucket, Key=f"data/{index}.json", Body=b"{}")
    s3.put_object(Bucket=bucket, Key="data/0.json", Body=b'{"v": 2}')
    assert len(s3.list_object_versions(Bucket=bucket)["Versions"]) == 6

    # WHEN the stack is deleted
    delete_stack(target, STACK)

    # THEN the stack reached DELETE_COMPLETE, because CDK's real handler emptied the bucket so it could go
    summaries = cfn.list_stacks(StackStatusFilter=["DELETE_COMPLETE"])["StackSummaries"]
    deleted_stack = next(s for s in summaries if s["StackName"] == STACK)
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    events = cfn.describe_stack_events(StackName=deleted_stack["StackId"])["StackEvents"]
    deleted = {
        (e["LogicalResourceId"], e["ResourceStatus"])
        for e in events
        if e["ResourceType"].startswith("Custom::")
    }
    assert any(status == "DELETE_COMPLETE" for _, status in deleted)
    logs = cloud.client("logs").filter_log_events(
        logGroupName=f"/aws/lambda/{handler['PhysicalResourceId']}", filterPattern="submit"
    )
    assert any("SUCCESS" in event["message"] for event in logs["events"])
