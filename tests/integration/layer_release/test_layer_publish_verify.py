"""`fogbank layer publish` and `verify` against a real local cloud in two regions.

The layer holds a small real library (six, built by pip like any layer); the commands use boto3's standard
chain with AWS_ENDPOINT_URL, exactly as they would with AWS credentials.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from typer.testing import CliRunner

from fogbank.cli.main import app
from fogbank.cloud import LocalCloud

pytestmark = pytest.mark.slow
REGIONS = ("us-east-1", "eu-west-1")


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "0"\n[tool.fogbank]\nlayer_requirements = ["six==1.16.0"]\n'
    )
    monkeypatch.chdir(tmp_path)
    with LocalCloud() as cloud:
        for key, value in cloud.env().items():
            monkeypatch.setenv(key, value)
        yield tmp_path


def _lambda(region: str):  # type: ignore[no-untyped-def]
    return boto3.client("lambda", region_name=region)


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["layer", *args], env={"COLUMNS": "240"})
    return result.exit_code, result.output


def test_publish_makes_one_public_version_per_region_and_is_idempotent(project: Path) -> None:
    # GIVEN a project whose layer holds six 1.16.0
    # WHEN it is published to two regions
    code, output = _run(
        "publish", "--version", "1.16.0", "--regions", ",".join(REGIONS), "--architectures", "x86_64"
    )

    # THEN each region has one public layer version, and the record and table name them
    assert code == 0, output
    record = json.loads((project / ".fogbank/layers/six-1.16.0.json").read_text())
    assert {(e["region"], e["status"]) for e in record["entries"]} == {(r, "published") for r in REGIONS}
    for region in REGIONS:
        versions = _lambda(region).list_layer_versions(LayerName="six-python311-x86_64")["LayerVersions"]
        assert len(versions) == 1 and versions[0]["Description"].startswith("six 1.16.0 (sha256:")
        policy = json.loads(
            _lambda(region).get_layer_version_policy(LayerName="six-python311-x86_64", VersionNumber=1)[
                "Policy"
            ]
        )
        assert policy["Statement"][0]["Principal"] == "*"
    assert (
        "| eu-west-1 | x86_64 | `arn:aws:lambda:eu-west-1:"
        in (project / ".fogbank/layers/six-1.16.0.md").read_text()
    )

    # WHEN it is published again with the same content
    code, output = _run(
        "publish", "--version", "1.16.0", "--regions", ",".join(REGIONS), "--architectures", "x86_64"
    )

    # THEN nothing new is published
    assert code == 0, output
    assert "unchanged" in output
    for region in REGIONS:
        assert (
            len(_lambda(region).list_layer_versions(LayerName="six-python311-x86_64")["LayerVersions"]) == 1
        )


def test_publish_refuses_a_version_the_layer_does_not_hold(project: Path) -> None:
    # WHEN the release named differs from what the built layer holds
    code, output = _run(
        "publish", "--version", "9.9.9", "--regions", "us-east-1", "--architectures", "x86_64"
    )

    # THEN nothing is published, and the message says what the layer holds
    assert code != 0
    assert "holds six 1.16.0, not 9.9.9" in output
    with pytest.raises(_lambda("us-east-1").exceptions.ResourceNotFoundException):
        _lambda("us-east-1").get_layer_version(LayerName="six-python311-x86_64", VersionNumber=1)


def test_verify_passes_where_published_and_reports_other_regions_without_stopping(project: Path) -> None:
    # GIVEN the layer published in us-east-1 only
    code, output = _run(
        "publish", "--version", "1.16.0", "--regions", "us-east-1", "--architectures", "x86_64"
    )
    assert code == 0, output

    # WHEN both regions are verified
    code, output = _run(
        "verify", "--version", "1.16.0", "--regions", ",".join(REGIONS), "--architectures", "x86_64"
    )

    # THEN us-east-1 passes with the version the canary imported, eu-west-1 fails with the reason, exit 1
    assert code == 1, output
    assert "six 1.16.0 imported" in output
    assert "no version of layer six-python311-x86_64 holds six 1.16.0" in output
    # AND no canary function or role is left behind
    for region in REGIONS:
        assert _lambda(region).list_functions()["Functions"] == []
    roles = boto3.client("iam").list_roles()["Roles"]
    assert not [role for role in roles if role["RoleName"].startswith("fogbank-layer-canary-")]


def test_verify_passes_in_every_region_it_was_published_to(project: Path) -> None:
    # GIVEN the layer published in two regions
    assert (
        _run("publish", "--version", "1.16.0", "--regions", ",".join(REGIONS), "--architectures", "x86_64")[0]
        == 0
    )

    # WHEN both are verified / THEN both pass
    code, output = _run(
        "verify", "--version", "1.16.0", "--regions", ",".join(REGIONS), "--architectures", "x86_64"
    )
    assert code == 0, output
    assert output.count("six 1.16.0 imported") == 2
