"""The runtime's packages for another Python minor (runtime_wheels.py): pip's command, and a failed install said
with the command and pip's error, then repeated without pip for a while. The successful install into the
machine cache, for CPython 3.12 and 3.13, is exercised by tests/integration/lambda_/test_python_minor_interpreters.py."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from fogbank.cloud.lambda_.python_runtime import RUNTIME_DISTRIBUTIONS
from fogbank.cloud.lambda_.runtime_wheels import (
    ensure_runtime_wheels,
    install_command,
    pinned_distributions,
    runtime_wheels_dir,
)
from fogbank.errors import CloudError


def test_the_command_pins_every_runtime_distribution_for_the_minor_and_architecture(tmp_path: Path) -> None:
    # WHEN the command for python3.13 on arm64 is made
    command = install_command((3, 13), "arm64", tmp_path)

    # THEN it installs binary wheels of each runtime distribution, at the cloud's version, for cp313 on aarch64
    pins = pinned_distributions()
    assert set(pins) == set(RUNTIME_DISTRIBUTIONS)
    assert {f"{name}=={version}" for name, version in pins.items()} <= set(command)
    for flag, value in (
        ("--python-version", "3.13"),
        ("--platform", "manylinux2014_aarch64"),
        ("--target", str(tmp_path)),
    ):
        assert command[command.index(flag) + 1] == value
    assert "--only-binary=:all:" in command
    # AND the entry's name says the minor and architecture
    assert runtime_wheels_dir((3, 13), "arm64", tmp_path).name.startswith("cp313-arm64-")


def test_a_failed_install_names_the_command_and_is_repeated_without_pip_for_an_hour(tmp_path: Path) -> None:
    # GIVEN a minor no runtime client wheel exists for (3.99)
    # WHEN its packages are installed
    with pytest.raises(CloudError) as failed:
        ensure_runtime_wheels((3, 99), "x86_64", tmp_path)

    # THEN the error names pip's command and its error, and nothing is left but the recorded failure
    assert "--python-version 3.99" in str(failed.value) and "awslambdaric==" in str(failed.value)
    entry = runtime_wheels_dir((3, 99), "x86_64", tmp_path)
    assert sorted(p.name for p in entry.parent.iterdir() if not p.name.endswith(".lock")) == [
        f"{entry.name}.failed"
    ]
    # AND asked again, the same error comes at once, saying when pip runs again
    started = time.monotonic()
    with pytest.raises(CloudError, match="recorded 0 min ago") as again:
        ensure_runtime_wheels((3, 99), "x86_64", tmp_path)
    assert time.monotonic() - started < 0.5
    assert str(failed.value) in str(again.value)
    # AND `make install`'s call runs pip again
    with pytest.raises(CloudError) as retried:
        ensure_runtime_wheels((3, 99), "x86_64", tmp_path, retry_failed=True)
    assert "recorded" not in str(retried.value)
