"""Start worker processes so that they die with the local cloud, and capture their output line by line.

Workers are started from one long-lived thread: Linux sends PR_SET_PDEATHSIG when the *thread* that forked
a child ends, so forking from short-lived request threads would kill warm workers early.

Example (skipped as a doctest: it starts a process):
    >>> spawner = Spawner()  # doctest: +SKIP
    >>> proc = spawner.spawn(["python", "-c", "print(1)"], env={}, cwd=Path("/tmp"))  # doctest: +SKIP
    >>> spawner.close()  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import fcntl
import os
import queue
import select
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import IO, Protocol

from fogbank.cloud.telemetry.records import LogLine
from fogbank.errors import CloudError

__all__ = ["OutputCapture", "Spawner", "WorkerProcess", "kill_process_group"]

_PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
_prctl = _libc.prctl


def _die_with_parent() -> None:  # runs in the child between fork and exec: keep it minimal
    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


class WorkerProcess(Protocol):
    """What workers need of a process: subprocess.Popen, or a process the zygote forked."""

    @property
    def pid(self) -> int: ...

    @property
    def stdout(self) -> IO[bytes] | None: ...

    def poll(self) -> int | None: ...

    def wait(self, timeout: float | None = None) -> int: ...

    def kill(self) -> None: ...


class Spawner:
    """Starts processes from one dedicated thread (see module docstring). `close()` ends that thread.

    After `close()`, `spawn()` raises CloudError at once, and requests still queued are failed the same way.
    """

    def __init__(self) -> None:
        self._requests: queue.Queue[
            tuple[list[str], dict[str, str], Path, tuple[int, ...], Future[subprocess.Popen[bytes]]] | None
        ] = queue.Queue()
        self._lock = threading.Lock()
        self._closed = False
        self._thread = threading.Thread(target=self._serve, name="lambda-spawner", daemon=True)
        self._thread.start()

    def spawn(
        self, argv: list[str], env: dict[str, str], cwd: Path, pass_fds: tuple[int, ...] = ()
    ) -> subprocess.Popen[bytes]:
        """Start `argv` in its own process group, stdout and stderr merged into one pipe (`pass_fds` kept)."""
        future: Future[subprocess.Popen[bytes]] = Future()
        with self._lock:
            if self._closed:
                raise _stopped_error(argv)
            self._requests.put((argv, env, cwd, pass_fds, future))
        return future.result()

    def close(self) -> None:
        """Stop the spawner thread; queued and later `spawn()` calls raise CloudError. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._requests.put(None)
        self._thread.join(timeout=5)

    def _serve(self) -> None:
        while (request := self._requests.get()) is not None:
            argv, env, cwd, pass_fds, future = request
            if self._closed:  # queued before close(): do not start a process nobody will stop
                future.set_exception(_stopped_error(argv))
                continue
            try:
                process = subprocess.Popen(
                    argv,
                    env=env,
                    cwd=cwd,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    preexec_fn=_die_with_parent,
                    pass_fds=pass_fds,
                )
            except BaseException as exc:
                future.set_exception(exc)
            else:
                future.set_result(process)
        self._fail_queued()

    def _fail_queued(self) -> None:
        while True:
            try:
                request = self._requests.get_nowait()
            except queue.Empty:
                return
            if request is not None:
                argv, _, _, _, future = request
                future.set_exception(_stopped_error(argv))


def _stopped_error(argv: list[str]) -> CloudError:
    program = argv[0] if argv else "a worker"
    return CloudError(
        f"cannot start {program}: the local cloud's Lambda spawner is stopped; start the LocalCloud again"
    )


def kill_process_group(process: WorkerProcess) -> None:
    """SIGKILL the worker and everything it started, then reap it. Never raises."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


class OutputCapture:
    """Reads a worker's merged stdout/stderr into timestamped lines on a background thread.

    `drain()` returns every complete line written so far *and* whatever is still in the pipe, so lines printed
    before a response are never lost; a trailing partial line is flushed too.
    """

    def __init__(self, process: WorkerProcess, on_eof: Callable[[], None]) -> None:
        assert process.stdout is not None
        self._pipe = process.stdout
        self._fd = self._pipe.fileno()
        flags = fcntl.fcntl(self._fd, fcntl.F_GETFL)
        fcntl.fcntl(self._fd, fcntl.F_SETFL, flags | os.O_NONBLOCK)
        self._lock = threading.Lock()
        self._lines: list[LogLine] = []
        self._captured = 0  # complete lines captured since the start (drained or not): a line's position
        self._partial = b""
        self._eof = False
        self._on_eof = on_eof
        self._thread = threading.Thread(target=self._pump, name=f"lambda-output-{process.pid}", daemon=True)
        self._thread.start()

    def drain(self) -> tuple[int, list[LogLine]]:
        """Every line captured since the last drain (reads the pipe dry first), with the first one's position."""
        with self._lock:
            self._read_available()
            if self._partial:
                self._append(self._partial)
                self._partial = b""
            lines, self._lines = self._lines, []
            return self._captured - len(lines), lines

    def pull(self) -> int:
        """Read what is in the pipe now; returns the position the next line will have."""
        with self._lock:
            self._read_available()
            return self._captured

    def _pump(self) -> None:
        while True:
            try:
                readable, _, _ = select.select([self._fd], [], [], 0.5)
            except (OSError, ValueError):  # closed under us at shutdown
                break
            if readable:
                with self._lock:
                    self._read_available()
                    if self._eof:
                        break
        with self._lock:
            self._eof = True
            self._pipe.close()
        self._on_eof()

    def _read_available(self) -> None:
        # caller holds self._lock
        while not self._eof:
            try:
                chunk = os.read(self._fd, 65536)
            except BlockingIOError:
                return
            except OSError:
                chunk = b""
            if not chunk:
                self._eof = True
                return
            data = self._partial + chunk
            *complete, self._partial = data.split(b"\n")
            for raw in complete:
                self._append(raw)

    def _append(self, raw: bytes) -> None:
        message = raw.decode("utf-8", errors="replace").rstrip("\r")
        self._lines.append(LogLine(timestamp_ms=int(time.time() * 1000), message=message))
        self._captured += 1
