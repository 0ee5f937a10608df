"""aws_s3_deployment.BucketDeployment end to end: CDK's arm64 handler runs the AWS CLI from its layer at /opt.

Deploy puts the source files in the bucket; an update with changed sources replaces changed objects and,
with prune (the default), removes objects no longer in the source; deleting the stack removes the objects
when retain_on_delete is off, and keeps them when it is on (the CDK default), as on AWS.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fogbank.cloud import LocalCloud

pytestmark = pytest.mark.slow

BUCKET = "site-destination"


def _synthesize(outdir: Path, site: Path, *, retain_on_delete: bool) -> Path:
    import aws_cdk as cdk
    from aws_cdk import aws_s3 as s3
    from aws_cdk import aws_s3_deployment as s3_deployment

    app = cdk.App(outdir=str(outdir))
    stack = cdk.Stack(app, "Site", synthesizer=cdk.CliCredentialsStackSynthesizer())
    s3_deployment.BucketDeployment(
        stack,
        "Deploy",
        sources=[s3_deployment.Source.asset(str(site))],
        destination_bucket=s3.Bucket.from_bucket_name(stack, "Destination", BUCKET),
        destination_key_prefix="web/",
        retain_on_delete=retain_on_delete,
    )
    app.synth()
    return outdir


def _objects(cloud: LocalCloud) -> dict[str, bytes]:
    s3 = cloud.client("s3")
    listed = s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    return {o["Key"]: s3.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read() for o in listed}


@pytest.mark.parametrize("retain_on_delete", [False, True])
def test_deploy_update_prune_and_delete(cloud: LocalCloud, tmp_path: Path, retain_on_delete: bool) -> None:
    from fogbank.deploy import delete_stack, deploy_stack, resolve_target

    target = resolve_target("local", endpoint=cloud.endpoint)
    cloud.client("s3").create_bucket(Bucket=BUCKET)
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("v1")
    (site / "old.txt").write_text("to be pruned")
    stack_name = f"site-{str(retain_on_delete).lower()}"

    # GIVEN a deployed BucketDeployment
    deploy_stack(target, _synthesize(tmp_path / "v1", site, retain_on_delete=retain_on_delete), stack_name)
    # THEN the files are in the bucket under the prefix
    assert _objects(cloud) == {"web/index.html": b"v1", "web/old.txt": b"to be pruned"}

    # WHEN the source changes (one file edited, one removed, one added) and the stack is updated
    (site / "index.html").write_text("v2")
    (site / "old.txt").unlink()
    (site / "new.txt").write_text("added")
    deploy_stack(target, _synthesize(tmp_path / "v2", site, retain_on_delete=retain_on_delete), stack_name)

    # THEN the bucket mirrors the new source (prune removed the old object)
    assert _objects(cloud) == {"web/index.html": b"v2", "web/new.txt": b"added"}

    # WHEN the stack is deleted
    delete_stack(target, stack_name)

    # THEN the objects are removed, unless retain_on_delete keeps them (CDK's default)
    remaining: dict[str, Any] = _objects(cloud)
    assert remaining == ({"web/index.html": b"v2", "web/new.txt": b"added"} if retain_on_delete else {})
    for key in remaining:
        cloud.client("s3").delete_object(Bucket=BUCKET, Key=key)
    cloud.client("s3").delete_bucket(Bucket=BUCKET)
