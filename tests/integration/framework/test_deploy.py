"""The deploy layer against a real LocalCloud: assets, create, update, delete, failures, lookups."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from fogbank.cloud import LocalCloud
from fogbank.deploy.assets import publish_assets
from fogbank.deploy.stacks import stack_status
from fogbank.deploy.targets import Target
from fogbank.errors import DeployError
from fogbank.infrastructure import find_infrastructure_class

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("framework-test_deploy")]


def _empty_bucket(s3: Any, bucket: str) -> None:
    if bucket in [item["Name"] for item in s3.list_buckets()["Buckets"]]:
        for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=item["Key"])


def _stack(project: Path, feature: str, target: Target):
    return find_infrastructure_class(project / feature / "infrastructure.py")(target=target)


def test_assets_are_uploaded_once_into_a_bucket_created_on_the_local_cloud(
    project: Path, local_target: Target
):
    # GIVEN a synthesized feature with a layer and a handlers asset, and a cloud without the asset bucket
    assembly = _stack(project, "two_handlers", local_target).synth()
    bucket = "cdk-hnb659fds-assets-123456789012-us-east-1"
    s3 = local_target.client("s3")
    assert bucket not in [item["Name"] for item in s3.list_buckets()["Buckets"]]
    # WHEN the assets are published twice
    first = publish_assets(local_target, assembly)
    second = publish_assets(local_target, assembly)
    # THEN the bucket exists, every asset was uploaded once, and the second publish skipped them all
    keys = sorted(item["Key"] for item in s3.list_objects_v2(Bucket=bucket)["Contents"])
    assert sorted(first.uploaded) == keys and len(keys) == 3  # layer zip, handlers zip, template json
    assert first.skipped == [] and sorted(second.skipped) == keys and second.uploaded == []


def test_zipped_directory_assets_are_kept_in_the_zip_cache_and_reused_by_a_fresh_cloud(
    project: Path, local_target: Target, tmp_path: Path
):
    # GIVEN a synthesized feature, an empty zip cache, and none of its assets in the bucket yet
    assembly = _stack(project, "two_handlers", local_target).synth()
    cache = tmp_path / "zips"
    bucket = "cdk-hnb659fds-assets-123456789012-us-east-1"
    s3 = local_target.client("s3")
    _empty_bucket(s3, bucket)
    # WHEN its assets are published with the cache
    first = publish_assets(local_target, assembly, zip_cache=cache)
    # THEN each directory asset's zip is in the cache under its asset id, byte for byte what was uploaded
    zips = sorted(cache.glob("*.zip"))
    assert len(zips) == 2 and not list(cache.glob("*.partial"))  # layer + handlers; no leftovers
    uploaded = {key: s3.get_object(Bucket=bucket, Key=key)["Body"].read() for key in first.uploaded}
    for cached in zips:
        assert cached.read_bytes() in uploaded.values()
    # WHEN the bucket is emptied (a fresh cloud) and the cached zips are published again
    _empty_bucket(s3, bucket)
    stamps = {cached: cached.stat().st_mtime_ns for cached in zips}
    again = publish_assets(local_target, assembly, zip_cache=cache)
    # THEN the same bytes are uploaded from the cache, which was not rebuilt
    assert sorted(again.uploaded) == sorted(first.uploaded)
    assert {cached: cached.stat().st_mtime_ns for cached in zips} == stamps
    for key in again.uploaded:
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == uploaded[key]


def test_a_real_feature_deploys_and_its_functions_run_with_the_layer(project: Path, local_target: Target):
    # GIVEN the two-handler feature (functions, shared layer of `six`, log groups)
    stack = _stack(project, "two_handlers", local_target)
    try:
        # WHEN it is deployed to the local cloud
        outputs = stack.deploy()
        lambda_client = local_target.client("lambda")
        # THEN the function answers, and the layer's package is importable inside it
        answer = lambda_client.invoke(FunctionName=outputs["BasicHandler"], Payload=b'{"message": "hi"}')
        assert json.loads(answer["Payload"].read()) == {"message": "hi", "layer_has_six": True}
        configuration = lambda_client.get_function(FunctionName=outputs["BasicHandlerArn"])["Configuration"]
        assert configuration["TracingConfig"] == {"Mode": "Active"} and len(configuration["Layers"]) == 1
        # AND the second function keeps its state between warm invocations
        first = lambda_client.invoke(FunctionName=outputs["ColdStart"], Payload=b"{}")["Payload"].read()
        second = lambda_client.invoke(FunctionName=outputs["ColdStart"], Payload=b"{}")["Payload"].read()
        assert json.loads(first) == {"cold_start": True} and json.loads(second) == {"cold_start": False}
        # AND each function's log group exists with a 1-day retention
        group = f"/aws/lambda/{outputs['BasicHandler']}"
        groups = local_target.client("logs").describe_log_groups(logGroupNamePrefix=group)["logGroups"]
        assert [(g["logGroupName"], g.get("retentionInDays")) for g in groups] == [(group, 1)]
    finally:
        stack.delete()
    status = stack_status(local_target, stack.stack_name)
    assert status is None or status["StackStatus"] == "DELETE_COMPLETE"


def test_create_update_and_delete_a_stack(project: Path, local_target: Target):
    # GIVEN a feature with a queue
    stack = _stack(project, "queue_only", local_target)
    # WHEN it is deployed
    outputs = stack.deploy()
    # THEN its outputs are returned and written to stack_outputs.json, and the queue exists
    written = json.loads((stack.assembly_dir / "stack_outputs.json").read_text(encoding="utf-8"))
    assert dict(outputs) == written and set(written) == {"OrdersQueueName", "OrdersQueueNameArn"}
    sqs = local_target.client("sqs")
    assert sqs.get_queue_url(QueueName=outputs["OrdersQueueName"])["QueueUrl"]
    assert stack_status(local_target, stack.stack_name)["StackStatus"] == "CREATE_COMPLETE"
    tags = {t["Key"]: t["Value"] for t in stack_status(local_target, stack.stack_name)["Tags"]}
    assert tags["fogbank:feature"] == "queue-only" and tags["fogbank:project"] == "proj"
    # WHEN it is deployed again unchanged (the update path)
    again = _stack(project, "queue_only", local_target).deploy()
    # THEN the same stack answers with the same outputs
    assert dict(again) == dict(outputs)
    # WHEN it is deleted
    stack.delete()
    # THEN the stack is gone once delete returns, and so is the queue
    status = stack_status(local_target, stack.stack_name)
    assert status is None or status["StackStatus"] == "DELETE_COMPLETE"
    assert outputs["OrdersQueueName"] not in json.dumps(sqs.list_queues())


def test_a_failing_deploy_names_the_failing_resource_and_leaves_nothing(project: Path, local_target: Target):
    # GIVEN a feature with a resource type the cloud does not support
    stack = _stack(project, "unsupported_type", local_target)
    queues_before = local_target.client("sqs").list_queues().get("QueueUrls", [])
    # WHEN it is deployed
    with pytest.raises(DeployError) as caught:
        stack.deploy()
    # THEN the error names the stack, its end state and the failing resource with its type
    message = str(caught.value)
    assert f"stack {stack.stack_name} ended in " in message and "instead of CREATE_COMPLETE" in message
    assert "Mystery (AWS::Mystery::Thing) CREATE_FAILED" in message
    # AND after delete nothing is left behind
    stack.delete()
    assert local_target.client("sqs").list_queues().get("QueueUrls", []) == queues_before
    status = stack_status(local_target, stack.stack_name)
    assert status is None or status["StackStatus"] == "DELETE_COMPLETE"


def test_vpc_lookup_is_resolved_against_the_target_and_stored(project: Path, local_target: Target):
    # GIVEN a feature using Vpc.from_lookup(is_default=True), and the region's default VPC on the cloud
    default_vpc = local_target.client("ec2").describe_vpcs(
        Filters=[{"Name": "isDefault", "Values": ["true"]}]
    )
    vpc_id = default_vpc["Vpcs"][0]["VpcId"]
    # WHEN it is synthesized
    assembly = _stack(project, "default_vpc", local_target).synth()
    # THEN the lookup was answered in cdk.context.json, in the CDK CLI's shape, and used in the template
    context = json.loads((project / "default_vpc" / "cdk.context.json").read_text(encoding="utf-8"))
    (key,) = [key for key in context if key.startswith("vpc-provider:")]
    assert context[key]["vpcId"] == vpc_id
    groups = context[key]["subnetGroups"]
    assert groups and groups[0]["type"] == "Public" and all(s["routeTableId"] for s in groups[0]["subnets"])
    template = json.loads(next(assembly.glob("*.template.json")).read_text(encoding="utf-8"))
    assert template["Outputs"]["VpcId"]["Value"] == vpc_id
    assert int(template["Outputs"]["PublicSubnetCount"]["Value"]) == len(groups[0]["subnets"])
    assert not json.loads((assembly / "manifest.json").read_text(encoding="utf-8")).get("missing")


def test_cli_deploy_prints_outputs_and_destroy_removes_the_stack(project: Path, cloud: LocalCloud):
    # GIVEN the fogbank command and a running local cloud
    from fogbank.cli.main import app

    runner = CliRunner()
    # WHEN a feature folder is deployed through it
    deployed = runner.invoke(app, ["deploy", str(project / "queue_only"), "--endpoint", cloud.endpoint])
    # THEN the outputs are printed as JSON
    assert deployed.exit_code == 0, deployed.output
    outputs = json.loads(deployed.stdout)
    assert set(outputs) == {"OrdersQueueName", "OrdersQueueNameArn"}
    # WHEN the feature is destroyed by folder
    destroyed = runner.invoke(app, ["destroy", str(project / "queue_only"), "--endpoint", cloud.endpoint])
    # THEN its stack is deleted
    assert destroyed.exit_code == 0, destroyed.output
    assert "deleted fogbank-queue-only-" in destroyed.stderr
    alive = cloud.client("cloudformation").list_stacks(StackStatusFilter=["CREATE_COMPLETE"])[
        "StackSummaries"
    ]
    assert not [s for s in alive if s["StackName"].startswith("fogbank-queue-only-")]
    for name in [name for name in sys.modules if name.startswith("fogbank_feature_")]:
        del sys.modules[name]


def test_cli_deploy_uses_the_cloud_named_by_aws_endpoint_url(
    project: Path, cloud: LocalCloud, monkeypatch: pytest.MonkeyPatch
):
    # GIVEN a running local cloud exported as `fogbank cloud start` suggests, and no --endpoint
    from fogbank.cli.main import app

    monkeypatch.setenv("AWS_ENDPOINT_URL", cloud.endpoint)
    runner = CliRunner()
    # WHEN a feature folder is deployed
    deployed = runner.invoke(app, ["deploy", str(project / "queue_only")])
    # THEN it went to that cloud (no throwaway cloud was started), and it can be destroyed from there
    assert deployed.exit_code == 0, deployed.output
    assert "started a local cloud" not in deployed.stderr
    queue = json.loads(deployed.stdout)["OrdersQueueName"]
    assert queue in " ".join(cloud.client("sqs").list_queues().get("QueueUrls", []))
    destroyed = runner.invoke(app, ["destroy", str(project / "queue_only")])
    assert destroyed.exit_code == 0, destroyed.output


def test_redeploying_the_template_an_update_rolled_back_to_succeeds(project: Path, local_target: Target):
    # GIVEN a deployed feature whose next update failed and rolled back to the deployed template
    stack = _stack(project, "queue_only", local_target)
    try:
        outputs = stack.deploy()
        cloudformation = local_target.client("cloudformation")
        body = cloudformation.get_template(StackName=stack.stack_name)["TemplateBody"]
        template = dict(body) if not isinstance(body, str) else json.loads(body)  # boto3 parses JSON bodies
        template["Resources"]["Broken"] = {"Type": "AWS::Mystery::Thing"}
        tags = cloudformation.describe_stacks(StackName=stack.stack_name)["Stacks"][0]["Tags"]
        cloudformation.update_stack(
            StackName=stack.stack_name,
            TemplateBody=json.dumps(template),
            Tags=tags,
            Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"],
        )
        with pytest.raises(Exception, match="UPDATE_ROLLBACK_COMPLETE"):
            cloudformation.get_waiter("stack_update_complete").wait(
                StackName=stack.stack_name, WaiterConfig={"Delay": 0.1, "MaxAttempts": 300}
            )
        # WHEN the unchanged feature is deployed again ("No updates are to be performed")
        again = stack.deploy()
        # THEN the deploy succeeds with the stack's outputs
        assert dict(again) == dict(outputs)
    finally:
        stack.delete()
