"""The seed's own deploy path: `npx cdk deploy --app cdk.out/<feature> --method=direct` against the local cloud.

The CDK CLI (npm package aws-cdk, pinned in fogbank.deploy.bootstrap) is installed once into fogbank's cache by
`ensure_cdk_cli` (the same install `.ci/aws-rehearsal` uses); it talks to the local cloud through
AWS_ENDPOINT_URL, as it would talk to AWS.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fogbank.cli.main import app
from fogbank.cloud import LocalCloud
from fogbank.deploy.bootstrap import bootstrap_template
from fogbank.deploy.cdk_cli import ensure_cdk_cli
from fogbank.deploy.targets import local_target
from fogbank.infrastructure import find_infrastructure_class

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "features"
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("cdk-cli")]


@pytest.fixture(scope="module")
def cdk_cli() -> Path:
    return ensure_cdk_cli()


def _cdk(cdk_cli: Path, args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(cdk_cli), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_fogbank_bootstrap_runs_the_pinned_clis_own_template(cdk_cli: Path) -> None:
    # GIVEN the CDK CLI this test installed WHEN its bootstrap template is compared with fogbank's copy
    shipped = cdk_cli.resolve().parents[1] / "lib" / "api" / "bootstrap" / "bootstrap-template.yaml"
    # THEN they are the same bytes: `fogbank cloud bootstrap` deploys exactly what `cdk bootstrap` deploys
    assert shipped.read_text() == bootstrap_template()


def test_cdk_cli_bootstraps_then_deploys_with_the_default_synthesizer(cdk_cli: Path, tmp_path: Path) -> None:
    project = tmp_path / "proj"
    shutil.copytree(FIXTURES, project, ignore=shutil.ignore_patterns("cdk.out", "__pycache__"))
    with LocalCloud() as cloud:
        env = {**os.environ, **cloud.env(), "CDK_DISABLE_VERSION_CHECK": "1"}
        account, region = cloud.context.account_id, cloud.region

        # GIVEN a local cloud bootstrapped by the CDK CLI itself, unmodified
        bootstrapped = _cdk(cdk_cli, ["bootstrap", f"aws://{account}/{region}"], project, env)
        assert bootstrapped.returncode == 0, bootstrapped.stderr[-3000:]
        # AND a feature synthesized with the DefaultStackSynthesizer (bootstrap version check, staging bucket,
        # deploy and publishing roles)
        target = local_target(cloud.endpoint, region=region, account_id=account)
        feature = project / "default_synth"
        shutil.copytree(project / "two_handlers", feature)
        source = (feature / "infrastructure.py").read_text()
        (feature / "infrastructure.py").write_text(
            source.replace("class TwoHandlersStack", "class DefaultSynthStack")
            + "\n    def create_synthesizer(self):  # the CLI's default: needs the bootstrap roles and version\n"
            + "        from aws_cdk import DefaultStackSynthesizer\n\n        return DefaultStackSynthesizer()\n"
        )
        stack = find_infrastructure_class(feature / "infrastructure.py")(target=target)
        assembly = stack.synth()

        # WHEN the CLI deploys it its default way (a change set), then again with nothing changed
        deployed = _cdk(
            cdk_cli, ["deploy", "--app", str(assembly), "--require-approval", "never"], project, env
        )
        again = _cdk(cdk_cli, ["deploy", "--app", str(assembly), "--require-approval", "never"], project, env)

        # THEN the stack is complete, its function runs, and the second deploy changes nothing
        assert deployed.returncode == 0, deployed.stderr[-3000:]
        assert again.returncode == 0, again.stderr[-3000:]
        assert "no changes" in (again.stdout + again.stderr).lower()
        cfn = cloud.client("cloudformation")
        description = cfn.describe_stacks(StackName=stack.stack_name)["Stacks"][0]
        assert description["StackStatus"] == "CREATE_COMPLETE"
        outputs = {o["OutputKey"]: o["OutputValue"] for o in description["Outputs"]}
        answer = cloud.client("lambda").invoke(
            FunctionName=outputs["BasicHandler"], Payload=b'{"message": "cli"}'
        )
        assert json.loads(answer["Payload"].read())["message"] == "cli"
        staged = cloud.client("s3").list_objects_v2(Bucket=f"cdk-hnb659fds-assets-{account}-{region}")
        assert staged.get("KeyCount", 0) >= 1

        # AND `cdk destroy` removes it again
        destroyed = _cdk(cdk_cli, ["destroy", "--app", str(assembly), "--force"], project, env)
        assert destroyed.returncode == 0, destroyed.stderr[-3000:]
        live = [
            s["StackName"]
            for s in cfn.list_stacks()["StackSummaries"]
            if s["StackStatus"] != "DELETE_COMPLETE"
        ]
        assert stack.stack_name not in live


def test_cdk_cli_deploys_a_fogbank_feature_directly_after_fogbank_bootstrap(
    cdk_cli: Path, tmp_path: Path
) -> None:
    project = tmp_path / "proj"
    shutil.copytree(FIXTURES, project, ignore=shutil.ignore_patterns("cdk.out", "__pycache__"))
    with LocalCloud() as cloud:
        # GIVEN a feature synthesized by fogbank into cdk.out/<feature>, and the cloud bootstrapped by
        # `fogbank cloud bootstrap` (the same template, run for you)
        target = local_target(cloud.endpoint, region=cloud.region, account_id=cloud.account_id)
        stack = find_infrastructure_class(project / "two_handlers" / "infrastructure.py")(target=target)
        assembly = stack.synth()
        bootstrapped = CliRunner().invoke(app, ["cloud", "bootstrap", "--endpoint", cloud.endpoint])
        assert bootstrapped.exit_code == 0, bootstrapped.output

        # WHEN the CDK CLI deploys the assembly the seed's way (directly through the CloudFormation API)
        env = {**os.environ, **cloud.env(), "CDK_DISABLE_VERSION_CHECK": "1"}
        result = _cdk(
            cdk_cli,
            ["deploy", "--app", str(assembly), "--method=direct", "--require-approval", "never"],
            project,
            env,
        )
        assert result.returncode == 0, result.stderr[-3000:]

        # THEN the stack is complete, and `cdk destroy` removes it again
        cfn = cloud.client("cloudformation")
        description = cfn.describe_stacks(StackName=stack.stack_name)["Stacks"][0]
        assert description["StackStatus"] == "CREATE_COMPLETE"
        destroyed = _cdk(cdk_cli, ["destroy", "--app", str(assembly), "--force"], project, env)
        assert destroyed.returncode == 0, destroyed.stderr[-3000:]
