"""`fogbank layer publish` per region and architecture: publish or reuse, make public, record failures.
Lambda and S3 (AWS) are answered by botocore's Stubber, which also checks each request against the service
model; publishing for real is tested in tests/integration/layer_release/test_layer_publish_verify.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from fogbank.layer_release.archive import LayerArchive
from fogbank.layer_release.library import LayerLibrary
from fogbank.layer_release.publish import DIRECT_UPLOAD_LIMIT, LayerPublisher, description_for

LIBRARY = LayerLibrary(distribution="mylib", module="mylib", version="1.2.3")
ARCHIVE = LayerArchive(data=b"PK-zip-bytes", sha256="ab" * 32)
DESCRIPTION = f"mylib 1.2.3 (sha256:{'ab' * 32})"
NAME = "mylib-python311-x86_64"


def arn(region: str, version: int) -> str:
    return f"arn:aws:lambda:{region}:123456789012:layer:{NAME}:{version}"


@pytest.fixture
def stubs() -> Iterator[dict[tuple[str, str], Stubber]]:
    """One stubbed client per (service, region), as the publisher's client factory hands them out."""
    made: dict[tuple[str, str], Stubber] = {}
    for service in ("lambda", "s3"):
        for region in ("us-east-1", "eu-west-1"):
            client = boto3.client(
                service, region_name=region, aws_access_key_id="x", aws_secret_access_key="x"
            )
            made[(service, region)] = Stubber(client)
            made[(service, region)].activate()
    yield made
    for stubber in made.values():
        stubber.deactivate()


def publisher(stubs: dict[tuple[str, str], Stubber], **options: Any) -> LayerPublisher:
    return LayerPublisher(
        clients=lambda service, region: stubs[(service, region)].client, python_version="3.11", **options
    )


def publish_answer(region: str, version: int) -> dict[str, Any]:
    return {
        "LayerArn": arn(region, version).rsplit(":", 1)[0],
        "LayerVersionArn": arn(region, version),
        "Version": version,
    }


def test_a_new_release_is_published_and_made_public_for_every_account(stubs) -> None:
    # GIVEN a region where the layer does not exist yet
    lam = stubs[("lambda", "us-east-1")]
    lam.add_client_error(
        "list_layer_versions", "ResourceNotFoundException", expected_params={"LayerName": NAME}
    )
    lam.add_response("publish_layer_version", publish_answer("us-east-1", 1), {
        "LayerName": NAME, "Description": DESCRIPTION, "Content": {"ZipFile": ARCHIVE.data},
        "CompatibleRuntimes": ["python3.11"], "CompatibleArchitectures": ["x86_64"]})  # fmt: skip
    lam.add_client_error("get_layer_version_policy", "ResourceNotFoundException")
    lam.add_response("add_layer_version_permission", {"Statement": "{}", "RevisionId": "r1"}, {
        "LayerName": NAME, "VersionNumber": 1, "StatementId": "fogbank-public",
        "Action": "lambda:GetLayerVersion", "Principal": "*"})  # fmt: skip
    # WHEN published
    record = publisher(stubs).publish(LIBRARY, {"x86_64": ARCHIVE}, regions=("us-east-1",))
    # THEN the entry is published and public, with its ARN and content hash
    (entry,) = record.entries
    assert (entry.status, entry.public, entry.arn, entry.content_sha256) == (
        "published",
        True,
        arn("us-east-1", 1),
        ARCHIVE.sha256,
    )
    lam.assert_no_pending_responses()


def test_a_version_with_the_same_content_is_reused_and_not_shared_twice(stubs) -> None:
    # GIVEN versions 1 and 3 with this release's description (and 2 with another), version 3 already public
    lam = stubs[("lambda", "us-east-1")]
    versions = [
        {"LayerVersionArn": arn("us-east-1", n), "Version": n, "Description": d}
        for n, d in ((1, DESCRIPTION), (2, "mylib 1.2.2 (sha256:00)"), (3, DESCRIPTION))
    ]
    lam.add_response("list_layer_versions", {"LayerVersions": versions}, {"LayerName": NAME})
    lam.add_response("get_layer_version_policy", {"Policy": '{"Statement": [{"Sid": "fogbank-public"}]}', "RevisionId": "r"},
                     {"LayerName": NAME, "VersionNumber": 3})  # fmt: skip
    # WHEN published again
    (entry,) = publisher(stubs).publish(LIBRARY, {"x86_64": ARCHIVE}, regions=("us-east-1",)).entries
    # THEN the newest matching version is reported unchanged, and nothing is published or shared
    assert (entry.status, entry.arn) == ("unchanged", arn("us-east-1", 3))
    lam.assert_no_pending_responses()


def test_a_failing_region_is_recorded_and_the_others_go_on(stubs) -> None:
    # GIVEN one region that refuses the publish and one that accepts it
    bad = stubs[("lambda", "eu-west-1")]
    bad.add_client_error("list_layer_versions", "ResourceNotFoundException")
    bad.add_client_error("publish_layer_version", "AccessDeniedException", "not authorized to publish")
    good = stubs[("lambda", "us-east-1")]
    good.add_client_error("list_layer_versions", "ResourceNotFoundException")
    good.add_response("publish_layer_version", publish_answer("us-east-1", 1))
    good.add_client_error("get_layer_version_policy", "ResourceNotFoundException")
    good.add_response("add_layer_version_permission", {"Statement": "{}", "RevisionId": "r"})
    seen: list[str] = []
    # WHEN published to both, with a progress callback
    record = publisher(stubs, on_entry=lambda entry: seen.append(entry.region)).publish(
        LIBRARY, {"x86_64": ARCHIVE}, regions=("eu-west-1", "us-east-1"))  # fmt: skip
    # THEN the failure carries AWS's code and message, the other region is published, and both were reported
    by_region = {entry.region: entry for entry in record.entries}
    assert by_region["eu-west-1"].status == "failed" and not by_region["eu-west-1"].public
    assert by_region["eu-west-1"].reason == "AccessDeniedException: not authorized to publish"
    assert by_region["us-east-1"].status == "published"
    assert sorted(seen) == ["eu-west-1", "us-east-1"]


def test_an_organization_share_and_a_large_archive_through_the_staging_bucket(stubs) -> None:
    # GIVEN an archive over the direct upload limit, a staging bucket per region, and an organization
    big = LayerArchive(data=b"\0" * (DIRECT_UPLOAD_LIMIT + 1), sha256="cd" * 32)
    key = f"fogbank-layers/{NAME}/{'cd' * 32}.zip"
    stubs[("s3", "eu-west-1")].add_response(
        "put_object", {}, {"Bucket": "assets-eu-west-1", "Key": key, "Body": ANY}
    )
    lam = stubs[("lambda", "eu-west-1")]
    lam.add_client_error("list_layer_versions", "ResourceNotFoundException")
    lam.add_response("publish_layer_version", publish_answer("eu-west-1", 1),
                     {"LayerName": NAME, "Description": ANY, "Content": {"S3Bucket": "assets-eu-west-1", "S3Key": key},
                      "CompatibleRuntimes": ["python3.11"], "CompatibleArchitectures": ["x86_64"]})  # fmt: skip
    lam.add_client_error("get_layer_version_policy", "ResourceNotFoundException")
    lam.add_response("add_layer_version_permission", {"Statement": "{}", "RevisionId": "r"},
                     {"LayerName": NAME, "VersionNumber": 1, "StatementId": "fogbank-public",
                      "Action": "lambda:GetLayerVersion", "Principal": "*", "OrganizationId": "o-abc123"})  # fmt: skip
    options = {"staging_bucket": "assets-{region}", "organization_id": "o-abc123"}
    # WHEN published THEN it goes through the region's bucket and is shared with the organization only
    (entry,) = publisher(stubs, **options).publish(LIBRARY, {"x86_64": big}, regions=("eu-west-1",)).entries
    assert entry.status == "published", entry.reason
    lam.assert_no_pending_responses()


def test_a_large_archive_without_a_staging_bucket_fails_saying_what_to_pass(stubs) -> None:
    # GIVEN an archive over the limit and no staging bucket
    big = LayerArchive(data=b"\0" * (DIRECT_UPLOAD_LIMIT + 1), sha256="cd" * 32)
    stubs[("lambda", "us-east-1")].add_client_error("list_layer_versions", "ResourceNotFoundException")
    # WHEN published THEN the entry fails with the size, the limit and the option to pass
    (entry,) = publisher(stubs).publish(LIBRARY, {"x86_64": big}, regions=("us-east-1",)).entries
    assert entry.status == "failed"
    assert "over PublishLayerVersion's 50 MB direct upload limit; pass --staging-bucket" in (
        entry.reason or ""
    )


def test_the_description_names_the_release_and_its_content() -> None:
    # GIVEN / WHEN / THEN the description identifies distribution, version and archive hash
    assert description_for(LIBRARY, "ef" * 32) == f"mylib 1.2.3 (sha256:{'ef' * 32})"
