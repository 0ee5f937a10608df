"""Spare environments: forked by the zygote ahead of need, each handed to one function's cold start only.

These drive the zygote directly (no cloud): a spare must become exactly the environment it is handed (its own
variables, its own process group), a new spare must take its place, and none may outlive the zygote's owner.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from fogbank.cloud.lambda_.process import Spawner, kill_process_group
from fogbank.cloud.lambda_.python_runtime import build_runtime_dir
from fogbank.cloud.lambda_.worker import Launch
from fogbank.cloud.lambda_.zygote import SPARES, ForkedProcess, Zygote

# prints what the environment sees, then waits to be ended
PROBE = 'echo "mine=${MINE:-} other=${OTHER:-} api=${AWS_LAMBDA_RUNTIME_API:-} pid=$$"; exec sleep 30'


def _spare_pids(zygote: Zygote, count: int) -> list[int]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with zygote._lock:
            pids = [spare.pid for spare in zygote._spares]
        if len(pids) >= count:
            return pids
        time.sleep(0.01)
    raise AssertionError(f"the zygote did not keep {count} spares within 10 s (it has {len(pids)})")


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def _start(zygote: Zygote, tmp_path: Path, variables: dict[str, str]) -> tuple[ForkedProcess, str, str]:
    """A cold start as the cloud does it: a spare if one is ready (its Runtime API is the environment's)."""
    spare = zygote.take_spare()
    api = spare.api.address if spare is not None else "127.0.0.1:9"
    env = {"PATH": os.environ["PATH"], "AWS_LAMBDA_RUNTIME_API": api, **variables}
    process = zygote.fork(Launch(["/bin/sh", "-c", PROBE], tmp_path, {}), env, spare=spare)
    if spare is not None:
        spare.api.close()  # the probe never calls it
    assert process.stdout is not None
    line = b""
    deadline = time.monotonic() + 10
    while not line.endswith(b"\n") and time.monotonic() < deadline:
        line += process.stdout.read(1)
    return process, line.decode().strip(), api


def test_a_cold_start_takes_a_spare_that_becomes_only_its_environment(zygote: Zygote, tmp_path: Path) -> None:
    # GIVEN a zygote with its spares forked ahead of need
    spares = _spare_pids(zygote, SPARES)

    # WHEN two functions with different variables cold-start
    first, first_saw, first_api = _start(zygote, tmp_path, {"MINE": "first"})
    second, second_saw, second_api = _start(zygote, tmp_path, {"OTHER": "second"})
    try:
        # THEN each took a spare, sees only its own variables (its spare's Runtime API among them) and is its own
        # session and process group
        assert {first.pid, second.pid} <= set(spares)
        assert first_saw == f"mine=first other= api={first_api} pid={first.pid}"
        assert second_saw == f"mine= other=second api={second_api} pid={second.pid}"
        assert first_api != second_api
        for process in (first, second):
            assert os.getpgid(process.pid) == os.getsid(process.pid) == process.pid
        # AND new spares took their places
        replacements = _spare_pids(zygote, SPARES)
        assert not set(replacements) & {first.pid, second.pid}
    finally:
        kill_process_group(first)
        kill_process_group(second)


def test_a_spare_loads_the_runtime_client_for_its_own_runtime_api_before_it_is_needed(zygote: Zygote) -> None:
    # GIVEN a spare that no cold start has taken yet
    pid = _spare_pids(zygote, 1)[0]

    # WHEN its memory map is read (the runtime client's native module is a shared object)
    deadline = time.monotonic() + 10
    while "runtime_client" not in Path(f"/proc/{pid}/maps").read_text() and time.monotonic() < deadline:
        time.sleep(0.01)

    # THEN it has loaded it already (for the address of the Runtime API paired with it: every invocation through a
    # spare in tests/integration/lambda_ would miss its Runtime API otherwise)
    assert "runtime_client" in Path(f"/proc/{pid}/maps").read_text()


def test_ending_one_environment_leaves_the_others_and_the_spares(zygote: Zygote, tmp_path: Path) -> None:
    # GIVEN two running environments (forked from spares) and the spares that replaced them
    steady, _, _ = _start(zygote, tmp_path, {})
    doomed, _, _ = _start(zygote, tmp_path, {})
    spares = _spare_pids(zygote, SPARES)

    # WHEN one of them is killed, as a timeout does (its process group)
    kill_process_group(doomed)

    # THEN it alone ended: the other environment and the spares still run, and its exit status is known
    assert doomed.wait(timeout=5) < 0
    assert _alive(steady.pid) and steady.poll() is None
    assert all(_alive(pid) for pid in spares)
    kill_process_group(steady)


def test_closing_the_zygote_ends_its_spares(tmp_path: Path) -> None:
    # GIVEN a zygote with spares
    spawner = Spawner()
    zygote = Zygote(spawner, build_runtime_dir(tmp_path), tmp_path / "lambda" / "opt-probe")
    zygote.start()
    spares = _spare_pids(zygote, SPARES)

    # WHEN it is closed (the cloud stops)
    zygote.close()
    spawner.close()

    # THEN no spare is left behind
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in spares) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not any(_alive(pid) for pid in spares)
