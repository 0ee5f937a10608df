"""Lambda's Python runtime packages for another CPython minor, installed once per machine into fogbank's cache.

The cloud's runtime directory links the runtime client and the AWS SDK installed in fogbank's own environment
(python_runtime.py), built for the cloud's interpreter. A function that runs on another minor's interpreter
(interpreters.py) needs the same distributions at the same versions built for that minor: the runtime client
and simplejson have native parts per CPython version. `ensure_runtime_wheels((3, 13), "x86_64")` installs them
with the cloud's pip (binary wheels only, for that minor and this machine's architecture; the other interpreter
is not run) into `<cache>/lambda-python-runtime/cp313-x86_64-<hash of the pins>` (the cache is
$FOGBANK_CACHE_DIR, else $XDG_CACHE_HOME/fogbank, else ~/.cache/fogbank). A file lock makes parallel clouds
install it once (about 2-3 s, 40 MB); later calls only read a marker file.

A minor the pinned versions cannot support is refused before pip runs (`unmet_requirements`: a Requires-Python
it does not meet, e.g. boto3 and awslambdaric >=3.10 for 3.9, or a Requires-Dist that applies on that minor and
names a distribution outside the pins, which `--no-deps` would leave out; the installed set is checked the same
way before it is marked complete, and the interpreter that will run it imports the runtime's entry points
from it: runtime_pins.py). Otherwise it fails with CloudError naming the command and pip's error
(offline, no wheel). A failure is recorded beside the entry (`<entry>.failed`) and repeated for an hour without
running pip again, also to a process that waited on the lock meanwhile, so that an offline machine's clouds (and
`make install`) do not each wait on pip; new pins are a new entry. pip runs in its own process group, dies with
its caller (PR_SET_PDEATHSIG), and is killed on any exception and when `stop` is set (the cloud stops); a
killed process's staging directory (`<entry>.partial-<pid>`) is deleted by the next install. `make install`
runs it ahead of time for every Lambda minor whose interpreter this machine has
(`python -m fogbank.cloud.lambda_.runtime_wheels`).

Example (skipped as a doctest: it runs pip):
    >>> site = ensure_runtime_wheels((3, 13), "x86_64")  # doctest: +SKIP
    >>> (site / "awslambdaric").is_dir()  # doctest: +SKIP
    True
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from importlib.metadata import distributions
from pathlib import Path

from filelock import FileLock, Timeout

from fogbank.cloud.lambda_.machine_cache import shared_cache_root
from fogbank.cloud.lambda_.process import _die_with_parent as die_with_parent
from fogbank.cloud.lambda_.runtime_pins import entry_points_command, pinned_distributions, unmet_requirements
from fogbank.errors import CloudError

__all__ = [
    "RETRY_FAILED_AFTER_S",
    "InstallStopped",
    "ensure_runtime_wheels",
    "install_command",
    "pinned_distributions",
    "platform_tags",
    "runtime_wheels_dir",
]

_MARKER = ".fogbank-complete"
_INSTALL_TIMEOUT_S = 600.0
_CHECK_TIMEOUT_S = 120.0
_POLL_S = 0.2  # how often a wait (pip, the file lock) looks at `stop`
RETRY_FAILED_AFTER_S = 3600.0  # a recorded failure is repeated, without pip, for this long
_MACHINES = {"x86_64": "x86_64", "arm64": "aarch64"}
_thread_locks: dict[Path, threading.Lock] = {}  # per entry: this process's threads install it once
_thread_locks_lock = threading.Lock()


class InstallStopped(CloudError):
    """The install was ended by its caller (`stop` set: the cloud is stopping); nothing is recorded."""


def runtime_wheels_dir(minor: tuple[int, int], architecture: str, cache_dir: Path | None = None) -> Path:
    """`<cache>/lambda-python-runtime/cp<minor>-<architecture>-<hash of the pins>`."""
    pins = json.dumps(pinned_distributions(), sort_keys=True)
    key = hashlib.sha256(pins.encode()).hexdigest()[:16]
    return (
        (cache_dir or shared_cache_root())
        / "lambda-python-runtime"
        / f"cp{minor[0]}{minor[1]}-{architecture}-{key}"
    )


def platform_tags(architecture: str) -> list[str]:
    """The wheel platforms pip may pick for `architecture`: manylinux2014 and its PEP 600 name, and
    manylinux_2_28 where this machine's C library is 2.28 or newer (the wheels run here).

    >>> platform_tags("arm64")[:2]
    ['manylinux2014_aarch64', 'manylinux_2_17_aarch64']
    """
    if architecture not in _MACHINES:
        raise CloudError(f"Lambda has no {architecture} architecture; functions run on x86_64 or arm64")
    machine = _MACHINES[architecture]
    tags = [f"manylinux2014_{machine}", f"manylinux_2_17_{machine}"]
    if _glibc_version() >= (2, 28):
        tags.append(f"manylinux_2_28_{machine}")
    return tags


def _glibc_version() -> tuple[int, ...]:
    try:
        found = re.search(r"(\d+)\.(\d+)", os.confstr("CS_GNU_LIBC_VERSION") or "")
    except (ValueError, OSError):
        found = None
    return (int(found.group(1)), int(found.group(2))) if found else (0, 0)


def install_command(minor: tuple[int, int], architecture: str, target: Path) -> list[str]:
    """The pip command that installs the pinned distributions for `minor` into `target`."""
    platforms = [argument for tag in platform_tags(architecture) for argument in ("--platform", tag)]
    return [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-deps",  # the pins are the complete set (checked: unmet_requirements)
        "--target",
        str(target),
        "--only-binary=:all:",
        "--implementation",
        "cp",
        "--python-version",
        f"{minor[0]}.{minor[1]}",
        *platforms,
        *(f"{name}=={pinned}" for name, pinned in sorted(pinned_distributions().items())),
    ]


def ensure_runtime_wheels(
    minor: tuple[int, int],
    architecture: str,
    cache_dir: Path | None = None,
    *,
    retry_failed: bool = False,
    stop: threading.Event | None = None,
    python: Path | None = None,
) -> Path:
    """The directory holding the runtime's packages for `minor`, installing them first if they are not there.

    Raises CloudError (naming the command and pip's error) when the install fails, failed within the last
    RETRY_FAILED_AFTER_S (unless `retry_failed`; a failure recorded while this call waited for another
    process's install is repeated in any case), or cannot succeed (unmet_requirements: pip is not run).
    Setting `stop` ends a wait or a pip in progress (InstallStopped). With `python` (an interpreter of that
    minor), the installed set must import the runtime's entry points on it before it is marked complete."""
    target = runtime_wheels_dir(minor, architecture, cache_dir)
    if (target / _MARKER).is_file():
        return target
    unmet = unmet_requirements(minor, architecture)
    if unmet is not None:
        raise CloudError(
            f"the Lambda Python runtime cannot be installed for python{minor[0]}.{minor[1]} (pip is not run):\n"
            f"{unmet}.\nLambda's own python{minor[0]}.{minor[1]} runtime ships older versions; test such a "
            "function on AWS, or name a newer runtime"
        )
    failed = target.with_name(f"{target.name}.failed")
    if not retry_failed:
        _repeat_recent_failure(failed)
    asked = time.time()
    lock_file = target.parent / f"{target.name}.lock"
    with _thread_locks_lock:
        in_process = _thread_locks.setdefault(target, threading.Lock())
    _acquire(in_process, minor, target, lock_file, stop)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(lock_file))
        _acquire(lock, minor, target, lock_file, stop)
        try:
            if (target / _MARKER).is_file():
                return target
            _repeat_recent_failure(failed, since=None if not retry_failed else asked)
            try:
                _install(minor, architecture, target, stop, python)
            except InstallStopped:
                raise
            except CloudError as exc:
                failed.write_text(str(exc))
                raise
            failed.unlink(missing_ok=True)
        finally:
            lock.release()
    finally:
        in_process.release()
    return target


def _acquire(
    lock: FileLock | threading.Lock,
    minor: tuple[int, int],
    target: Path,
    lock_file: Path,
    stop: threading.Event | None,
) -> None:
    """Take `lock` (this process's threads', then the machine's file lock), looking at `stop` while waiting."""
    deadline = time.monotonic() + _INSTALL_TIMEOUT_S
    while True:
        if stop is not None and stop.is_set():
            raise InstallStopped(
                f"stopped waiting for the install of the Lambda Python runtime into {target}"
            )
        try:
            if lock.acquire(timeout=_POLL_S) is not False:
                return
        except Timeout:
            pass
        if time.monotonic() > deadline:
            raise CloudError(
                f"waited {_INSTALL_TIMEOUT_S:.0f} s for another install of the Lambda Python runtime for "
                f"python{minor[0]}.{minor[1]} into {target}; if no install is running, delete {lock_file}"
            )


def _repeat_recent_failure(failed: Path, since: float | None = None) -> None:
    """Raise the failure recorded in `failed` if it is recent (with `since`: only if recorded after it)."""
    try:
        recorded = failed.stat().st_mtime
        message = failed.read_text()
    except OSError:
        return
    age = time.time() - recorded
    if (since is None and age < RETRY_FAILED_AFTER_S) or (since is not None and recorded >= since):
        raise CloudError(
            f"{message}\n(recorded {age / 60:.0f} min ago in {failed}; pip runs again an hour after it, or once "
            "that file is deleted)"
        )


def _install(
    minor: tuple[int, int], architecture: str, target: Path, stop: threading.Event | None, python: Path | None
) -> None:
    _sweep_abandoned(target.parent)
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
        try:
            returncode, output = _run(command, stop, _INSTALL_TIMEOUT_S)
        except OSError as exc:
            raise _failed(command, str(exc)) from exc
        if returncode != 0:
            errors = [line for line in output.splitlines() if "ERROR" in line]
            raise _failed(command, "\n".join(errors[-10:]) or output[-2000:])
        installed = list(distributions(path=[str(staging)]))
        unmet = unmet_requirements(minor, architecture, installed)
        if unmet is not None:
            raise _failed(command, f"the installed set is incomplete for this minor: {unmet}")
        if python is not None:
            _check_entry_points(command, python, staging, stop)
        (staging / _MARKER).write_text(json.dumps(pinned_distributions()))
        shutil.rmtree(target, ignore_errors=True)  # an incomplete install of the same key
        os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _check_entry_points(
    command: list[str], python: Path, staging: Path, stop: threading.Event | None
) -> None:
    check = entry_points_command(python, staging)
    try:
        returncode, output = _run(check, stop, _CHECK_TIMEOUT_S)
    except OSError as exc:
        returncode, output = -1, str(exc)
    if returncode != 0:
        raise _failed(
            command,
            f"the installed set does not import the runtime's entry points on {python} (`{' '.join(check)}`):\n"
            + "\n".join(output.strip().splitlines()[-5:]),
        )


def _run(command: list[str], stop: threading.Event | None, timeout_s: float) -> tuple[int, str]:
    """Run `command` (pip, the entry points' check) in its own process group, killed with its caller's thread
    or process (PR_SET_PDEATHSIG), on `stop`, on the timeout, and on any exception here (KeyboardInterrupt
    included): (exit status, output)."""
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=die_with_parent,
    )
    deadline = time.monotonic() + timeout_s
    try:
        while True:
            try:
                output, _ = process.communicate(timeout=_POLL_S)
                return process.returncode, output or ""
            except subprocess.TimeoutExpired:
                if stop is not None and stop.is_set():
                    raise InstallStopped(
                        f"`{' '.join(command)}` was ended: the local cloud stopped"
                    ) from None
                if time.monotonic() > deadline:
                    raise _failed(command, f"it ran longer than {timeout_s:.0f} s and was ended") from None
    finally:
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.communicate()


def _sweep_abandoned(directory: Path) -> None:
    """Delete the staging directories (`<entry>.partial-<pid>`) of installs whose process is gone (killed)."""
    for staging in directory.glob("*.partial-*"):
        pid = staging.name.rsplit("-", 1)[1]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(staging, ignore_errors=True)
        except PermissionError:
            continue


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
            ensure_runtime_wheels(minor, host_architecture(), python=interpreter.executable)
        except CloudError as exc:
            first = str(exc).splitlines()[1:2] or [str(exc)]
            print(
                f"fogbank: python{minor[0]}.{minor[1]} functions will be emulated: {first[0]}",
                file=sys.stderr,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
