"""Unit tests: the spawner after close, cleanup when a Worker cannot be built, and the pool's bookkeeping.

These start real (tiny) processes and Runtime API servers; nothing is mocked.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from fogbank.cloud.aws_state.lambda_ import FunctionSpec
from fogbank.cloud.lambda_.memory_limit import EnvironmentLimit
from fogbank.cloud.lambda_.pool import WorkerPools
from fogbank.cloud.lambda_.process import Spawner
from fogbank.cloud.lambda_.runtime_api import RuntimeApi
from fogbank.cloud.lambda_.worker import Launch, ProcessStarter, Worker
from fogbank.errors import CloudError

_SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def _spec(name: str = "fn") -> FunctionSpec:
    return FunctionSpec(
        name=name,
        arn=f"arn:aws:lambda:us-east-1:123456789012:function:{name}",
        version="$LATEST",
        runtime="python3.11",
        handler="app.handler",
        package_type="Zip",
        code_sha256="",
        code=b"",
    )


def test_spawn_after_close_raises_at_once(tmp_path: Path) -> None:
    # GIVEN a spawner that has been closed
    spawner = Spawner()
    spawner.close()

    # WHEN a worker is spawned (on a thread, so that a hang shows as a failure, not a stuck run)
    outcome: list[BaseException | subprocess.Popen[bytes]] = []

    def spawn() -> None:
        try:
            outcome.append(spawner.spawn(_SLEEPER, {}, tmp_path))
        except BaseException as exc:
            outcome.append(exc)

    caller = threading.Thread(target=spawn)
    caller.start()
    caller.join(timeout=10)

    # THEN it returns promptly with a CloudError that says what to do
    assert not caller.is_alive(), "spawn() after close() waited forever"
    assert len(outcome) == 1 and isinstance(outcome[0], CloudError)
    assert "spawner is stopped" in str(outcome[0]) and "start the LocalCloud" in str(outcome[0])


def test_close_racing_spawns_leaves_no_caller_waiting(tmp_path: Path) -> None:
    # GIVEN many callers spawning while the spawner closes
    spawner = Spawner()
    results: list[BaseException | subprocess.Popen[bytes]] = []
    lock = threading.Lock()

    def spawn() -> None:
        try:
            result: BaseException | subprocess.Popen[bytes] = spawner.spawn(["true"], {}, tmp_path)
        except BaseException as exc:
            result = exc
        with lock:
            results.append(result)

    callers = [threading.Thread(target=spawn) for _ in range(20)]
    for caller in callers:
        caller.start()

    # WHEN the spawner closes in the middle of them
    spawner.close()
    for caller in callers:
        caller.join(timeout=10)

    # THEN every caller got a process or a CloudError, none is left waiting
    assert not any(caller.is_alive() for caller in callers)
    assert len(results) == 20
    for result in results:
        if isinstance(result, subprocess.Popen):
            result.wait(timeout=5)
        else:
            assert isinstance(result, CloudError)


class _WorkerThatCannotBeBuilt(Worker):
    built: dict[str, Any] = {}

    def __init__(
        self,
        spec: FunctionSpec,
        api: RuntimeApi,
        process: subprocess.Popen[bytes],
        stream: str,
        spawned_at: float | None = None,
        memory: EnvironmentLimit | None = None,
    ):
        type(self).built.update(api=api, process=process)
        raise OSError("output pipe could not be set up")


def test_worker_start_cleans_up_when_the_worker_cannot_be_built(tmp_path: Path) -> None:
    # GIVEN a Worker class whose construction fails after the process and Runtime API server started
    spawner = Spawner()
    try:
        # WHEN a worker is started
        with pytest.raises(OSError, match="output pipe"):
            _WorkerThatCannotBeBuilt.start(_spec(), Launch(_SLEEPER, tmp_path, {}), _starter(spawner))
    finally:
        spawner.close()

    # THEN the process is killed and reaped, and the Runtime API server no longer listens
    process: subprocess.Popen[bytes] = _WorkerThatCannotBeBuilt.built["process"]
    api: RuntimeApi = _WorkerThatCannotBeBuilt.built["api"]
    assert process.poll() is not None
    host, port = api.address.rsplit(":", 1)
    with pytest.raises(ConnectionRefusedError), socket.create_connection((host, int(port)), timeout=2):
        pass
    assert process.stdout is not None
    process.stdout.close()


def test_pool_keeps_no_in_flight_entry_for_functions_with_nothing_running(tmp_path: Path) -> None:
    # GIVEN pools that start real (sleeping) workers
    spawner = Spawner()
    pools = WorkerPools(
        lambda spec: Worker.start(
            spec,
            Launch(_SLEEPER, tmp_path, {}),
            lambda launch, env: spawner.spawn(launch.argv, env, launch.cwd),
        ),
        max_workers_per_function=2,
        queue_timeout_s=1,
    )
    try:
        # WHEN one invocation of each of two functions runs, then one of them is deleted (recycled)
        with pools.lease(_spec("kept")), pools.lease(_spec("deleted")):
            during = pools.in_flight()
        pools.recycle("deleted", "us-east-1")
        after = pools.in_flight()
    finally:
        pools.close()
        spawner.close()

    # THEN both are counted while running, and neither leaves an entry behind afterwards
    arn = "arn:aws:lambda:us-east-1:123456789012:function:"
    assert during == {f"{arn}kept": 1, f"{arn}deleted": 1}
    assert after == {}


def _starter(spawner: Spawner) -> ProcessStarter:
    return lambda launch, env: spawner.spawn(launch.argv, env, launch.cwd)
