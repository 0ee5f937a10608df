"""The cloud's side of the pre-initialised runtime process (zygote): ask it to fork execution environments.

A cold start used to pay for a new interpreter and the runtime client's imports; the zygote pays for them once
(see `zygote_main.py` for what each forked environment still does on its own). The zygote keeps `SPARES`
environments forked ahead of need; a cold start hands its function's request straight to one of them (no fork,
no round trip through the zygote) and the zygote forks the next spare. One zygote serves every
runtime: Python environments keep running the zygote's interpreter, Node.js and `provided` ones execve their
program after the same fork-side setup (process group, parent-death signal, /opt namespace). A function whose
Python minor runs on another interpreter (interpreters.py) is forked by that interpreter's own zygote.

Example (skipped as a doctest: it starts the zygote process):
    >>> zygote = Zygote(spawner, runtime_dir, probe_dir)  # doctest: +SKIP
    >>> process = zygote.fork(launch, env)  # doctest: +SKIP
    >>> process.pid, process.wait()  # doctest: +SKIP
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from fogbank.cloud.lambda_.interpreters import Interpreter
from fogbank.cloud.lambda_.library_path import zygote_library_path
from fogbank.cloud.lambda_.machine_cache import shared_cache_root
from fogbank.cloud.lambda_.memory_limit import EnvironmentLimit, MemoryLimits
from fogbank.cloud.lambda_.process import Spawner
from fogbank.cloud.lambda_.python_runtime import ZYGOTE_MODULE
from fogbank.cloud.lambda_.runtime_api import RuntimeApi
from fogbank.cloud.lambda_.worker import Launch
from fogbank.errors import CloudError

__all__ = ["SPARES", "ForkedProcess", "Spare", "Zygote"]

_log = logging.getLogger(__name__)
_START_TIMEOUT_S = 20.0
_FORK_TIMEOUT_S = 10.0
_MAX_MESSAGE = 1 << 20
SPARES = 2  # environments forked ahead of need (each a sleeping process until a cold start takes it)


class ForkedProcess:
    """An execution environment the zygote forked: the part of subprocess.Popen that workers use."""

    def __init__(self, pid: int, stdout: IO[bytes] | None) -> None:
        self.pid = pid
        self.stdout: IO[bytes] | None = stdout
        self.returncode: int | None = None
        self._exited = threading.Event()

    def poll(self) -> int | None:
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if not self._exited.wait(timeout):
            raise subprocess.TimeoutExpired(f"environment {self.pid}", timeout or 0)
        assert self.returncode is not None
        return self.returncode

    def kill(self) -> None:
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(self.pid, signal.SIGKILL)

    def exited(self, returncode: int) -> None:
        self.returncode = returncode
        self._exited.set()


@dataclass(frozen=True)
class Spare:
    """An environment forked ahead of need, waiting on `channel` for its function; its runtime client is already
    loaded for `api`, which must be the Runtime API of the environment it becomes (`Zygote.fork`)."""

    pid: int
    channel: socket.socket
    api: RuntimeApi
    memory: EnvironmentLimit | None = None  # its memory cgroup, adopted ahead of need (memory_limit.py)

    def discard(self) -> None:
        """Close the channel (the spare ends itself), the Runtime API and its memory cgroup."""
        self.channel.close()
        self.api.close()
        if self.memory is not None:
            self.memory.release()


class Zygote:
    """Starts the zygote on first use (and again if it died), forks environments, reports /opt availability."""

    def __init__(
        self,
        spawner: Spawner,
        runtime_dir: Path,
        probe_dir: Path,
        python: Interpreter | None = None,
        memory: MemoryLimits | None = None,
    ) -> None:
        self._spawner = spawner
        self._memory = memory  # each spare's memory cgroup comes from here (None: not enforced)
        self._interpreter = python  # the interpreter it runs (interpreters.py; None: the cloud's own)
        self._python = str(python.executable if python is not None else sys.executable)
        self._runtime_dir = runtime_dir
        self._probe_dir = probe_dir
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._pending: dict[int, tuple[Future[ForkedProcess], int]] = {}
        self._processes: dict[int, ForkedProcess] = {}
        self._spares: collections.deque[Spare] = collections.deque()
        self._socket: socket.socket | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._closed = False
        self.opt_error: str | None = None
        self.var_task_error: str | None = None  # why code cannot be shown at /var/task (None: it can)

    def start(self) -> None:
        """Start the zygote now (idempotent); raises CloudError when it cannot start."""
        with self._lock:
            self._ensure_started()

    def take_spare(self) -> Spare | None:
        """A spare environment for the next cold start, or None when none is ready; the zygote forks the next.

        Give the environment `spare.api` as its Runtime API and `spare` to `fork`.
        """
        with self._lock:
            if self._socket is None or not self._spares:
                return None
            spare = self._spares.popleft()
            with contextlib.suppress(OSError):  # a zygote that died is replaced on the next cold start
                self._socket.send(json.dumps({"replenish": 1}).encode())
            return spare

    def fork(self, launch: Launch, env: dict[str, str], spare: Spare | None = None) -> ForkedProcess:
        """A new execution environment for `launch` with `env` (the complete environment it sees): `spare`
        becomes it, or (no spare, or it died meanwhile) the zygote forks it."""
        request: dict[str, Any] = {
            "argv": [launch.handler] if launch.python and not launch.own_loader else launch.argv,
            "env": env,
            "cwd": str(launch.cwd),
            "python": launch.python,
            "opt_source": str(launch.opt_source) if launch.opt_source else None,
            "task_source": str(launch.task_source) if launch.task_source else None,
            "tmp_mb": launch.tmp_mb,
            "keep_paths": [str(path) for path in launch.keep_paths],
            "keep_writable": [str(path) for path in launch.keep_writable],
            "architecture": launch.architecture,
            "host_architecture": launch.host_architecture,
            "check_roots": [str(root) for root in launch.check_roots],
            "runtime": launch.runtime,
            "door_map": dict(launch.door_map) if launch.door_map is not None else None,
            "own_loader": launch.own_loader,
            "memory_cgroup": launch.memory_cgroup,
        }
        read_end, write_end = os.pipe()
        future: Future[ForkedProcess] = Future()
        try:
            if spare is not None and (process := self._assign(spare, request, read_end, write_end)):
                return process
            with self._lock:
                control = self._ensure_started()
                request["id"] = request_id = next(self._ids)
                self._pending[request_id] = (future, read_end)
                socket.send_fds(control, [json.dumps(request).encode()], [write_end])
        except BaseException:
            os.close(read_end)
            raise
        finally:
            os.close(write_end)
        try:
            return future.result(timeout=_FORK_TIMEOUT_S)
        except TimeoutError:
            # _dispatch answers a request under this lock (and _read fails them all when the zygote dies, right
            # after taking them under it): the request is either still pending here, or answered (now or at once)
            with self._lock:
                dropped = self._pending.pop(request_id, None)
            if dropped is None:  # answered as the wait ended: that environment (or error) is ours after all
                return future.result(timeout=_FORK_TIMEOUT_S)
            os.close(read_end)  # a late fork finds no request: _dispatch ends that environment at once
            raise CloudError(
                f"the Lambda zygote did not fork the environment within {_FORK_TIMEOUT_S:g} s; the machine may be "
                "overloaded: retry the invocation"
            ) from None

    def _assign(
        self, spare: Spare, request: dict[str, Any], read_end: int, write_end: int
    ) -> ForkedProcess | None:
        """Hand `request` and the output pipe to `spare`; None when it died meanwhile."""
        process = ForkedProcess(spare.pid, None)
        with self._lock:  # known before it runs: an exit reported right after the hand-over finds it
            self._processes[spare.pid] = process
        try:
            socket.send_fds(spare.channel, [json.dumps(request).encode()], [write_end])
        except OSError:  # its exit is reported, and ignored: it is no longer anyone's
            with self._lock:
                self._processes.pop(spare.pid, None)
            return None
        finally:
            spare.channel.close()
        process.stdout = os.fdopen(read_end, "rb", buffering=0)
        return process

    def close(self) -> None:
        """Stop the zygote (its environments die with it: parent-death signal). Idempotent."""
        with self._lock:
            self._closed = True
            control, process = self._socket, self._process
            self._socket = self._process = None
            spares = self._take_spares()
        for spare in spares:
            spare.discard()
        if control is not None:
            with contextlib.suppress(OSError):
                control.shutdown(socket.SHUT_RDWR)
            control.close()
        if process is not None:
            from fogbank.cloud.lambda_.process import kill_process_group

            kill_process_group(process)

    # -- internals -----------------------------------------------------------------------------------------
    def _ensure_started(self) -> socket.socket:
        # caller holds self._lock
        if self._closed:
            raise CloudError("the Lambda zygote is stopped; start the LocalCloud again")
        if self._socket is not None:
            return self._socket
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._probe_dir.mkdir(parents=True, exist_ok=True)
        env = {
            key: os.environ[key] for key in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR") if key in os.environ
        }
        env.update({"PYTHONPATH": str(self._runtime_dir), "PYTHONUNBUFFERED": "1"})
        # the search list its forked Python environments keep: Lambda's, through slots (library_path.py)
        env["LD_LIBRARY_PATH"] = zygote_library_path(self._probe_dir.parent, self._interpreter)
        # what environments open there must not lie under /var/task, which their code covers (sandbox.py's probe)
        env["FOGBANK_CACHE_DIR"] = str(shared_cache_root())
        argv = [
            self._python,
            "-S",
            "-m",
            ZYGOTE_MODULE,
            str(theirs.fileno()),
            str(self._probe_dir),
            str(SPARES),
        ]
        try:
            process = self._spawner.spawn(argv, env, self._runtime_dir, pass_fds=(theirs.fileno(),))
        finally:
            theirs.close()
        ours.settimeout(_START_TIMEOUT_S)
        try:
            hello = json.loads(ours.recv(_MAX_MESSAGE) or b"{}")
        except (OSError, ValueError) as exc:
            hello = {"error": str(exc)}
        if "hello" not in hello:
            ours.close()
            output = b""
            with contextlib.suppress(Exception):
                from fogbank.cloud.lambda_.process import kill_process_group

                kill_process_group(process)
                output = process.stdout.read() if process.stdout else b""
            raise CloudError(
                f"the Lambda zygote ({' '.join(argv[:4])}) did not start: {hello} "
                f"{output.decode(errors='replace')[-2000:]}"
            )
        ours.settimeout(None)
        self.opt_error = hello.get("opt_error")
        self.var_task_error = hello.get("var_task_error", self.opt_error)
        self._socket, self._process = ours, process
        threading.Thread(target=self._read, args=(ours,), name="lambda-zygote", daemon=True).start()
        threading.Thread(
            target=self._relay_output, args=(process,), name="lambda-zygote-out", daemon=True
        ).start()
        return ours

    def _read(self, control: socket.socket) -> None:
        while True:
            try:
                raw, fds, _, _ = socket.recv_fds(control, _MAX_MESSAGE, 1)
            except OSError:
                raw, fds = b"", []
            if not raw:
                break
            self._dispatch(json.loads(raw), fds, control)
        with self._lock:
            if self._socket is control:
                self._socket = self._process = None
            spares = self._take_spares()
            pending, self._pending = self._pending, {}
            processes, self._processes = self._processes, {}
        for process in processes.values():
            process.exited(-signal.SIGKILL)  # the parent-death signal ends them
        for future, read_end in pending.values():
            os.close(read_end)
            future.set_exception(CloudError("the Lambda zygote stopped before it forked the environment"))
        for spare in spares:  # last: closing their Runtime APIs waits for the servers' threads
            spare.discard()

    def _take_spares(self) -> list[Spare]:
        # caller holds self._lock; the caller discards them (closing a Runtime API waits for its thread)
        spares = list(self._spares)
        self._spares.clear()
        return spares

    def _dispatch(self, message: dict[str, Any], fds: list[int], control: socket.socket) -> None:
        if "spare" in message:
            self._prepare_spare(int(message["spare"]), socket.socket(fileno=fds[0]), control)
            return
        for fd in fds:
            os.close(fd)
        if "exit" in message:
            pid = int(message["exit"])
            with self._lock:
                process = self._processes.pop(pid, None)
                dead = [spare for spare in self._spares if spare.pid == pid]
                for spare in dead:
                    self._spares.remove(spare)
            for spare in dead:
                spare.discard()
            if process is not None:
                process.exited(int(message["status"]))
            return
        with self._lock:
            pending = self._pending.pop(message["id"], None)
            if pending is None:  # its fork request timed out (fork): nobody owns this environment
                if "pid" in message:
                    self._end_unowned(int(message["pid"]))
                return
            future, read_end = pending
            if "pid" in message:
                process = ForkedProcess(message["pid"], os.fdopen(read_end, "rb", buffering=0))
                self._processes[process.pid] = process
                future.set_result(process)
                return
        os.close(read_end)
        future.set_exception(CloudError(f"the Lambda zygote could not fork: {message.get('error')}"))

    @staticmethod
    def _end_unowned(pid: int) -> None:
        """SIGKILL an environment whose fork request timed out, and anything it started (its process group, once
        it has made one: the process first, so that it cannot make one after the group was signalled)."""
        _log.warning("the Lambda zygote forked environment %d after its request timed out; it is ended", pid)
        for kill, target in ((os.kill, pid), (os.killpg, pid)):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                kill(target, signal.SIGKILL)

    def _prepare_spare(self, pid: int, channel: socket.socket, control: socket.socket) -> None:
        """Give a new spare its own Runtime API now, so that it loads the runtime client for it before any cold
        start needs it (the native client reads the address when it loads)."""
        try:
            api = RuntimeApi()
        except OSError:
            _log.exception("no Runtime API for a spare Lambda environment; it is not used")
            channel.close()
            return
        spare = Spare(pid, channel, api, self._memory.environment(0, 0) if self._memory is not None else None)
        try:
            channel.send(json.dumps({"runtime_api": api.address}).encode())
        except OSError:  # it died already
            spare.discard()
            return
        with self._lock:
            if self._socket is control and not self._closed:
                self._spares.append(spare)
                if spare.memory is not None:
                    spare.memory.adopt(pid)
                return
        spare.discard()

    @staticmethod
    def _relay_output(process: subprocess.Popen[bytes]) -> None:
        if process.stdout is None:
            return
        for line in process.stdout:
            _log.warning("lambda zygote: %s", line.decode(errors="replace").rstrip())
