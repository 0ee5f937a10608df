"""One cache node: a real `redis-server` process on a loopback address of its own, plain or TLS.

The server is Debian's `redis-server` package (Redis 7.0, built with TLS), which `make install` installs
(docs/local-cloud.md says why). With TLS (ServerlessCache, or TransitEncryptionEnabled), the server presents a
certificate for its address signed by the local cloud's CA, which Lambda workers already trust; clients are
not asked for certificates, as on ElastiCache. A start waits for the server's own word that it is ready
(`--supervised systemd`: it sends READY=1 to a socket the cloud listens on) or for its exit, then checks
that it answers PING once.

Example (skipped as a doctest: it starts a redis-server process):
    >>> spec = ServerSpec(address="127.0.0.9", port=6379, data_dir=Path("/tmp/c1"))  # doctest: +SKIP
    >>> node = RedisServer.start(spec, spawner)  # doctest: +SKIP
    >>> node.stop()  # removes the data directory too  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import os
import secrets
import selectors
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from fogbank.errors import CloudError

__all__ = ["SERVER_PROGRAMS", "RedisServer", "ServerSpec", "server_program"]

SERVER_PROGRAMS = ("redis-server", "valkey-server")
READY_TIMEOUT_SECONDS = 10.0


class ProcessSpawner(Protocol):
    """Starts a process that dies with the local cloud (`fogbank.cloud.lambda_.process.Spawner`)."""

    def spawn(self, argv: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]: ...


@dataclass(frozen=True)
class ServerSpec:
    """Where a node listens and keeps its data; `tls` is (certificate, key) or None for plain TCP."""

    address: str
    port: int
    data_dir: Path
    tls: tuple[Path, Path] | None = None
    parameters: tuple[tuple[str, str], ...] = ()  # a ParameterGroup's `name value` settings


def server_program() -> str:
    """The Redis-compatible server on PATH; CloudError naming how to install it when there is none."""
    for name in SERVER_PROGRAMS:
        found = shutil.which(name)
        if found:
            return found
    raise CloudError(
        "ElastiCache needs a Redis-compatible server and none is installed (looked for redis-server and "
        "valkey-server on PATH); run `make install`, or `apt-get install redis-server`"
    )


class RedisServer:
    """A running node; `stop()` ends the process and removes its data."""

    def __init__(self, spec: ServerSpec, process: subprocess.Popen[bytes]) -> None:
        self.spec = spec
        self._process = process

    @classmethod
    def start(cls, spec: ServerSpec, spawner: ProcessSpawner) -> RedisServer:
        """Start the node, wait until it says it is ready, then check that it answers PING; CloudError with
        its log when it exits, does not get ready within READY_TIMEOUT_SECONDS, or does not answer."""
        spec.data_dir.mkdir(parents=True, exist_ok=True)
        argv = [server_program(), *_arguments(spec), "--supervised", "systemd"]
        with _notification_socket() as (notifications, address):
            env = {"PATH": "/usr/bin:/bin", "NOTIFY_SOCKET": address}
            process = spawner.spawn(argv, env=env, cwd=spec.data_dir)
            node = cls(spec, process)
            try:
                node._wait_ready(notifications)
            except BaseException:
                node.stop()
                raise
        return node

    @property
    def running(self) -> bool:
        return self._process.poll() is None

    def stop(self) -> None:
        """End the process (TERM, then KILL) and remove the data directory. Idempotent, never raises."""
        if self._process.poll() is None:
            with contextlib.suppress(OSError):
                self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(OSError):
                    self._process.kill()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self._process.wait(timeout=5)
        if self._process.stdout is not None:
            with contextlib.suppress(OSError):
                self._process.stdout.close()
        shutil.rmtree(self.spec.data_dir, ignore_errors=True)

    def _wait_ready(self, notifications: socket.socket) -> None:
        """Wait for the server's `READY=1` (systemd's notify protocol, which Redis and Valkey speak with
        `--supervised systemd`) or its exit, whichever comes first; nothing is polled."""
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        where = f"the cache server on {self.spec.address}:{self.spec.port}"
        exited = os.pidfd_open(self._process.pid)
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(notifications, selectors.EVENT_READ)
                selector.register(exited, selectors.EVENT_READ)
                while not _says_ready(notifications):
                    left = deadline - time.monotonic()
                    ready = selector.select(left) if left > 0 else []
                    if not ready:
                        raise CloudError(
                            f"{where} did not get ready within {READY_TIMEOUT_SECONDS:.0f} s: {self._log_tail()}"
                        )
                    if any(key.fileobj == exited for key, _ in ready):
                        self._process.wait(5)  # it has exited: this reaps it at once
                        raise CloudError(
                            f"{where} exited at start (code {self._process.returncode}): {self._exit_output()}"
                        )
        finally:
            os.close(exited)
        if not _answers_ping(self.spec):
            raise CloudError(f"{where} said it was ready but does not answer PING: {self._log_tail()}")

    def _exit_output(self) -> str:
        """What an exited server said: its log, else what it printed (a bad setting is refused before the log
        is open)."""
        tail = self._log_tail()
        if tail not in ("(no log)", "(empty log)") or self._process.stdout is None:
            return tail
        with contextlib.suppress(OSError, ValueError):
            printed = self._process.stdout.read().decode(errors="replace").strip().splitlines()
            if printed:
                return " | ".join(printed[-5:])
        return tail

    def _log_tail(self) -> str:
        log = self.spec.data_dir / "server.log"
        try:
            return " | ".join(log.read_text(errors="replace").strip().splitlines()[-5:]) or "(empty log)"
        except OSError:
            return "(no log)"


def _arguments(spec: ServerSpec) -> list[str]:
    """Command-line configuration: loopback only, no persistence (data lives as long as the cache)."""
    arguments = [
        "--bind", spec.address,
        "--dir", str(spec.data_dir),
        "--logfile", str(spec.data_dir / "server.log"),
        "--save", "",
        "--appendonly", "no",
        "--daemonize", "no",
        "--protected-mode", "no",
    ]  # fmt: skip
    for name, value in spec.parameters:
        arguments += [f"--{name}", value]
    if spec.tls is None:
        return [*arguments, "--port", str(spec.port)]
    certificate, key = spec.tls
    return [
        *arguments,
        "--port", "0",
        "--tls-port", str(spec.port),
        "--tls-cert-file", str(certificate),
        "--tls-key-file", str(key),
        "--tls-auth-clients", "no",
    ]  # fmt: skip


@contextlib.contextmanager
def _notification_socket() -> Iterator[tuple[socket.socket, str]]:
    """A datagram socket for systemd's notify protocol, in the abstract namespace (no file to clean up), and
    its address as NOTIFY_SOCKET spells it."""
    name = f"fogbank-cache-{secrets.token_hex(8)}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as notifications:
        notifications.bind("\0" + name)
        notifications.setblocking(False)
        yield notifications, "@" + name


def _says_ready(notifications: socket.socket) -> bool:
    """Read every waiting notification; True once one of them is READY=1."""
    while True:
        try:
            message = notifications.recv(4096)
        except BlockingIOError:
            return False
        if b"READY=1" in message.split(b"\n"):
            return True


def _answers_ping(spec: ServerSpec) -> bool:
    try:
        with socket.create_connection((spec.address, spec.port), timeout=0.5) as raw:
            if spec.tls is None:
                return _ping(raw)
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE  # readiness only; clients verify against the local CA
            with context.wrap_socket(raw) as secure:
                return _ping(secure)
    except OSError:
        return False


def _ping(connection: socket.socket) -> bool:
    connection.sendall(b"PING\r\n")
    return connection.recv(16).startswith(b"+PONG")
