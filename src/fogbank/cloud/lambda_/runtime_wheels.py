"""Lambda's Python runtime packages for another CPython minor, installed once per machine into fogbank's cache.

The cloud's runtime directory links the runtime client and the AWS SDK installed in fogbank's own environment
(python_runtime.py), built for the cloud's interpreter. A function that runs on another minor's interpreter
(interpreters.py) needs the same distributions at the same versions built for that minor: the runtime client
and simplejson have native parts per CPython version. `ensure_runtime_wheels((3, 13), "x86_64")` installs them
with the cloud's pip (binary wheels only, for that minor and this machine's architecture; the other interpreter
is not run) into `<cache>/lambda-python-runtime/cp313-x86_64-<hash of the pins>` (the cache is
$FOGBANK_CACHE_DIR, else $XDG_CACHE_HOME/fogbank, else ~/.cache/fogbank). A file lock makes parallel clouds
install it once (about 2-3 s, 40 MB); later calls only read a marker file. It fails with CloudError naming the
command and pip's error (offline, no wheel for that minor: awslambdaric 4.2.2 has none for 3.9). A failure is
recorded beside the entry (`<entry>.failed`) and repeated for an hour without running pip again, so that an
offline machine's clouds do not each wait on pip; `make install` always tries again. `make install`
runs it ahead of time for every Lambda minor whose interpreter this machine has
(`python -m fogbank.cloud.lambda_.runtime_wheels`).

Example (skipped as a doctest: it runs pip):
    >>> site = ensure_runtime_wheels((3, 13), "x86_64")  # doctest: +SKIP
    >>> (site / "awslambdaric").is_dir()  # doctest: +SKIP
    True
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from filelock import FileLock, Timeout

from fogbank.cloud.lambda_.machine_cache import shared_cache_root
from fogbank.errors import CloudError

__all__ = ["ensure_runtime_wheels", "pinned_distributions", "runtime_wheels_dir"]

_MARKER = ".fogbank-complete"
_INSTALL_TIMEOUT_S = 600.0
RETRY_FAILED_AFTER_S = 3600.0  # a recorded failure is repeated, without pip, for this long
_PLATFORMS = {"x86_64": "manylinux2014_x86_64", "arm64": "manylinux2014_aarch64"}
_thread_lock = threading.Lock()


def pinned_distributions() -> dict[str, str]:
    """Each runtime distribution (python_runtime.RUNTIME_DISTRIBUTIONS) at the version installed for the cloud."""
    from fogbank.cloud.lambda_.python_runtime import RUNTIME_DISTRIBUTIONS

    pins = {}
    for name in RUNTIME_DISTRIBUTIONS:
        try:
            pins[name] = version(name)
        except PackageNotFoundError as exc:
            raise CloudError(
                f"the Lambda Python runtime needs the package {name}, which is not installed; reinstall fogbank "
                "(make install)"
            ) from exc
    return pins


def runtime_wheels_dir(minor: tuple[int, int], architecture: str, cache_dir: Path | None = None) -> Path:
    """`<cache>/lambda-python-runtime/cp<minor>-<architecture>-<hash of the pins>`."""
    pins = json.dumps(pinned_distributions(), sort_keys=True)
    key = hashlib.sha256(pins.encode()).hexdigest()[:16]
    return (
        (cache_dir or shared_cache_root())
        / "lambda-python-runtime"
        / f"cp{minor[0]}{minor[1]}-{architecture}-{key}"
    )


def install_command(minor: tuple[int, int], architecture: str, target: Path) -> list[str]:
    """The pip command that installs the pinned distributions for `minor` into `target`."""
    if architecture not in _PLATFORMS:
        raise CloudError(f"Lambda has no {architecture} architecture; functions run on x86_64 or arm64")
    return [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-deps",  # the pins are the complete set, as installed for the cloud
        "--target",
        str(target),
        "--only-binary=:all:",
        "--implementation",
        "cp",
        "--python-version",
        f"{minor[0]}.{minor[1]}",
        "--platform",
        _PLATFORMS[architecture],
        *(f"{name}=={pinned}" for name, pinned in sorted(pinned_distributions().items())),
    ]


def ensure_runtime_wheels(
    minor: tuple[int, int], architecture: str, cache_dir: Path | None = None, *, retry_failed: bool = False
) -> Path:
    """The directory holding the runtime's packages for `minor`, installing them first if they are not there.

    Raises CloudError (naming the command and pip's error) when the install fails, or failed within the last
    RETRY_FAILED_AFTER_S (unless `retry_failed`)."""
    target = runtime_wheels_dir(minor, architecture, cache_dir)
    if (target / _MARKER).is_file():
        return target
    failed = target.with_name(f"{target.name}.failed")
    if not retry_failed:
        _repeat_recent_failure(failed)
    with _thread_lock:
        target.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(target.parent / f"{target.name}.lock"))
        try:
            with lock.acquire(timeout=_INSTALL_TIMEOUT_S):
                if not (target / _MARKER).is_file():
                    try:
                        _install(minor, architecture, target)
                    except CloudError as exc:
                        failed.write_text(str(exc))
                        raise
                    failed.unlink(missing_ok=True)
        except Timeout as exc:
            raise CloudError(
                f"waited {_INSTALL_TIMEOUT_S:.0f} s for another process installing the Lambda Python runtime for "
                f"python{minor[0]}.{minor[1]} into {target}; if no install is running, delete {lock.lock_file}"
            ) from exc
    return target


def _repeat_recent_failure(failed: Path) -> None:
    """Raise the failure recorded in `failed` if it is recent."""
    try:
        age = time.time() - failed.stat().st_mtime
        message = failed.read_text()
    except OSError:
        return
    if age < RETRY_FAILED_AFTER_S:
        raise CloudError(
            f"{message}\n(recorded {age / 60:.0f} min ago in {failed}; pip runs again an hour after it, at "
            "`make install`, or once that file is deleted)"
        )


def _install(minor: tuple[int, int], architecture: str, target: Path) -> None:
    staging = target.with_name(f"{target.name}.partial-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    command = install_command(minor, architecture, staging)
    print(
        f"fogbank: installing the Lambda Python runtime (awslambdaric, boto3, ...) for python{minor[0]}.{minor[1]} "
        f"({architecture}) into {target} (once per machine, a few seconds)...",
        file=sys.stderr,
        flush=True,
    )
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=_INSTALL_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise _failed(command, str(exc)) from exc
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        errors = [line for line in (result.stderr or result.stdout).splitlines() if "ERROR" in line]
        raise _failed(command, "\n".join(errors[-10:]) or (result.stderr or result.stdout)[-2000:])
    (staging / _MARKER).write_text(json.dumps(pinned_distributions()))
    shutil.rmtree(target, ignore_errors=True)  # an incomplete install of the same key
    os.replace(staging, target)


def _failed(command: list[str], detail: str) -> CloudError:
    return CloudError(
        f"installing the Lambda Python runtime failed: `{' '.join(command)}` said:\n{detail.strip()}\n"
        "Check that the package index is reachable and has binary wheels of these versions for this Python "
        "minor, or set FOGBANK_CACHE_DIR to a writable directory"
    )


def _main() -> int:
    """Install for every Lambda Python minor (3.9-3.14) whose interpreter this machine has; say which."""
    from fogbank.cloud.lambda_.interpreters import find_interpreter
    from fogbank.cloud.lambda_.stdlib_versions import INTERPRETER
    from fogbank.layer import host_architecture

    for minor in [(3, number) for number in range(9, 15) if (3, number) != INTERPRETER]:
        interpreter = find_interpreter(minor).interpreter
        if interpreter is None:
            continue
        try:
            ensure_runtime_wheels(minor, host_architecture(), retry_failed=True)
        except CloudError as exc:
            first = str(exc).splitlines()[1:2] or [str(exc)]
            print(
                f"fogbank: python{minor[0]}.{minor[1]} functions will be emulated: {first[0]}",
                file=sys.stderr,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
