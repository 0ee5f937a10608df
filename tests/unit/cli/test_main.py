"""`fogbank`: the command line's root (CliRunner; nothing external is started)."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import fogbank
from fogbank.cli.main import app, run
from fogbank.deploy import targets
from fogbank.errors import TargetError


def test_version_prints_the_package_version_and_exits() -> None:
    # GIVEN / WHEN `fogbank --version` runs, even before a sub-command
    result = CliRunner().invoke(app, ["--version", "cloud", "start"])
    # THEN it prints the installed version and exits 0 without running the sub-command
    assert result.exit_code == 0
    assert result.output == f"fogbank {fogbank.__version__}\n"


def test_help_lists_every_sub_command() -> None:
    # GIVEN / WHEN `fogbank --help` runs
    result = CliRunner().invoke(app, ["--help"])
    # THEN each concern registered in main is listed
    assert result.exit_code == 0
    for command in ("cloud", "deploy", "destroy", "sweep", "e2e", "layer", "repo", "report"):
        assert command in result.output, command


def _without_a_cloud(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in a shell with no local cloud: no endpoint, and not the fogbank pytest plugin's target factory."""
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("FOGBANK_TARGET", raising=False)
    monkeypatch.setattr(targets, "_target_factory", None)


def _run_fogbank(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["fogbank", *args])
    with pytest.raises(SystemExit) as exit_info:
        run()
    return int(exit_info.value.code or 0)


def test_a_fogbank_error_is_one_message_and_exit_code_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN no local cloud to talk to
    _without_a_cloud(monkeypatch)
    monkeypatch.delenv("FOGBANK_TRACEBACK", raising=False)
    # WHEN `fogbank destroy` is run as the console script runs it
    code = _run_fogbank(monkeypatch, "destroy", "some-stack")
    # THEN the error's message is on stderr as one line of fogbank's, with no traceback, and the exit code is 1
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("fogbank: error: no local cloud to deploy to")
    assert "Traceback" not in err and "╭" not in err


def test_fogbank_traceback_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN FOGBANK_TRACEBACK=1 and no local cloud
    _without_a_cloud(monkeypatch)
    monkeypatch.setenv("FOGBANK_TRACEBACK", "1")
    monkeypatch.setattr(sys, "argv", ["fogbank", "destroy", "some-stack"])
    # WHEN the command fails THEN the error itself propagates (its traceback is printed by Python)
    with pytest.raises(TargetError, match="no local cloud"):
        run()


@pytest.mark.parametrize("command", [["destroy", "some-stack"], ["sweep"]])
def test_an_endpoint_where_nothing_answers_is_one_message_and_exit_code_1(
    command: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # GIVEN AWS_ENDPOINT_URL left over from a local cloud that is gone (nothing listens on that port)
    _without_a_cloud(monkeypatch)
    monkeypatch.delenv("FOGBANK_TRACEBACK", raising=False)
    with socket.socket() as probe:  # a port the OS just handed out and nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "shop"\n')

    # WHEN a command that talks to it runs as the console script runs it
    code = _run_fogbank(monkeypatch, *command)

    # THEN it says, in one message, that nothing answers there and how to start a cloud; no traceback
    err = capsys.readouterr().err
    assert code == 1, err
    assert err.startswith(
        f'fogbank: error: Could not connect to the endpoint URL: "http://127.0.0.1:{port}/"'
    )
    assert "fogbank cloud start" in err and "Traceback" not in err and "╭" not in err
