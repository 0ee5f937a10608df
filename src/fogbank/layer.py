"""The library under test, packaged as a Lambda layer, with a content-hash cache.

The layer is `pip install --target <cdk.out>/layer_build/python` with manylinux platform tags for the
chosen architecture, binary wheels only, for the running Python's version. boto3/botocore/s3transfer (the
Lambda runtime provides them), `__pycache__` folders and `tests` folders are pruned. A hash of every input
is kept in `<cdk.out>/layer_build.diff`; when it matches, the build is skipped.

Example (skipped as a doctest: it runs pip):
    >>> from fogbank.layer import LayerBuilder
    >>> layer_dir = LayerBuilder().build()  # doctest: +SKIP
    >>> (layer_dir / "python").is_dir()  # doctest: +SKIP
    True
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock
from rich.console import Console

from fogbank.config import FogbankConfig, load_config
from fogbank.errors import ConfigError, LayerBuildError

__all__ = ["ARCHITECTURES", "LayerBuilder", "host_architecture"]

ARCHITECTURES = {"x86_64": "manylinux2014_x86_64", "arm64": "manylinux2014_aarch64"}
PRUNED_PACKAGES = ("boto3", "botocore", "s3transfer")
PRUNED_FOLDERS = ("__pycache__", "tests")
_SKIPPED_PROJECT_FOLDERS = {
    ".git", ".venv", "venv", "node_modules", "cdk.out", "__pycache__", "build", "dist", "tests",
    ".mypy_cache", ".ruff_cache", ".pytest_cache", ".tox", ".nox",
}  # fmt: skip
_BUILDER_VERSION = "2"  # bump when the build recipe changes (2: the .fogbank-layer.json manifest)
LAYER_MANIFEST = ".fogbank-layer.json"
_PIP_TAIL_LINES = 25


def host_architecture() -> str:
    """This machine's architecture in Lambda's words ("x86_64" or "arm64"); others as `platform.machine()`.

    Example:
        >>> host_architecture() in ("x86_64", "arm64")
        True
    """
    import platform

    machine = platform.machine().lower()
    return {"amd64": "x86_64", "aarch64": "arm64"}.get(machine, machine)


class LayerBuilder:
    """Builds (or reuses) the shared layer folder for one architecture.

    Args:
        config: the project's settings; `load_config()` when omitted.
        architecture: "x86_64" or "arm64".
        console: where progress goes (stderr by default).
    """

    def __init__(
        self,
        config: FogbankConfig | None = None,
        architecture: str = "x86_64",
        console: Console | None = None,
    ) -> None:
        if architecture not in ARCHITECTURES:
            raise ConfigError(
                f"layer architecture {architecture!r} is unknown; use one of {sorted(ARCHITECTURES)}"
            )
        self.config = config or load_config()
        self.architecture = architecture
        self.console = console or Console(stderr=True)
        suffix = "" if architecture == "x86_64" else f"-{architecture}"
        self.path = self.config.cdk_out / f"layer_build{suffix}"
        self.hash_file = self.config.cdk_out / f"layer_build{suffix}.diff"
        self.python_version = f"{sys.version_info.major}.{sys.version_info.minor}"

    # -- the cache ----------------------------------------------------------------------------------------
    def source_hash(self) -> str:
        """A hash of everything that goes into the layer: requirements or project sources, arch, Python."""
        digest = hashlib.sha256()
        for part in (
            _BUILDER_VERSION,
            self.architecture,
            self.python_version,
            *self.config.layer_requirements,
        ):
            digest.update(part.encode() + b"\0")
        if self.config.layer_project is not None:
            for file in _project_files(self.config.layer_project):
                digest.update(str(file.relative_to(self.config.layer_project)).encode() + b"\0")
                digest.update(file.read_bytes())
        return digest.hexdigest()

    def is_current(self) -> bool:
        """True when the built layer matches the current inputs."""
        return (
            (self.path / "python").is_dir()
            and self.hash_file.is_file()
            and self.hash_file.read_text(encoding="utf-8").strip() == self.source_hash()
        )

    # -- building -----------------------------------------------------------------------------------------
    def build(self) -> Path:
        """Return the layer folder (holding `python/`), building it only when its inputs changed."""
        self.config.cdk_out.mkdir(parents=True, exist_ok=True)
        with FileLock(f"{self.path}.lock"):
            if self.is_current():
                return self.path
            wanted = self.source_hash()
            staging = Path(tempfile.mkdtemp(prefix="layer_build.", dir=self.config.cdk_out))
            try:
                with self.console.status(f"[bold]Building the Lambda layer[/] ({self._describe()})"):
                    self._pip_install(staging / "python")
                    _prune(staging / "python")
                    _write_manifest(staging, self.architecture)
                self.hash_file.unlink(missing_ok=True)
                shutil.rmtree(self.path, ignore_errors=True)
                staging.rename(self.path)
                self.hash_file.write_text(wanted, encoding="utf-8")
            finally:
                shutil.rmtree(staging, ignore_errors=True)
            self.console.print(f"Lambda layer built in {self.path}")
            return self.path

    def delete(self) -> None:
        """Remove the built layer and its hash (the seed's `delete`)."""
        shutil.rmtree(self.path, ignore_errors=True)
        self.hash_file.unlink(missing_ok=True)

    def _describe(self) -> str:
        if self.config.layer_project is not None:
            return f"project {self.config.layer_project}, {self.architecture}"
        return f"{', '.join(self.config.layer_requirements)}, {self.architecture}"

    def _pip_install(self, target: Path) -> None:
        requirements = list(self.config.layer_requirements)
        with tempfile.TemporaryDirectory(prefix="fogbank-wheel-") as wheel_dir:
            if self.config.layer_project is not None:
                project = self.config.layer_project
                _run_pip(
                    ["wheel", "--no-deps", "--wheel-dir", wheel_dir, str(project)],
                    what=f"building a wheel of the layer project {project}",
                )
                requirements = [str(wheel) for wheel in sorted(Path(wheel_dir).glob("*.whl"))]
            _run_pip(
                [
                    "install",
                    "--target",
                    str(target),
                    "--no-compile",
                    "--only-binary=:all:",
                    "--platform",
                    ARCHITECTURES[self.architecture],
                    "--python-version",
                    self.python_version,
                    "--implementation",
                    "cp",
                    *requirements,
                ],
                what=f"installing {', '.join(requirements)} for {ARCHITECTURES[self.architecture]}",
            )


def _run_pip(arguments: list[str], what: str) -> None:
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", *arguments]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        tail = "\n".join((completed.stdout + completed.stderr).strip().splitlines()[-_PIP_TAIL_LINES:])
        raise LayerBuildError(
            f"pip failed while {what} (exit {completed.returncode}). Check the requirement's name and version, "
            "and that it has a binary wheel for the Lambda platform. pip said:\n" + tail
        )


def _write_manifest(layer: Path, architecture: str) -> None:
    """`.fogbank-layer.json` at the layer's root: the architecture it was built for and its native extensions.

    The local cloud's architecture check reads it: a layer fogbank built for this machine stands in for the
    function-architecture build it makes on AWS, so its extensions are not reported as a mismatch.
    """
    native = sorted(str(path.relative_to(layer)) for path in layer.rglob("*.so") if path.is_file())
    manifest = {"built_by": "fogbank", "architecture": architecture, "native_extensions": native}
    (layer / LAYER_MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")


def _prune(site: Path) -> None:
    for name in PRUNED_PACKAGES:
        shutil.rmtree(site / name, ignore_errors=True)
        for info in site.glob(f"{name}-*.dist-info"):
            shutil.rmtree(info, ignore_errors=True)
    for folder_name in PRUNED_FOLDERS:
        for folder in sorted(site.rglob(folder_name), reverse=True):
            if folder.is_dir():
                shutil.rmtree(folder, ignore_errors=True)


def _project_files(project: Path) -> Iterator[Path]:
    roots = [project / "src"] if (project / "src").is_dir() else [project]
    metadata = [project / name for name in ("pyproject.toml", "setup.py", "setup.cfg")]
    yield from (file for file in metadata if file.is_file() and roots != [project])
    for root in roots:
        for file in sorted(root.rglob("*")):
            relative = file.relative_to(project).parts
            if file.is_file() and not _SKIPPED_PROJECT_FOLDERS.intersection(relative[:-1]):
                yield file
