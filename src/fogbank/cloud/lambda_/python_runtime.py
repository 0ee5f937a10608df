"""The Python runtime directory a worker sees, like Lambda's /var/runtime: the runtime client and boto3, only.

It also holds `fogbank_worker_boot` (the worker's first module, which makes the front doors reachable) and
the connection shim it installs. Workers run the cloud's interpreter with `-S` (no site-packages), so a function sees its own code, its layers
and this directory — not fogbank's virtualenv. A library missing from the layer fails with
Runtime.ImportModuleError, as it would on AWS.

Example:
    >>> import tempfile
    >>> state = tempfile.TemporaryDirectory()
    >>> runtime_dir = build_runtime_dir(Path(state.name))
    >>> {"awslambdaric", "boto3", "fogbank_worker_boot.py"} <= {p.name for p in runtime_dir.iterdir()}
    True
    >>> state.cleanup()
"""

from __future__ import annotations

import threading
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from fogbank.errors import CloudError

__all__ = ["BOOT_MODULE", "RUNTIME_DISTRIBUTIONS", "ZYGOTE_MODULE", "build_runtime_dir"]

# What Lambda's Python runtime provides: its runtime client (with its dependencies) and the AWS SDK.
RUNTIME_DISTRIBUTIONS = (
    "awslambdaric",
    "simplejson",
    "snapshot-restore-py",
    "boto3",
    "botocore",
    "s3transfer",
    "jmespath",
    "python-dateutil",
    "six",
    "urllib3",
)
# fogbank's own modules a worker starts with (module name -> source): the boot installs the front-door shim.
BOOT_MODULE = "fogbank_worker_boot"
# The pre-initialised runtime process that forks execution environments (zygote_main.py).
ZYGOTE_MODULE = "fogbank_zygote"
_FOGBANK_MODULES = {
    f"{BOOT_MODULE}.py": Path(__file__).with_name("worker_boot.py"),
    f"{ZYGOTE_MODULE}.py": Path(__file__).with_name("zygote_main.py"),
    "fogbank_sandbox.py": Path(__file__).with_name("sandbox.py"),
    "fogbank_kept_paths.py": Path(__file__).with_name("kept_paths.py"),
    "fogbank_probe.py": Path(__file__).with_name("probe.py"),
    "fogbank_native_check.py": Path(__file__).with_name("native_check.py"),
    "fogbank_stdlib_versions.py": Path(__file__).with_name("stdlib_versions.py"),
    "fogbank_version_errors.py": Path(__file__).with_name("version_errors.py"),
    "fogbank_connection_shim.py": Path(__file__).parent.parent / "frontdoors" / "shim.py",
}
_lock = threading.Lock()


def build_runtime_dir(state_dir: Path, packages: Path | None = None, name: str = "python") -> Path:
    """Create (once) `<state_dir>/runtime/<name>` with links to the runtime's top-level modules: those installed
    for the cloud, or (`packages`) those of a directory the runtime's distributions were installed into for
    another Python minor (runtime_wheels.py)."""
    target = state_dir / "runtime" / name
    with _lock:
        target.mkdir(parents=True, exist_ok=True)
        for name, source in _FOGBANK_MODULES.items():
            if not (target / name).exists():
                (target / name).symlink_to(source)
        if (target / ".complete").exists():
            return target
        sources = (
            _installed_paths(packages)
            if packages
            else [source for name in RUNTIME_DISTRIBUTIONS for source in _top_level_paths(name)]
        )
        for source in sources:
            link = target / source.name
            if not link.exists():
                link.symlink_to(source)
        (target / ".complete").touch()
    return target


def _installed_paths(packages: Path) -> list[Path]:
    """The top-level modules and packages of a `pip install --target` directory."""
    return [
        entry
        for entry in sorted(packages.iterdir())
        if not entry.name.startswith(".")
        and not entry.name.endswith((".dist-info", ".egg-info"))
        and entry.name not in ("bin", "__pycache__")
    ]


def _top_level_paths(name: str) -> list[Path]:
    try:
        dist = distribution(name)
    except PackageNotFoundError as exc:
        raise CloudError(
            f"the Lambda Python runtime needs the package {name}, which is not installed; "
            "reinstall fogbank (make install)"
        ) from exc
    paths: dict[str, Path] = {}
    for file in dist.files or []:
        head = file.parts[0]
        if head.endswith((".dist-info", ".egg-info")) or head in ("..", "bin", "__pycache__"):
            continue
        paths[head] = Path(str(dist.locate_file(head)))
    return list(paths.values())
