"""What runs a cloud's Python functions, per interpreter: its runtime directory, zygote and bytecode cache.

The cloud's own interpreter has one `PythonHost`, made when the cloud starts (it also forks Node.js and
`provided` environments). A function naming another Python minor gets that minor's interpreter's host when this
machine has the interpreter (interpreters.py), made on the first such function's start: the runtime's packages
for that minor (runtime_wheels.py, once per machine), a runtime directory linking them, and a zygote running
that interpreter (started on first use, stopped with the cloud). Without the interpreter, or when its packages
cannot be installed (said once, loudly), the function runs on the cloud's own host with the named minor's
standard library emulated (stdlib_versions.py).

Example (skipped as a doctest: it may install packages and start a zygote):
    >>> hosts = PythonHosts(state_dir, spawner, use_zygote=True)  # doctest: +SKIP
    >>> hosts.for_runtime("python3.13").python.executable  # doctest: +SKIP
    PosixPath('/root/.pyenv/versions/3.13.0/bin/python3.13')
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from fogbank.cloud.lambda_.bytecode import BytecodeCache
from fogbank.cloud.lambda_.interpreters import Interpreter, Interpreters, variable_for
from fogbank.cloud.lambda_.machine_cache import shared_cache_root
from fogbank.cloud.lambda_.memory_limit import MemoryLimits
from fogbank.cloud.lambda_.process import Spawner
from fogbank.cloud.lambda_.python_runtime import build_runtime_dir
from fogbank.cloud.lambda_.runtime_wheels import RETRY_FAILED_AFTER_S, InstallStopped, ensure_runtime_wheels
from fogbank.cloud.lambda_.stdlib_versions import INTERPRETER, Minor, python_minor
from fogbank.cloud.lambda_.zygote import Zygote
from fogbank.errors import CloudError
from fogbank.layer import host_architecture

__all__ = ["PythonHost", "PythonHosts"]

_log = logging.getLogger(__name__)


@dataclass
class PythonHost:
    """One interpreter's part of a cloud: `python` None is the cloud's own interpreter. `zygote` and `bytecode`
    are None without the zygote (FOGBANK_LAMBDA_ZYGOTE=0, or it could not start)."""

    python: Interpreter | None
    runtime_dir: Path
    zygote: Zygote | None
    bytecode: BytecodeCache | None
    packages: Path | None = None  # where the runtime directory's packages are (runtime_wheels.py)

    @property
    def minor(self) -> Minor:
        return INTERPRETER if self.python is None else self.python.minor

    def close(self) -> None:
        for closer in (self.zygote, self.bytecode):
            if closer is not None:
                try:
                    closer.close()
                except Exception:
                    _log.exception("stopping %s failed", type(closer).__name__)


class PythonHosts:
    """A cloud's hosts, one per interpreter; each made once (thread-safe). `close` stops every zygote.

    A minor's host is prepared (its runtime packages installed, up to minutes of pip) by its first function's
    start without holding the hosts' lock: cold starts of other minors, and `close`, do not wait for it; later
    starts of the same minor wait for that one preparation. A failed one is retried after
    RETRY_FAILED_AFTER_S (as runtime_wheels repeats a recorded failure for that long)."""

    def __init__(
        self,
        state_dir: Path,
        spawner: Spawner,
        *,
        use_zygote: bool,
        interpreters: Interpreters | None = None,
        memory: MemoryLimits | None = None,
    ) -> None:
        self._state_dir = state_dir
        self._memory = memory  # the zygotes' spares get their memory cgroups from it
        self._spawner = spawner
        self._use_zygote = use_zygote
        self._interpreters = interpreters or Interpreters()
        self._lock = threading.Lock()
        self._closed = False
        self._stop = threading.Event()  # set by close(): ends an install in progress
        self._hosts: dict[Minor, PythonHost] = {}
        self._preparing: dict[Minor, Future[PythonHost | None]] = {}
        self._not_run: dict[Minor, tuple[float, str]] = {}  # found but not usable: (when, monotonic; why)
        self.default = self._make(None, build_runtime_dir(state_dir))

    def for_runtime(self, runtime: str) -> PythonHost:
        """The host of functions of `runtime`: the named minor's interpreter's, else the cloud's own (also for
        Node.js and `provided`). Raises CloudError when FOGBANK_PYTHON_3_X names an unusable interpreter, or
        once the hosts are closed."""
        minor = python_minor(runtime)
        if minor is None or minor == INTERPRETER:
            return self.default
        python = self._interpreters.interpreter_for(minor)
        if python is None:
            return self.default
        with self._lock:
            if self._closed:
                raise CloudError("the local cloud is stopping; start the LocalCloud again")
            host = self._hosts.get(minor)
            if host is not None:
                return host
            not_run = self._not_run.get(minor)
            if not_run is not None and time.monotonic() - not_run[0] < RETRY_FAILED_AFTER_S:
                return self.default
            preparing = self._preparing.get(minor)
            owner = preparing is None
            if preparing is None:
                preparing = self._preparing[minor] = Future()
        if owner:
            try:
                preparing.set_result(self._prepare(minor, python))
            except BaseException as exc:
                preparing.set_exception(exc)
                raise
            finally:
                with self._lock:
                    self._preparing.pop(minor, None)
        return preparing.result() or self.default

    def _prepare(self, minor: Minor, python: Interpreter) -> PythonHost | None:
        """Install `minor`'s runtime packages and make its host (None: they could not be installed, logged)."""
        try:
            packages = ensure_runtime_wheels(
                minor, host_architecture(), stop=self._stop, python=python.executable
            )
        except InstallStopped as exc:
            raise CloudError("the local cloud is stopping; start the LocalCloud again") from exc
        except CloudError as exc:
            with self._lock:
                self._not_run[minor] = (
                    time.monotonic(),
                    "the Lambda runtime's packages for it could not be installed (logged above)",
                )
            _log.error(
                "python%d.%d functions run on the local cloud's Python %d.%d with the standard library "
                "emulated, NOT on %s, because the Lambda runtime's packages for it could not be installed: %s",
                *minor,
                *INTERPRETER,
                python.executable,
                exc,
            )
            return None
        host = self._make(
            python, build_runtime_dir(self._state_dir, packages, name=f"python{minor[0]}.{minor[1]}")
        )
        host.packages = packages
        with self._lock:
            if not self._closed:
                self._hosts[minor] = host
                self._not_run.pop(minor, None)
                return host
        host.close()  # made after close(): nobody would stop it
        raise CloudError("the local cloud is stopping; start the LocalCloud again")

    def emulation_hint(self, minor: Minor) -> str:
        """How to have python3.X functions run on their own minor, for the warning of one that is emulated."""
        with self._lock:
            not_run = self._not_run.get(minor)
        reason = not_run[1] if not_run is not None else None
        found = self._interpreters.search(minor)
        if found.emulate:
            return f"{variable_for(minor)}=emulate asks for this emulation"
        if reason is not None and found.interpreter is not None:
            return f"CPython {minor[0]}.{minor[1]} was found at {found.interpreter.executable} but {reason}"
        tried = f" (not usable: {'; '.join(found.tried)})" if found.tried else ""
        return (
            f"no CPython {minor[0]}.{minor[1]} was found on this machine{tried}; install one (e.g. `pyenv install "
            f"{minor[0]}.{minor[1]}` or `uv python install {minor[0]}.{minor[1]}`) or set {variable_for(minor)} "
            "to its path, and the function runs on it"
        )

    def all(self) -> list[PythonHost]:
        with self._lock:
            return [self.default, *self._hosts.values()]

    def close(self) -> None:
        """Stop every host's zygote and release its bytecode cache, and end an install in progress (without
        waiting for it; a host it would make is dropped). Idempotent."""
        with self._lock:
            self._closed = True
            self._stop.set()
            hosts = [self.default, *self._hosts.values()]
        for host in hosts:
            host.close()

    def _make(self, python: Interpreter | None, runtime_dir: Path) -> PythonHost:
        if not self._use_zygote:
            return PythonHost(python, runtime_dir, None, None)
        lambda_state = self._state_dir / "lambda"
        zygote = Zygote(self._spawner, runtime_dir, lambda_state / "opt-probe", python, memory=self._memory)
        key = (python.base_prefix, python.version, python.cache_tag) if python else None
        bytecode = BytecodeCache(
            lambda_state, runtime_dir, shared_cache_root() / "lambda-bytecode", python=key
        )
        return PythonHost(python, runtime_dir, zygote, bytecode)
