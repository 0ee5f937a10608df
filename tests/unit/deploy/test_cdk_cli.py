"""The pinned CDK CLI is installed once into the cache, under a lock, and an interrupted install is redone.

npm itself is replaced by a small script that logs its calls and lays out `node_modules/.bin/cdk` as npm
does: the real install needs the package registry, which these unit tests must not depend on (the real one
runs in tests/integration/cdk_cli).
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from fogbank.deploy.bootstrap import CDK_CLI_VERSION
from fogbank.deploy.cdk_cli import cdk_cli_dir, ensure_cdk_cli
from fogbank.errors import DeployError


def _fake_npm(tmp_path: Path, exit_code: int = 0) -> tuple[str, Path]:
    """A stand-in npm: appends its arguments to a log, creates the `cdk` link's target, exits `exit_code`."""
    log = tmp_path / "npm.log"
    script = tmp_path / "npm"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$*" >> "{log}"\n'
        'while [ "$1" != "--prefix" ]; do shift; done; prefix="$2"\n'
        'mkdir -p "$prefix/node_modules/.bin" && touch "$prefix/node_modules/.bin/cdk"\n'
        "sleep 0.2\n"  # widens the window in which a second caller would race without the lock
        f'[ {exit_code} -eq 0 ] || echo "E404 not found" >&2\n'
        f"exit {exit_code}\n"
    )
    script.chmod(0o755)
    return str(script), log


def test_parallel_callers_install_once_and_share_the_cli(tmp_path: Path) -> None:
    # GIVEN an empty cache folder and four callers at once
    npm, log = _fake_npm(tmp_path)
    folder = tmp_path / "cache" / "aws-cdk"
    found: list[Path] = []

    def call() -> None:
        found.append(ensure_cdk_cli(folder, npm=npm))

    # WHEN they all ask for the CLI, then one more asks later
    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    call()

    # THEN npm ran once, for the pinned version, and everyone got the same executable
    assert log.read_text().splitlines() == [
        f"install --no-audit --no-fund --prefix {folder} aws-cdk@{CDK_CLI_VERSION}"
    ]
    assert set(found) == {folder / "node_modules" / ".bin" / "cdk"}


def test_a_failed_install_raises_naming_the_folder_and_is_redone_next_time(tmp_path: Path) -> None:
    # GIVEN npm failing once
    (tmp_path / "a").mkdir()
    failing_npm, _ = _fake_npm(tmp_path / "a", exit_code=1)
    folder = tmp_path / "cache" / "aws-cdk"

    # WHEN the CLI is asked for THEN the error names the version, the folder, npm's message and the next step
    with pytest.raises(DeployError) as raised:
        ensure_cdk_cli(folder, npm=failing_npm)
    message = str(raised.value)
    assert CDK_CLI_VERSION in message and str(folder) in message
    assert "E404 not found" in message and "retry" in message

    # AND the next call, with npm working, installs again instead of trusting the half-done folder
    (tmp_path / "b").mkdir()
    working_npm, log = _fake_npm(tmp_path / "b")
    assert ensure_cdk_cli(folder, npm=working_npm).exists()
    assert len(log.read_text().splitlines()) == 1


def test_the_folder_is_the_configured_one_or_the_versioned_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN no FOGBANK_CDK_CLI_DIR and a cache home WHEN the folder is asked THEN it is per version in the cache
    monkeypatch.delenv("FOGBANK_CDK_CLI_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cdk_cli_dir() == tmp_path / "fogbank" / f"aws-cdk-{CDK_CLI_VERSION}"
    # GIVEN FOGBANK_CDK_CLI_DIR WHEN the folder is asked THEN it is that one
    monkeypatch.setenv("FOGBANK_CDK_CLI_DIR", str(tmp_path / "mine"))
    assert cdk_cli_dir() == tmp_path / "mine"
