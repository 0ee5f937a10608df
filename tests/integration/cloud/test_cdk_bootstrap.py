"""`fogbank cloud bootstrap` deploys the CDK CLI's own bootstrap template as the CDKToolkit stack."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from fogbank.cli.main import app
from fogbank.cloud import LocalCloud
from fogbank.deploy.bootstrap import bootstrap_template


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    with LocalCloud() as running:
        yield running


def test_bootstrap_makes_the_cdk_toolkit_stack_and_is_idempotent(cloud: LocalCloud) -> None:
    # GIVEN a running local cloud WHEN `fogbank cloud bootstrap` runs twice
    first = CliRunner().invoke(app, ["cloud", "bootstrap", "--endpoint", cloud.endpoint])
    second = CliRunner().invoke(app, ["cloud", "bootstrap", "--endpoint", cloud.endpoint])

    # THEN the CDKToolkit stack runs the CDK's template, and the second run keeps it
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert "CDKToolkit: CREATE_COMPLETE" in second.output
    cfn = cloud.client("cloudformation")
    assert cfn.get_template(StackName="CDKToolkit")["TemplateBody"] == bootstrap_template()
    # AND what the CDK CLI relies on exists: the staging bucket, the repository, the roles, the version
    account, region = cloud.context.account_id, cloud.region
    bucket = f"cdk-hnb659fds-assets-{account}-{region}"
    assert f"asset bucket: {bucket}" in first.output
    s3 = cloud.client("s3")
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]["BlockPublicAcls"]
    rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert {r["ID"] for r in rules} == {"CleanupOldVersions", "AbortIncompleteMultipartUploads"}
    repository = f"cdk-hnb659fds-container-assets-{account}-{region}"
    (repo,) = cloud.client("ecr").describe_repositories(repositoryNames=[repository])["repositories"]
    assert repo["imageTagMutability"] == "IMMUTABLE"
    roles = {r["RoleName"] for r in cloud.client("iam").list_roles()["Roles"]}
    for kind in ("deploy", "cfn-exec", "file-publishing", "image-publishing", "lookup"):
        assert f"cdk-hnb659fds-{kind}-role-{account}-{region}" in roles
    version = cloud.client("ssm").get_parameter(Name="/cdk-bootstrap/hnb659fds/version")["Parameter"]["Value"]
    outputs = {
        o["OutputKey"]: o["OutputValue"]
        for o in cfn.describe_stacks(StackName="CDKToolkit")["Stacks"][0]["Outputs"]
    }
    assert int(version) >= 30 and outputs["BootstrapVersion"] == version
