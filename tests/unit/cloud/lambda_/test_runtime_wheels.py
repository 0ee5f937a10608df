"""The runtime's packages for another Python minor (runtime_wheels.py): pip's command, a minor the pins cannot
support refused without pip, a failed install said with the command and pip's error, then repeated without pip
for a while, and pip tied to its caller (stopped, killed with it, its leftovers swept). Where pip must be slow or
fail at will, a stand-in script takes its place (said in each test). The successful install into the
machine cache, for CPython 3.12 and 3.13, is exercised by tests/integration/lambda_/test_python_minor_interpreters.py."""

from __future__ import annotations

import contextlib
import os
import platform
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock

from fogbank.cloud.lambda_ import runtime_wheels
from fogbank.cloud.lambda_.python_runtime import RUNTIME_DISTRIBUTIONS
from fogbank.cloud.lambda_.runtime_wheels import (
    InstallStopped,
    ensure_runtime_wheels,
    install_command,
    pinned_distributions,
    platform_tags,
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


def test_a_minor_the_pinned_versions_do_not_support_is_refused_without_running_pip(tmp_path: Path) -> None:
    # GIVEN python3.9, which boto3, botocore, urllib3 and awslambdaric at the cloud's versions do not support
    # (their Requires-Python says >=3.10)
    # WHEN its packages are asked for
    started = time.monotonic()
    with pytest.raises(CloudError) as refused:
        ensure_runtime_wheels((3, 9), "x86_64", tmp_path)

    # THEN it is refused at once, naming each distribution and its requirement, and pip never ran: nothing was
    # written into the cache (no lock, no recorded failure), so asking again costs nothing either
    message = str(refused.value)
    assert "pip is not run" in message and "awslambdaric 4.2.2 requires Python >=3.10" in message
    assert f"boto3 {pinned_distributions()['boto3']} requires Python >=3.10" in message
    assert time.monotonic() - started < 0.5
    assert not (tmp_path / "lambda-python-runtime").exists()


def test_several_manylinux_platforms_are_accepted_for_the_architecture(tmp_path: Path) -> None:
    # WHEN the command for x86_64 is made
    command = install_command((3, 12), "x86_64", tmp_path)

    # THEN manylinux2014 and its PEP 600 name are accepted, and manylinux_2_28 where this C library allows it
    platforms = [command[i + 1] for i, word in enumerate(command) if word == "--platform"]
    assert platforms[:2] == ["manylinux2014_x86_64", "manylinux_2_17_x86_64"]
    assert platforms == platform_tags("x86_64")
    libc, libc_version = platform.libc_ver()
    recent = libc == "glibc" and tuple(int(part) for part in libc_version.split(".")[:2]) >= (2, 28)
    assert platforms[2:] == (["manylinux_2_28_x86_64"] if recent else [])


def _fake_pip(monkeypatch: pytest.MonkeyPatch, script: str) -> None:
    """Replace pip's command by `script` (a stand-in for pip: it cannot be made slow or failing at will);
    `TARGET` in it is the staging directory."""

    def command(minor: tuple[int, int], architecture: str, target: Path) -> list[str]:
        return [sys.executable, "-c", script.replace("TARGET", repr(str(target)))]

    monkeypatch.setattr(runtime_wheels, "install_command", command)


def _gone(pid: int, within_s: float = 5.0) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        time.sleep(0.05)
    return False


SLOW_PIP = """
import os, pathlib, time
pathlib.Path(TARGET).mkdir(parents=True)
(pathlib.Path(TARGET) / "big").write_text("x")
pathlib.Path(PIDFILE).write_text(str(os.getpid()))
time.sleep(60)
"""


def test_stopping_ends_a_pip_in_progress_and_leaves_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # GIVEN a pip that runs long (a stand-in), writing into its staging directory
    pidfile = tmp_path / "pip.pid"
    _fake_pip(monkeypatch, SLOW_PIP.replace("PIDFILE", repr(str(pidfile))))
    stop = threading.Event()

    # WHEN the caller stops it (the cloud stops) once it runs
    threading.Timer(0.1, lambda: _when_file(pidfile, stop.set)).start()
    started = time.monotonic()
    with pytest.raises(InstallStopped):
        ensure_runtime_wheels((3, 12), "x86_64", tmp_path / "cache", stop=stop)

    # THEN the call returns at once, pip is killed, its staging directory deleted, and no failure recorded
    assert time.monotonic() - started < 5
    assert _gone(int(pidfile.read_text()))
    entries = tmp_path / "cache" / "lambda-python-runtime"
    assert [p.name for p in entries.iterdir() if not p.name.endswith(".lock")] == []


def _when_file(path: Path, then: Callable[[], None]) -> None:
    deadline = time.monotonic() + 10
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    then()


def test_pip_dies_with_a_killed_cloud_and_its_leftovers_are_swept_by_the_next_install(tmp_path: Path) -> None:
    # GIVEN a process (a cloud) installing with a pip that runs long (a stand-in)
    pidfile, cache = tmp_path / "pip.pid", tmp_path / "cache"
    driver = f"""
import sys
from pathlib import Path
from fogbank.cloud.lambda_ import runtime_wheels
script = {SLOW_PIP.replace("PIDFILE", repr(str(pidfile)))!r}
runtime_wheels.install_command = lambda minor, arch, target: [sys.executable, "-c", script.replace("TARGET", repr(str(target)))]
runtime_wheels.ensure_runtime_wheels((3, 12), "x86_64", Path({str(cache)!r}))
"""
    cloud = subprocess.Popen([sys.executable, "-c", driver], env={**os.environ})
    try:
        _when_file(pidfile, lambda: None)
        pip = int(pidfile.read_text())
        entries = cache / "lambda-python-runtime"
        assert [p.name.split(".")[-1] for p in entries.glob("*.partial-*")] == [f"partial-{cloud.pid}"]

        # WHEN that process is killed (SIGKILL: nothing of it runs any more)
        cloud.kill()
        cloud.wait()

        # THEN its pip dies with it
        assert _gone(pip)
    finally:
        cloud.kill()
        cloud.wait()
    # AND the next install (under the file lock) deletes the dead process's staging directory
    with pytest.raises(CloudError):
        _fail_fast_install(cache)
    assert list(entries.glob("*.partial-*")) == []


def _fail_fast_install(cache: Path) -> None:
    with pytest.MonkeyPatch.context() as patch:
        _fake_pip(patch, "raise SystemExit('ERROR: no such wheel')")
        ensure_runtime_wheels((3, 12), "x86_64", cache)


def test_a_failure_recorded_while_waiting_for_the_lock_is_repeated_without_pip(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # GIVEN another process holding the install's file lock (its pip is running)
    runs = tmp_path / "runs"
    _fake_pip(monkeypatch, f"open({str(runs)!r}, 'a').write('ran\\n'); raise SystemExit('ERROR: offline')")
    entry = runtime_wheels_dir((3, 12), "x86_64", tmp_path)
    entry.parent.mkdir(parents=True)
    other = FileLock(str(entry.parent / f"{entry.name}.lock"))
    other.acquire()
    outcome: list[BaseException] = []
    waiter = threading.Thread(
        target=lambda: _capture(outcome, lambda: ensure_runtime_wheels((3, 12), "x86_64", tmp_path))
    )
    waiter.start()
    time.sleep(0.5)  # this call now waits on the lock

    # WHEN the other process's install fails (it records the failure) and releases the lock
    entry.with_name(f"{entry.name}.failed").write_text("installing the Lambda Python runtime failed: offline")
    other.release()
    waiter.join(timeout=30)

    # THEN the waiting call repeats that failure without running pip again
    assert len(outcome) == 1 and isinstance(outcome[0], CloudError)
    assert "failed: offline" in str(outcome[0]) and "recorded 0 min ago" in str(outcome[0])
    assert not runs.exists()


def _capture(outcome: list[BaseException], call: Callable[[], object]) -> None:
    try:
        call()
    except BaseException as exc:
        outcome.append(exc)


STUB_PIP = """
import pathlib
root = pathlib.Path(TARGET)
for name, text in {
    "awslambdaric/__init__.py": "",
    "awslambdaric/bootstrap.py": "",
    "simplejson/__init__.py": "",
    "snapshot_restore_py.py": "",
    "boto3/__init__.py": BOTO3,
}.items():
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    (root / name).write_text(text)
"""


@pytest.mark.parametrize("imports", [True, False])
def test_the_installed_set_must_import_the_runtimes_entry_points_on_the_minors_interpreter(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, imports: bool
) -> None:
    # GIVEN a pip (a stand-in writing the runtime's top-level modules) whose boto3 either works or lacks a
    # dependency only that minor needs (its client creation fails to import it)
    boto3 = "def client(*args, **kwargs):\n    " + (
        "return None\n" if imports else "import backport_only_old_pythons_need\n"
    )
    _fake_pip(monkeypatch, STUB_PIP.replace("BOTO3", repr(boto3)))

    # WHEN the packages are installed for the minor of an interpreter (this one)
    minor = (sys.version_info.major, sys.version_info.minor)
    entry = runtime_wheels_dir(minor, "x86_64", tmp_path)
    if imports:
        ensure_runtime_wheels(minor, "x86_64", tmp_path, python=Path(sys.executable))
        # THEN a set that imports is marked complete
        assert (entry / "boto3" / "__init__.py").is_file() and (entry / ".fogbank-complete").is_file()
        return
    with pytest.raises(CloudError) as failed:
        ensure_runtime_wheels(minor, "x86_64", tmp_path, python=Path(sys.executable))

    # THEN one that does not is refused, naming the interpreter and the import that failed, and not kept
    assert "does not import the runtime's entry points" in str(failed.value)
    assert "No module named 'backport_only_old_pythons_need'" in str(failed.value)
    assert not entry.exists() and entry.with_name(f"{entry.name}.failed").is_file()


TWO_MINORS_PIP = """
import pathlib, time
pathlib.Path(TARGET).mkdir(parents=True)
if "cp312" in TARGET:
    time.sleep(10)
"""


def test_one_minors_install_does_not_hold_up_anothers_in_the_same_process(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # GIVEN python3.12's install running in one thread (a stand-in pip that takes 10 s)
    _fake_pip(monkeypatch, TWO_MINORS_PIP)
    stop = threading.Event()
    outcome: list[BaseException] = []
    slow = threading.Thread(
        target=lambda: _capture(
            outcome, lambda: ensure_runtime_wheels((3, 12), "x86_64", tmp_path, stop=stop)
        )
    )
    slow.start()
    time.sleep(0.5)

    # WHEN python3.13's packages are installed meanwhile in another thread
    started = time.monotonic()
    entry = ensure_runtime_wheels((3, 13), "x86_64", tmp_path)
    took = time.monotonic() - started

    # THEN it did not wait for 3.12's (each entry has its own lock)
    stop.set()
    slow.join(timeout=10)
    assert (entry / ".fogbank-complete").is_file()
    assert took < 5, took
    assert len(outcome) == 1 and isinstance(outcome[0], InstallStopped)
