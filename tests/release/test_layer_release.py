"""The project's own release path, rehearsed on a local cloud (part of `make e2e`): the library under test
is published as a public layer for both architectures in two regions, then verified there by canaries.

The commands run exactly as the release workflow runs them against AWS; only AWS_ENDPOINT_URL differs.
"""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from packaging.requirements import Requirement
from typer.testing import CliRunner

from fogbank.cli.main import app
from fogbank.cloud import LocalCloud
from fogbank.config import load_config

REGIONS = "us-east-1,eu-west-1"
ARCHITECTURES = "x86_64,arm64"


def _release_version() -> str:
    requirement = Requirement(load_config().layer_requirements[0])
    pinned = [spec.version for spec in requirement.specifier if spec.operator == "=="]
    assert pinned, f"{requirement} is not pinned with ==; the rehearsal publishes an exact release"
    return pinned[0]


def test_publish_then_verify_the_projects_layer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN the project's layer (the library under test, pinned in [tool.fogbank]) and a local cloud
    version = _release_version()
    record = tmp_path / "layers.json"
    with LocalCloud() as cloud:
        for key, value in cloud.env().items():
            monkeypatch.setenv(key, value)
        runner = CliRunner()

        # WHEN it is published for both architectures in two regions
        published = runner.invoke(
            app,
            ["layer", "publish", "--version", version, "--regions", REGIONS,
             "--architectures", ARCHITECTURES, "--record", str(record)],
            env={"COLUMNS": "240"},
        )  # fmt: skip

        # THEN every region and architecture has a public version, recorded
        assert published.exit_code == 0, published.output
        entries = json.loads(record.read_text())["entries"]
        assert sorted((e["region"], e["architecture"], e["status"]) for e in entries) == [
            (region, arch, "published")
            for region in sorted(REGIONS.split(","))
            for arch in ("arm64", "x86_64")
        ]

        # WHEN the release is verified
        verified = runner.invoke(
            app,
            ["layer", "verify", "--version", version, "--regions", REGIONS, "--architectures", ARCHITECTURES],
            env={"COLUMNS": "240"},
        )

        # THEN each canary imported the release from the layer, and none is left
        assert verified.exit_code == 0, verified.output
        assert verified.output.count(f"{version} imported") == 4
        for region in REGIONS.split(","):
            assert boto3.client("lambda", region_name=region).list_functions()["Functions"] == []
