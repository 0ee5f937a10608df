"""`fogbank layer publish`: one layer version per region and architecture, public, recorded, idempotent.

Each layer version's description carries the archive's sha256 (`<dist> <version> (sha256:<hex>)`). A region
that already has a version with that description is left as it is ("unchanged"), so re-running a release is
safe. A failure in one region is recorded and the others go on.

Example (skipped as a doctest: it needs real AWS):
    >>> publisher = LayerPublisher(clients=boto3_clients(), python_version="3.11")  # doctest: +SKIP
    >>> record = publisher.publish(library, {"x86_64": archive}, regions=("eu-west-1",))  # doctest: +SKIP
    >>> record.entries[0].status  # doctest: +SKIP
    'published'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from fogbank.layer_release.archive import LayerArchive
from fogbank.layer_release.aws import ClientFactory, describe_error
from fogbank.layer_release.library import LayerLibrary, layer_name
from fogbank.layer_release.record import LayerEntry, LayerRecord

__all__ = ["DIRECT_UPLOAD_LIMIT", "LayerPublisher", "description_for", "find_published_version"]

DIRECT_UPLOAD_LIMIT = 50 * 1024 * 1024
"""PublishLayerVersion takes a ZipFile up to 50 MB; larger archives go through S3."""
PUBLIC_STATEMENT_ID = "fogbank-public"


def description_for(library: LayerLibrary, archive_sha256: str) -> str:
    """The layer version description that identifies a release and its exact content."""
    return f"{library.distribution} {library.version} (sha256:{archive_sha256})"


def find_published_version(client: Any, name: str, description: str) -> dict[str, Any] | None:
    """The newest version of layer `name` whose description is exactly `description`, or None."""
    found: list[dict[str, Any]] = []
    try:
        for page in client.get_paginator("list_layer_versions").paginate(LayerName=name):
            found += [item for item in page["LayerVersions"] if item.get("Description") == description]
    except ClientError as error:
        if error.response["Error"]["Code"] == "ResourceNotFoundException":
            return None
        raise
    return max(found, key=lambda item: int(item["Version"])) if found else None


class LayerPublisher:
    """Publishes built layer archives to regions through boto3 (the standard credential chain).

    Args:
        clients: (service, region) -> boto3 client.
        python_version: the runtime the layer was built for, e.g. "3.11".
        organization_id: share with one AWS Organization instead of every account.
        staging_bucket: for archives over 50 MB, a bucket name template such as `my-assets-{region}`.
        on_entry: called with each region's result as soon as it is known (progress).
    """

    def __init__(
        self,
        *,
        clients: ClientFactory,
        python_version: str,
        organization_id: str | None = None,
        staging_bucket: str | None = None,
        on_entry: Callable[[LayerEntry], None] | None = None,
    ) -> None:
        self._clients = clients
        self._python_version = python_version
        self._organization_id = organization_id
        self._staging_bucket = staging_bucket
        self._on_entry = on_entry or (lambda entry: None)

    def publish(
        self, library: LayerLibrary, archives: Mapping[str, LayerArchive], *, regions: tuple[str, ...]
    ) -> LayerRecord:
        """Publish every architecture's archive to every region; never stops at a failed region."""
        jobs = [(region, arch) for region in regions for arch in archives]
        with ThreadPoolExecutor(
            max_workers=min(8, len(jobs) or 1), thread_name_prefix="layer-publish"
        ) as pool:
            entries = list(pool.map(lambda job: self._publish_one(library, archives[job[1]], *job), jobs))
        return LayerRecord(distribution=library.distribution, version=library.version, entries=entries)

    def _publish_one(
        self, library: LayerLibrary, archive: LayerArchive, region: str, arch: str
    ) -> LayerEntry:
        name = layer_name(library.distribution, self._python_version, arch)
        entry = LayerEntry(
            region=region, architecture=arch, layer_name=name, status="failed", content_sha256=archive.sha256
        )
        try:
            entry = self._publish_or_reuse(library, archive, entry)
        except (ClientError, BotoCoreError, ValueError) as error:
            entry = entry.model_copy(update={"reason": describe_error(error)})
        self._on_entry(entry)
        return entry

    def _publish_or_reuse(
        self, library: LayerLibrary, archive: LayerArchive, entry: LayerEntry
    ) -> LayerEntry:
        client = self._clients("lambda", entry.region)
        description = description_for(library, archive.sha256)
        existing = find_published_version(client, entry.layer_name, description)
        if existing is not None:
            arn, version, status = existing["LayerVersionArn"], int(existing["Version"]), "unchanged"
        else:
            answer = client.publish_layer_version(
                LayerName=entry.layer_name,
                Description=description,
                Content=self._content(archive, entry),
                CompatibleRuntimes=[f"python{self._python_version}"],
                CompatibleArchitectures=[entry.architecture],
            )
            arn, version, status = answer["LayerVersionArn"], int(answer["Version"]), "published"
        self._make_public(client, entry.layer_name, version)
        return entry.model_copy(update={"arn": arn, "status": status, "public": True})

    def _content(self, archive: LayerArchive, entry: LayerEntry) -> dict[str, Any]:
        if len(archive.data) <= DIRECT_UPLOAD_LIMIT:
            return {"ZipFile": archive.data}
        if self._staging_bucket is None:
            raise ValueError(
                f"the layer archive is {archive.size_mb:.0f} MB, over PublishLayerVersion's 50 MB direct upload "
                "limit; pass --staging-bucket with a bucket per region, e.g. 'my-assets-{region}'"
            )
        bucket = self._staging_bucket.format(region=entry.region)
        key = f"fogbank-layers/{entry.layer_name}/{archive.sha256}.zip"
        self._clients("s3", entry.region).put_object(Bucket=bucket, Key=key, Body=archive.data)
        return {"S3Bucket": bucket, "S3Key": key}

    def _make_public(self, client: Any, name: str, version: int) -> None:
        try:
            policy = client.get_layer_version_policy(LayerName=name, VersionNumber=version)["Policy"]
        except ClientError as error:
            if error.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
            policy = ""
        if f'"{PUBLIC_STATEMENT_ID}"' in policy:
            return
        extra = {"OrganizationId": self._organization_id} if self._organization_id else {}
        client.add_layer_version_permission(
            LayerName=name,
            VersionNumber=version,
            StatementId=PUBLIC_STATEMENT_ID,
            Action="lambda:GetLayerVersion",
            Principal="*",
            **extra,
        )
