"""A fork request that times out must not leave an environment nobody owns: when the zygote's answer comes late,
the cloud ends that environment and everything it started at once, and keeps no trace of the request.

These drive the zygote directly (no cloud). The answer is made late by holding the zygote's reply in the cloud's
reader until the waiting `fork` has given up (a test hook around `Zygote._dispatch`); everything else is real.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from fogbank.cloud.lambda_ import zygote as zygote_module
from fogbank.cloud.lambda_.process import kill_process_group
from fogbank.cloud.lambda_.worker import Launch
from fogbank.cloud.lambda_.zygote import Zygote
from fogbank.errors import CloudError

# the environment starts a child of its own (same process group), then both wait to be ended
PROBE = "sleep 60 & exec sleep 61"


def _marked(marker: str) -> list[int]:
    """Live processes (not zombies) whose environment holds `marker`."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker.encode() not in (entry / "environ").read_bytes():
                continue
            if (entry / "stat").read_text().split(") ", 1)[1][0] != "Z":
                pids.append(int(entry.name))
        except OSError:
            continue
    return pids


def _wait_for(condition: Any, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_an_environment_forked_after_its_request_timed_out_is_ended_with_its_children(
    zygote: Zygote, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a zygote whose answer to a fork request reaches the cloud only after the request timed out and after
    # the environment it forked started a child of its own
    marker = f"FOGBANK_LATE_FORK={uuid.uuid4().hex}"
    gave_up = threading.Event()
    dispatch = zygote._dispatch

    def late(message: dict[str, Any], fds: list[int], control: Any) -> None:
        if "pid" in message and "id" in message:
            gave_up.wait(10)
            _wait_for(lambda: len(_marked(marker)) >= 2)
        dispatch(message, fds, control)

    monkeypatch.setattr(zygote, "_dispatch", late)
    monkeypatch.setattr(zygote_module, "_FORK_TIMEOUT_S", 0.2)
    env = {"PATH": os.environ["PATH"], marker.split("=")[0]: marker.split("=")[1]}

    # WHEN a cold start asks for an environment (no spare) and gives up waiting
    with pytest.raises(CloudError, match="did not fork"):
        zygote.fork(Launch(["/bin/sh", "-c", PROBE], tmp_path, {}), env)
    gave_up.set()

    # THEN the late environment and the child it started are ended, and no request is left pending
    try:
        assert _wait_for(lambda: not _marked(marker)), f"left behind: {_marked(marker)}"
    finally:  # on failure too: the child would outlive the zygote
        for pid in _marked(marker):
            os.kill(pid, signal.SIGKILL)
    with zygote._lock:
        assert not zygote._pending

    # AND the zygote still forks environments for the next cold starts
    monkeypatch.setattr(zygote, "_dispatch", dispatch)
    monkeypatch.setattr(zygote_module, "_FORK_TIMEOUT_S", 10.0)
    process = zygote.fork(Launch(["/bin/sh", "-c", "exec sleep 30"], tmp_path, {}), env)
    try:
        assert _wait_for(lambda: os.getpgid(process.pid) == process.pid) and process.poll() is None
    finally:
        kill_process_group(process)
