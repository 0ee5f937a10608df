"""`fogbank`: the command line's root (CliRunner; nothing external is started)."""

from __future__ import annotations

from typer.testing import CliRunner

import fogbank
from fogbank.cli.main import app


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
