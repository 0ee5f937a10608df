"""CDK-synthesized stacks (default synthesizer: bootstrap version parameter and rule) deploy and run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fogbank.cloud import LocalCloud

pytestmark = pytest.mark.slow

HANDLER = """
import json, os
import shared_layer

def handler(event, context):
    return {"name": os.environ["NAME"], "layer": shared_layer.WHO}
"""


def _synthesize(outdir: Path, source: Path) -> Path:
    import aws_cdk as cdk
    from aws_cdk import aws_lambda as lambda_
    from aws_cdk import aws_logs as logs

    app = cdk.App(outdir=str(outdir))
    stack = cdk.Stack(app, "CdkTwoFunctions", synthesizer=cdk.DefaultStackSynthesizer())
    layer = lambda_.LayerVersion(stack, "Shared", code=lambda_.Code.from_asset(str(source / "layer")))
    for name in ("First", "Second"):
        function = lambda_.Function(
            stack,
            name,
            runtime=lambda_.Runtime.PYTHON_3_11,
            handler="app.handler",
            code=lambda_.Code.from_asset(str(source / "function")),
            layers=[layer],
            environment={"NAME": name},
            tracing=lambda_.Tracing.ACTIVE,
            log_group=logs.LogGroup(
                stack,
                f"{name}Logs",
                retention=logs.RetentionDays.ONE_WEEK,
                removal_policy=cdk.RemovalPolicy.DESTROY,
            ),
        )
        cdk.CfnOutput(stack, f"{name}Name", value=function.function_name)
    app.synth()
    return outdir


@pytest.fixture(scope="module")
def assembly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source")
    (source / "function").mkdir()
    (source / "function" / "app.py").write_text(HANDLER)
    (source / "layer" / "python").mkdir(parents=True)
    (source / "layer" / "python" / "shared_layer.py").write_text("WHO = 'the shared layer'\n")
    return _synthesize(tmp_path_factory.mktemp("cdk.out"), source)


def test_cdk_stack_deploys_runs_and_deletes(cloud: LocalCloud, cfn: Any, assembly: Path) -> None:
    from fogbank.deploy import delete_stack, deploy_stack, resolve_target

    # GIVEN a bootstrapped local account (the CDK bootstrap version parameter the template's rule checks)
    cloud.client("ssm").put_parameter(Name="/cdk-bootstrap/hnb659fds/version", Value="27", Type="String")
    target = resolve_target("local", endpoint=cloud.endpoint)

    # WHEN the synthesized assembly is deployed through fogbank.deploy (assets to S3, CreateStack, wait)
    outputs = deploy_stack(target, assembly, "cdk-two-functions")

    # THEN both functions run with the layer from the same template
    lam = cloud.client("lambda")
    for name in ("First", "Second"):
        answer = json.loads(lam.invoke(FunctionName=outputs[f"{name}Name"])["Payload"].read())
        assert answer == {"name": name, "layer": "the shared layer"}
        config = lam.get_function_configuration(FunctionName=outputs[f"{name}Name"])
        assert config["TracingConfig"]["Mode"] == "Active"
    types = {
        r["ResourceType"]
        for r in cfn.list_stack_resources(StackName="cdk-two-functions")["StackResourceSummaries"]
    }
    assert {
        "AWS::Lambda::Function",
        "AWS::Lambda::LayerVersion",
        "AWS::IAM::Role",
        "AWS::Logs::LogGroup",
    } <= types

    # WHEN it is deleted
    delete_stack(target, "cdk-two-functions")

    # THEN the functions are gone
    assert lam.list_functions()["Functions"] == []


def test_old_bootstrap_version_fails_the_rule(cloud: LocalCloud, cfn: Any, assembly: Path) -> None:
    # GIVEN an account bootstrapped with a version older than the template requires
    cloud.client("ssm").put_parameter(
        Name="/cdk-bootstrap/hnb659fds/version", Value="5", Type="String", Overwrite=True
    )
    template = (assembly / "CdkTwoFunctions.template.json").read_text()

    # WHEN CreateStack is called
    # THEN the CheckBootstrapVersion rule refuses it with the CDK's description
    with pytest.raises(Exception, match=r"CDK bootstrap stack version 6 required\."):
        cfn.create_stack(StackName="too-old", TemplateBody=template, Capabilities=["CAPABILITY_IAM"])
