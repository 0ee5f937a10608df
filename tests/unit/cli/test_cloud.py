"""`fogbank cloud start|bootstrap`: argument handling through click's CliRunner. Starting a cloud and
bootstrapping it are tested in tests/integration/cloud/test_server.py and
tests/integration/cdk_cli/test_cdk_cli_deploy.py."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from fogbank.cli.main import app


def test_without_an_endpoint_it_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN no AWS_ENDPOINT_URL
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    # WHEN bootstrap runs without --endpoint
    result = CliRunner().invoke(app, ["cloud", "bootstrap"])
    # THEN it exits 2 and names the way to start a cloud
    assert result.exit_code == 2
    assert "fogbank cloud start" in result.output


def test_start_refuses_a_port_that_is_not_a_number() -> None:
    # GIVEN / WHEN `cloud start` gets a port that is no integer
    result = CliRunner().invoke(app, ["cloud", "start", "--port", "http"])
    # THEN click refuses it before any cloud starts, naming the option
    assert result.exit_code == 2
    text = " ".join(result.output.replace("│", " ").split())  # the error box may wrap at any width
    assert "Invalid value for '--port'" in text and "valid integer" in text


@pytest.mark.parametrize("option", ["--port", "--console-port"])
def test_start_refuses_a_port_out_of_range(option: str) -> None:
    # GIVEN / WHEN `cloud start` gets a port above 65535
    result = CliRunner().invoke(app, ["cloud", "start", option, "65536"])
    # THEN click refuses it before any cloud starts, naming the option and the range (not an OverflowError)
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.replace("│", " ").split())
    assert f"Invalid value for '{option}'" in text and "less than or equal to 65535" in text
