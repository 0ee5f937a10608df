"""The seed's own deploy path: `npx cdk deploy --app cdk.out/<feature> --method=direct` against the local cloud.

The CDK CLI (npm package aws-cdk, pinned below) is installed into a temporary folder for this test; it talks to
the local cloud through AWS_ENDPOINT_URL, as it would talk to AWS.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import boto3
import pytest
from typer.testing import CliRunner

from fogbank.cli.main import app
from fogbank.cloud import LocalCloud
from fogbank.deploy.targets import LOCAL_CREDENTIALS, Target
from fogbank.infrastructure import find_infrastructure_class

CDK_CLI_VERSION = "2.1148.1"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "features"
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("cdk-cli")]


@pytest.fixture(scope="module")
def cdk_cli(tmp_path_factory: pytest.TempPathFactory) -> Path:
    npm = shutil.which("npm")
    assert npm, "the CDK CLI test needs Node.js and npm on PATH"
    prefix = tmp_path_factory.mktemp("cdk-cli")
    subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--prefix", str(prefix), f"aws-cdk@{CDK_CLI_VERSION}"],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return prefix / "node_modules" / ".bin" / "cdk"


def test_cdk_cli_deploys_a_synthesized_feature_to_the_local_cloud(cdk_cli: Path, tmp_path: Path) -> None:
    project = tmp_path / "proj"
    shutil.copytree(FIXTURES, project, ignore=shutil.ignore_patterns("cdk.out", "__pycache__"))
    with LocalCloud() as cloud:
        # GIVEN a feature synthesized by fogbank into cdk.out/<feature>, and the cloud bootstrapped for the CDK
        # with `fogbank cloud bootstrap`
        session = boto3.session.Session(region_name=cloud.region, **LOCAL_CREDENTIALS)
        target = Target("local", session, cloud.endpoint, known_account=cloud.context.account_id)
        stack = find_infrastructure_class(project / "two_handlers" / "infrastructure.py")(target=target)
        assembly = stack.synth()
        bootstrapped = CliRunner().invoke(app, ["cloud", "bootstrap", "--endpoint", cloud.endpoint])
        assert bootstrapped.exit_code == 0, bootstrapped.output
        assert "cdk-hnb659fds-assets-123456789012-us-east-1" in bootstrapped.output

        # WHEN the CDK CLI deploys the assembly directly through the CloudFormation API
        env = {**os.environ, **cloud.env(), "CDK_DISABLE_VERSION_CHECK": "1"}
        result = subprocess.run(
            [
                str(cdk_cli),
                "deploy",
                "--app",
                str(assembly),
                "--method=direct",
                "--require-approval",
                "never",
            ],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-3000:]

        # THEN the stack is complete and its function runs
        cfn = cloud.client("cloudformation")
        description = cfn.describe_stacks(StackName=stack.stack_name)["Stacks"][0]
        assert description["StackStatus"] == "CREATE_COMPLETE"
        outputs = {o["OutputKey"]: o["OutputValue"] for o in description["Outputs"]}
        answer = cloud.client("lambda").invoke(
            FunctionName=outputs["BasicHandler"], Payload=b'{"message": "cli"}'
        )
        assert json.loads(answer["Payload"].read())["message"] == "cli"

        # AND `cdk destroy` removes it again
        destroyed = subprocess.run(
            [str(cdk_cli), "destroy", "--app", str(assembly), "--force"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert destroyed.returncode == 0, destroyed.stderr[-3000:]
        names = [
            s["StackName"]
            for s in cfn.list_stacks()["StackSummaries"]
            if s["StackStatus"] != "DELETE_COMPLETE"
        ]
        assert stack.stack_name not in names
