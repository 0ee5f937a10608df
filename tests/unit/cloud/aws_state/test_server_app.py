"""The moto that is installed is the one fogbank's aws_state adapters were written against."""

from __future__ import annotations

import tomllib
from pathlib import Path

from fogbank.cloud.aws_state.server_app import MOTO_VERSION, installed_version


def test_installed_moto_is_the_pinned_version() -> None:
    # GIVEN the version aws_state targets and the pin in pyproject.toml
    pyproject = tomllib.loads((Path(__file__).parents[4] / "pyproject.toml").read_text())
    pins = [dep for dep in pyproject["project"]["dependencies"] if dep.startswith("moto")]

    # WHEN the importable moto is asked for its version
    installed = installed_version()

    # THEN all three agree (a different moto could change the internals aws_state reads)
    assert pins == [f"moto[server]=={MOTO_VERSION}"]
    assert installed == MOTO_VERSION
