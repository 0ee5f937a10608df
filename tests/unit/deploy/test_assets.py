"""Reading a cloud assembly's file assets and zipping directory assets reproducibly. Uploading them to a
bucket is tested in tests/integration/framework/test_deploy.py against a running local cloud."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

from fogbank.deploy.assets import read_file_assets, zip_directory
from fogbank.deploy.targets import local_target
from fogbank.errors import DeployError

# no call is made: the account is given, so the Target never asks STS
TARGET = local_target("http://127.0.0.1:9", region="eu-west-1", account_id="123456789012")


def asset_manifest(files: dict[str, object], docker: dict[str, object] | None = None) -> str:
    """An `*.assets.json` as CDK v2 synth writes it (env-agnostic stack: the destinations use pseudo-params)."""
    return json.dumps({"version": "55.0.0", "files": files, "dockerImages": docker or {}})


def file_entry(path: str, packaging: str, key: str) -> dict[str, object]:
    return {
        "displayName": path,
        "source": {"path": path, "packaging": packaging},
        "destinations": {
            "current_account-current_region": {
                "bucketName": "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}",
                "objectKey": key,
                "assumeRoleArn": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-file-publishing",
            }
        },
    }


def test_destinations_are_resolved_for_the_target(tmp_path: Path) -> None:
    # GIVEN an assembly with a template asset and a zipped handler folder
    (tmp_path / "feature.assets.json").write_text(
        asset_manifest(
            {
                "aaa": file_entry("feature.template.json", "file", "aaa.json"),
                "bbb": file_entry("asset.bbb", "zip", "bbb.zip"),
            }
        )
    )
    # WHEN its assets are read for the target
    assets = read_file_assets(tmp_path, TARGET)
    # THEN each destination has the target's account and region in its bucket, and its source in the assembly
    assert [(a.asset_id, a.packaging, a.bucket, a.key) for a in assets] == [
        ("aaa", "file", "cdk-hnb659fds-assets-123456789012-eu-west-1", "aaa.json"),
        ("bbb", "zip", "cdk-hnb659fds-assets-123456789012-eu-west-1", "bbb.zip"),
    ]
    assert assets[1].source == tmp_path / "asset.bbb"


def test_one_manifest_can_be_named_and_the_others_are_ignored(tmp_path: Path) -> None:
    # GIVEN two asset manifests
    (tmp_path / "one.assets.json").write_text(asset_manifest({"a": file_entry("a.json", "file", "a.json")}))
    (tmp_path / "two.assets.json").write_text(asset_manifest({"b": file_entry("b.json", "file", "b.json")}))
    # WHEN read without and with a name THEN all, or only the named one, are listed
    assert [a.asset_id for a in read_file_assets(tmp_path, TARGET)] == ["a", "b"]
    assert [a.asset_id for a in read_file_assets(tmp_path, TARGET, "two.assets.json")] == ["b"]


def test_docker_images_and_command_built_assets_are_refused_by_name(tmp_path: Path) -> None:
    # GIVEN a manifest with a Docker image asset, and one with an asset built by a command
    (tmp_path / "docker.assets.json").write_text(asset_manifest({}, docker={"img1": {"source": {}}}))
    command = {"source": {"executable": ["./build.sh"]}, "destinations": {}}
    (tmp_path / "command.assets.json").write_text(asset_manifest({"cmd1": command}))
    # WHEN each is read THEN the error names the manifest, the asset and what to use instead
    with pytest.raises(
        DeployError, match=r"docker\.assets\.json: Docker image assets \(img1\) are unsupported"
    ):
        read_file_assets(tmp_path, TARGET, "docker.assets.json")
    with pytest.raises(DeployError, match=r"command\.assets\.json: asset cmd1 is built by a command"):
        read_file_assets(tmp_path, TARGET, "command.assets.json")


def test_zip_directory_is_deterministic_and_keeps_modes(tmp_path: Path):
    # GIVEN a folder with an executable and a nested file
    source = tmp_path / "src"
    (source / "pkg").mkdir(parents=True)
    (source / "run.sh").write_text("#!/bin/sh\n", encoding="utf-8")
    (source / "run.sh").chmod(0o755)
    (source / "pkg" / "mod.py").write_text("X = 1\n", encoding="utf-8")
    # WHEN zipped twice, the files' modification times changed in between
    first = zip_directory(source, tmp_path / "a.zip").read_bytes()
    for path in source.rglob("*"):
        os.utime(path, (1_600_000_000, 1_600_000_000))
    second = zip_directory(source, tmp_path / "b.zip").read_bytes()
    # THEN the bytes are identical, entries are sorted and the executable bit survives
    assert first == second
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        assert archive.namelist() == ["run.sh", "pkg/mod.py"]
        assert (archive.getinfo("run.sh").external_attr >> 16) & 0o777 == 0o755
