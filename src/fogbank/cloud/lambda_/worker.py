"""One execution environment: a worker process, its Runtime API server and its captured output.

Example (skipped as a doctest: it starts a Lambda worker process):
    >>> worker = Worker.start(spec, launch, zygote.fork)  # doctest: +SKIP
    >>> outcome = worker.run(invocation)  # doctest: +SKIP
    >>> worker.stop()  # doctest: +SKIP
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fogbank.cloud.aws_state.lambda_ import FunctionSpec
from fogbank.cloud.lambda_.memory_limit import EnvironmentLimit
from fogbank.cloud.lambda_.process import OutputCapture, WorkerProcess, kill_process_group
from fogbank.cloud.lambda_.runtime_api import Invocation, Outcome, OutcomeKind, RuntimeApi
from fogbank.cloud.telemetry.records import LogLine

__all__ = ["INIT_TIMEOUT_S", "Launch", "ProcessStarter", "Worker", "log_stream_name"]

INIT_TIMEOUT_S = 10.0  # Lambda's limit for the init phase of an on-demand environment


@dataclass(frozen=True)
class Launch:
    """How to start a runtime: the command, the directories and the environment Lambda would give it.

    A Python runtime forked by the zygote runs `handler` in the zygote's interpreter instead of `argv`.
    `opt_source` is the directory to mount at /opt (None: no mount namespace); with it, `tmp_mb` sizes the
    environment's own /tmp, and `keep_paths` (read-only) and `keep_writable` (under the host's /tmp) stay reachable (sandbox.mount_private_tmp);
    `task_source` is the task root to mount at /var/task, then `cwd` (None: `cwd` is the task root itself);
    native extensions under `check_roots` are checked against `architecture` (see native_check.py); a Python
    `runtime` naming another minor than this interpreter's hides the modules that minor lacks (stdlib_versions.py).
    `own_loader`: a Python runtime the zygote starts as `argv` instead of forking it, so that the dynamic loader
    reads the environment's LD_LIBRARY_PATH (library_path.py).
    """

    argv: list[str]
    cwd: Path
    env: dict[str, str]
    python: bool = False
    handler: str = ""
    opt_source: Path | None = None
    task_source: Path | None = None
    tmp_mb: int | None = None
    keep_paths: tuple[Path, ...] = ()
    keep_writable: tuple[Path, ...] = ()
    architecture: str = "x86_64"
    host_architecture: str = "x86_64"
    check_roots: tuple[Path, ...] = ()
    runtime: str = ""
    door_map: Mapping[str, Any] | None = None  # given to a forked environment instead of fetching it
    own_loader: bool = False  # a Python runtime the zygote runs as `argv`, not forked (library_path.py)
    memory_cgroup: str | None = None  # cgroup.procs a forked environment joins first (memory_limit.py)


ProcessStarter = Callable[[Launch, dict[str, str]], WorkerProcess]
"""Starts the process of a Launch with the given complete environment (the spawner's or the zygote's way)."""


def log_stream_name(version: str, started: datetime | None = None) -> str:
    """A stream name like Lambda's: `2026/11/27/[$LATEST]0123456789abcdef0123456789abcdef`."""
    day = (started or datetime.now(UTC)).strftime("%Y/%m/%d")
    return f"{day}/[{version}]{secrets.token_hex(16)}"


class Worker:
    """A warm (or warming) execution environment for one function version. Runs one invocation at a time."""

    def __init__(
        self,
        spec: FunctionSpec,
        api: RuntimeApi,
        process: WorkerProcess,
        stream: str,
        *,
        spawned_at: float | None = None,
        memory: EnvironmentLimit | None = None,
    ) -> None:
        self.spec = spec
        self.api = api
        self.process = process
        self.log_stream = stream
        # when the cold start began: taken before the process starts, so Init Duration is never negative
        self.spawned_at = time.time() if spawned_at is None else spawned_at
        self.invocations = 0
        self.memory = memory  # its memory cgroup, when MemorySize is enforced (memory_limit.py)
        self.last_used = time.monotonic()
        self._stopped = threading.Event()
        self.output = OutputCapture(process, on_eof=self._on_exit)
        self._settled = memory is None
        api.on_runtime_request = self._runtime_request

    @classmethod
    def start(
        cls,
        spec: FunctionSpec,
        launch: Launch,
        start_process: ProcessStarter,
        *,
        api: RuntimeApi | None = None,
        memory: EnvironmentLimit | None = None,
    ) -> Worker:
        """Start the Runtime API server (unless `api`, one already serving, is given), then the runtime process
        pointed at it (the cold start begins)."""
        api = api if api is not None else RuntimeApi()
        stream = log_stream_name(spec.version)
        env = {
            **launch.env,
            "AWS_LAMBDA_RUNTIME_API": api.address,
            "AWS_LAMBDA_LOG_STREAM_NAME": stream,
        }
        spawned_at = time.time()
        try:
            process = start_process(launch, env)
        except BaseException:
            api.close()
            raise
        try:
            return cls(spec, api, process, stream, spawned_at=spawned_at, memory=memory)
        except BaseException:  # e.g. the output pipe could not be set up: leave no process or listener behind
            kill_process_group(process)
            api.close()
            raise

    def _runtime_request(self) -> int:
        if not self._settled and self.memory is not None:  # its first request after init (memory_limit.py)
            self._settled = True
            self.memory.settle(self.process.pid)
        return self.output.pull()

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def alive(self) -> bool:
        return not self._stopped.is_set() and self.process.poll() is None

    @property
    def cold(self) -> bool:
        return self.invocations == 0

    def run(self, invocation: Invocation) -> Outcome:
        """Hand `invocation` to the runtime and wait for its outcome; a timeout kills this worker."""
        cold = self.cold
        self.invocations += 1
        self.api.submit(invocation)
        outcome = self.api.wait(
            invocation,
            delivered_within=max(INIT_TIMEOUT_S, invocation.timeout_s) if cold else invocation.timeout_s,
            finished_within=invocation.timeout_s,
        )
        self.last_used = time.monotonic()
        if outcome.kind is OutcomeKind.TIMEOUT:
            self.stop()
        return outcome

    @property
    def init_duration_ms(self) -> float | None:
        """Process start to first poll of `invocation/next` (None before init finished)."""
        if self.api.first_poll_at is None:
            return None
        return (self.api.first_poll_at - self.spawned_at) * 1000

    def drain_output(self) -> tuple[int, list[LogLine]]:
        """The output lines since the last drain, with the position of the first (see RuntimeApi)."""
        return self.output.drain()

    def max_memory_used_mb(self) -> int:
        """Peak resident memory of the worker process (VmHWM), in MB; MemorySize when it ran out (as Lambda)."""
        if self.memory is not None and self.memory.exceeded():
            return self.spec.memory_size
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return 0
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return max(1, int(line.split()[1]) // 1024)
        return 0

    def stop(self) -> None:
        """Kill the process group and close the Runtime API server. Idempotent, never raises."""
        if self._stopped.is_set():
            return
        self._stopped.set()
        kill_process_group(self.process)
        self.api.close()
        if self.memory is not None:
            self.memory.release()

    def _on_exit(self) -> None:
        code = self.process.wait()
        status = f"signal: {_signal_name(-code)}" if code < 0 else f"exit status {code}"
        message = f"Runtime exited with error: {status}"
        # killed for its memory: Lambda's error type now (older runtimes said Runtime.ExitError), same message
        error_type = (
            "Runtime.OutOfMemory"
            if self.memory is not None and self.memory.exceeded()
            else "Runtime.ExitError"
        )
        payload = {"errorType": error_type, "errorMessage": message}
        self.api.process_exited(Outcome(OutcomeKind.EXIT, json.dumps(payload).encode(), error_type))


def _signal_name(number: int) -> str:
    """How Lambda's runtime manager (Go) names a signal: the C library's description, first letter lowered
    ("killed", "segmentation fault", "terminated").

    Example:
        >>> _signal_name(9), _signal_name(11)
        ('killed', 'segmentation fault')
    """
    import signal

    try:
        text = signal.strsignal(number)
    except ValueError:
        text = None
    return text[0].lower() + text[1:] if text else f"signal {number}"
