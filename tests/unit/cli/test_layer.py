"""`fogbank layer publish|verify`: bad input is a usage error before anything is built or any AWS call is made
(click's CliRunner). Publishing and verifying for real are tested in
tests/integration/layer_release/test_layer_publish_verify.py and tests/release/test_layer_release.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from fogbank.cli.main import app


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose layer holds `mylib`, as the working directory; AWS calls would go nowhere."""
    (tmp_path / "pyproject.toml").write_text('[tool.fogbank]\nlayer_requirements = ["mylib==1.0"]\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv(
        "AWS_ENDPOINT_URL", "http://127.0.0.1:9"
    )  # nothing listens: a call would fail otherwise
    return tmp_path


def plain(output: str) -> str:
    return " ".join(output.replace("│", " ").split())  # click's error box may wrap at any width


@pytest.mark.parametrize("command", ["publish", "verify"])
def test_an_unknown_architecture_is_a_usage_error_naming_the_valid_ones(project: Path, command: str) -> None:
    # GIVEN / WHEN a layer command gets an architecture Lambda does not have
    result = CliRunner().invoke(
        app, ["layer", command, "--version", "1.0", "--regions", "eu-west-1", "--architectures", "amd64"]
    )
    # THEN it exits 2 with the option, the bad name and the valid ones; nothing was built
    assert result.exit_code == 2, result.output
    assert "--architectures 'amd64': unknown amd64; use a comma-separated list of arm64, x86_64" in plain(
        result.output
    )
    assert not (project / "cdk.out").exists()


def test_an_empty_region_list_is_a_usage_error(project: Path) -> None:
    # GIVEN / WHEN verify gets an empty region list THEN it exits 2 saying what to pass
    result = CliRunner().invoke(app, ["layer", "verify", "--version", "1.0", "--regions", " , "])
    assert result.exit_code == 2, result.output
    assert "--regions is empty; pass `all` or a comma-separated list" in plain(result.output)
