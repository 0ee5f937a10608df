"""A cloud's Python hosts (python_hosts.py): preparing one minor's host (its runtime packages installed, up to
minutes of pip) holds up neither other minors' cold starts nor the cloud's stop, and a failed one is tried
again later. The install itself is replaced by a stand-in that can be made slow or failing at will (pip cannot);
tests/integration/lambda_/test_python_minor_interpreters.py runs the real one."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fogbank.cloud.lambda_ import python_hosts
from fogbank.cloud.lambda_.interpreters import Interpreter, Interpreters
from fogbank.cloud.lambda_.process import Spawner
from fogbank.cloud.lambda_.python_hosts import PythonHosts
from fogbank.cloud.lambda_.stdlib_versions import Minor
from fogbank.errors import CloudError


class _Found(Interpreters):
    """Every minor asked for is "found" (at this interpreter's path: nothing runs it without the zygote)."""

    def interpreter_for(self, minor: Minor) -> Interpreter | None:
        return Interpreter(Path(sys.executable), minor, Path(sys.base_prefix), "3.x", "cpython-3x", "test")


@pytest.fixture
def spawner() -> Any:
    spawner = Spawner()
    yield spawner
    spawner.close()


def _hosts(tmp_path: Path, spawner: Spawner) -> PythonHosts:
    return PythonHosts(tmp_path / "state", spawner, use_zygote=False, interpreters=_Found())


def _install(tmp_path: Path, slow: Minor, released: threading.Event) -> Callable[..., Path]:
    """A stand-in for ensure_runtime_wheels: `slow`'s install runs until its caller's `stop` is set (or 10 s)."""

    def install(minor: Minor, architecture: str, *args: Any, **kwargs: Any) -> Path:
        if minor == slow:
            stop = kwargs.get("stop") or released
            stop.wait(timeout=10)
            released.set()
            if kwargs.get("stop") is not None and stop.is_set():
                raise python_hosts.InstallStopped("stopped")
        packages = tmp_path / f"packages-{minor[1]}"
        packages.mkdir(exist_ok=True)
        return packages

    return install


def test_a_slow_install_holds_up_neither_another_minors_cold_start_nor_the_clouds_stop(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, spawner: Spawner
) -> None:
    # GIVEN a cloud whose python3.12 packages are being installed (slowly: pip on a slow network)
    released = threading.Event()
    monkeypatch.setattr(python_hosts, "ensure_runtime_wheels", _install(tmp_path, (3, 12), released))
    hosts = _hosts(tmp_path, spawner)
    outcome: list[object] = []
    cold_start = threading.Thread(target=lambda: outcome.append(_call(hosts.for_runtime, "python3.12")))
    cold_start.start()
    time.sleep(0.3)

    # WHEN a python3.13 function starts cold, a warning's hint is asked for, and then the cloud stops
    started = time.monotonic()
    host = hosts.for_runtime("python3.13")
    hosts.emulation_hint((3, 9))
    took_313 = time.monotonic() - started
    started = time.monotonic()
    hosts.close()
    took_close = time.monotonic() - started
    cold_start.join(timeout=15)

    # THEN neither waited for the install; python3.13 got its own host
    assert host.minor == (3, 13) and host.packages == tmp_path / "packages-13"
    assert took_313 < 2 and took_close < 2, (took_313, took_close)
    # AND the install in progress was ended by the stop: its cold start fails saying so, and no 3.12 host is kept
    assert len(outcome) == 1 and isinstance(outcome[0], CloudError) and "stopping" in str(outcome[0])
    assert [h.minor for h in hosts.all()][1:] == [(3, 13)]


def _call(function: Callable[[str], object], argument: str) -> object:
    try:
        return function(argument)
    except CloudError as exc:
        return exc


def test_a_failed_install_is_tried_again_after_the_retry_time(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, spawner: Spawner
) -> None:
    # GIVEN a cloud whose python3.13 install failed once (offline), then would succeed
    calls: list[Minor] = []

    def install(minor: Minor, architecture: str, *args: Any, **kwargs: Any) -> Path:
        calls.append(minor)
        if len(calls) == 1:
            raise CloudError("installing the Lambda Python runtime failed: offline")
        return tmp_path

    monkeypatch.setattr(python_hosts, "ensure_runtime_wheels", install)
    hosts = _hosts(tmp_path, spawner)
    first = hosts.for_runtime("python3.13")
    again = hosts.for_runtime("python3.13")

    # WHEN the retry time has passed (made 0 here; an hour by default) and a python3.13 function starts cold
    monkeypatch.setattr(python_hosts, "RETRY_FAILED_AFTER_S", 0.0)
    later = hosts.for_runtime("python3.13")

    # THEN the first two ran emulated (the cloud's host) with one install; the later one was installed again
    assert first is hosts.default and again is hosts.default
    assert later.minor == (3, 13) and later is not hosts.default
    assert calls == [(3, 13), (3, 13)]
    hosts.close()
