"""The pinned CDK CLI (npm package aws-cdk), installed once into fogbank's cache and reused.

`.ci/aws-rehearsal` and tests/integration/cdk_cli both run it. The install goes to
`$FOGBANK_CDK_CLI_DIR` (default `${XDG_CACHE_HOME:-~/.cache}/fogbank/aws-cdk-<version>`) under a file lock, so
parallel callers (xdist workers, a CI job next to a test run) install it once; a marker file written after a
successful install tells a complete install from one that was interrupted (that one is removed and redone).

Example (skipped as a doctest: it installs the CDK CLI with npm):
    >>> cdk = ensure_cdk_cli()  # doctest: +SKIP
    >>> subprocess.run([str(cdk), "--version"])  # doctest: +SKIP

From a shell: `python -m fogbank.deploy.cdk_cli` installs if needed and prints the path of `cdk`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from filelock import FileLock

from fogbank.deploy.bootstrap import CDK_CLI_VERSION
from fogbank.errors import DeployError

__all__ = ["cdk_cli_dir", "ensure_cdk_cli"]

_MARKER = ".fogbank-installed"
_INSTALL_TIMEOUT_SECONDS = 600


def cdk_cli_dir() -> Path:
    """Where the pinned CLI lives: `$FOGBANK_CDK_CLI_DIR`, else the per-version folder in the user's cache."""
    configured = os.environ.get("FOGBANK_CDK_CLI_DIR")
    if configured:
        return Path(configured)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "fogbank" / f"aws-cdk-{CDK_CLI_VERSION}"


def ensure_cdk_cli(directory: Path | None = None, *, npm: str | None = None) -> Path:
    """Install aws-cdk@CDK_CLI_VERSION into `directory` (default `cdk_cli_dir()`) unless there; return `cdk`.

    Raises DeployError naming the folder and the next step when npm is missing or the install fails.
    """
    folder = directory or cdk_cli_dir()
    executable = folder / "node_modules" / ".bin" / "cdk"
    marker = folder / _MARKER
    folder.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(folder.parent / f"{folder.name}.lock")):
        if marker.is_file() and marker.read_text().strip() == CDK_CLI_VERSION and executable.exists():
            return executable
        npm = npm or shutil.which("npm")
        if not npm:
            raise DeployError(
                f"cannot install the CDK CLI {CDK_CLI_VERSION} into {folder}: npm is not on PATH; "
                "install Node.js (with npm) and retry"
            )
        shutil.rmtree(folder, ignore_errors=True)  # an interrupted install is redone from scratch
        command = [npm, "install", "--no-audit", "--no-fund", "--prefix", str(folder)]
        installed = subprocess.run(
            [*command, f"aws-cdk@{CDK_CLI_VERSION}"],
            capture_output=True,
            text=True,
            timeout=_INSTALL_TIMEOUT_SECONDS,
            check=False,
        )
        if installed.returncode != 0 or not executable.exists():
            raise DeployError(
                f"npm could not install the CDK CLI {CDK_CLI_VERSION} into {folder} (exit "
                f"{installed.returncode}): {installed.stderr.strip()[-2000:]}; check npm's registry access "
                "and retry"
            )
        marker.write_text(CDK_CLI_VERSION + "\n")
        return executable


if __name__ == "__main__":
    print(ensure_cdk_cli())
