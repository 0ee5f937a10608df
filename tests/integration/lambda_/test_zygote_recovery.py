"""The pre-initialised runtime (zygote) is an implementation detail: if it dies, the next cold start brings up a
new one, and the environments it had forked end with it (their parent-death signal), never left behind."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from typing import Any

from fogbank.cloud import LocalCloud
from lambda_support import invoke_json

PID = "import os\ndef handler(e, c):\n    return os.getpid()\n"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (reaped later by its parent) is not alive
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def test_a_killed_zygote_is_replaced_and_takes_its_environments_with_it(
    cloud: LocalCloud, lambda_client: Any, make_function: Callable[..., str]
) -> None:
    # GIVEN a warm environment forked by the zygote
    zygote = cloud.context.lambda_._zygote
    assert zygote is not None
    zygote.start()  # the cloud starts it in the background: it may not have said hello yet
    assert zygote._process is not None
    first = make_function({"app.py": PID})
    worker_pid = invoke_json(lambda_client, first)[1]

    # WHEN the zygote is killed
    os.kill(zygote._process.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while _alive(worker_pid) and time.monotonic() < deadline:
        time.sleep(0.05)

    # THEN its environment died with it, and invocations still work: the function gets a new environment and a
    # new function cold-starts from a new zygote
    assert not _alive(worker_pid)
    response, again = invoke_json(lambda_client, first)
    assert "FunctionError" not in response and again != worker_pid, again
    response, other = invoke_json(lambda_client, make_function({"app.py": PID}))
    assert "FunctionError" not in response and isinstance(other, int)
