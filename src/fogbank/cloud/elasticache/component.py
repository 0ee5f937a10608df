"""ElastiCacheComponent: starts and stops the cache server processes of one LocalCloud.

Each cache (a ServerlessCache, a CacheCluster node, a ReplicationGroup's primary) gets a loopback address of
its own (`127.a.b.c`, as load balancers do) and listens on its template port there (6379 by default), so
the endpoint address and port from the stack outputs work unchanged from the tests' process, from Lambda
workers and from any other local tool. Deleting the cache ends the process and removes its data.

Example (skipped as a doctest: it starts a redis-server process):
    >>> caches = ElastiCacheComponent(site, certificates=frontdoors)  # doctest: +SKIP
    >>> endpoint = caches.create_cache("orders", tls=True)  # doctest: +SKIP
    >>> redis.Redis(host=endpoint.address, port=endpoint.port, ssl=True).ping()  # doctest: +SKIP
    True
"""

from __future__ import annotations

import contextlib
import errno
import random
import re
import socket
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fogbank.cloud.elasticache.server import RedisServer, ServerSpec
from fogbank.cloud.lambda_.process import Spawner
from fogbank.errors import CloudError

if TYPE_CHECKING:
    from fogbank.cloud.contracts import CertificateIssuer
    from fogbank.cloud.site import CloudSite

__all__ = ["CacheEndpoint", "ElastiCacheComponent"]

DEFAULT_PORT = 6379
_ATTEMPTS = 8


@dataclass(frozen=True)
class CacheEndpoint:
    """Where a cache answers: `address:port`, with TLS or not."""

    address: str
    port: int
    tls: bool


class ElastiCacheComponent:
    """Owns every cache server process of one LocalCloud (satisfies `fogbank.cloud.contracts.CacheCommands`).

    `certificates` signs the TLS caches' certificates with the local cloud's CA (the front doors').
    """

    def __init__(self, site: CloudSite, *, certificates: CertificateIssuer) -> None:
        self._root = site.state_dir / "elasticache"
        self._certificates = certificates
        self._lock = threading.Lock()
        self._servers: dict[str, RedisServer] = {}
        self._starting: dict[str, str] = {}  # cache id -> the address reserved for it while its server starts
        self._spawner: Spawner | None = None
        self._parameter_groups: dict[str, dict[str, str]] = {}

    def start(self) -> None:
        """Nothing runs until a cache is created; the process spawner starts with the first cache."""

    def stop(self) -> None:
        """End every cache server and remove its data. Idempotent, never raises."""
        with self._lock:
            servers = list(self._servers.values())
            self._servers.clear()
            spawner, self._spawner = self._spawner, None
        for server in servers:
            server.stop()
            _remove_tls(server)
        if spawner is not None:
            spawner.close()

    def create_cache(
        self, cache_id: str, *, tls: bool, port: int = DEFAULT_PORT, parameters: dict[str, str] | None = None
    ) -> CacheEndpoint:
        """Start a server for `cache_id` on a fresh loopback address; CloudError when it cannot run.

        `parameters` (a ParameterGroup's, e.g. `{"maxmemory-policy": "allkeys-lru"}`) configure the server; one
        it does not know fails the start with the server's own message.
        """
        name = _directory_name(cache_id)
        with self._lock:  # the id and the address are reserved before the server starts, outside the lock
            if cache_id in self._servers or cache_id in self._starting:
                raise CloudError(f"cache {cache_id} already runs on this local cloud")
            if self._spawner is None:
                self._spawner = Spawner()
            spawner = self._spawner
            used = {server.spec.address for server in self._servers.values()} | set(self._starting.values())
            address = _free_address(port, used)
            self._starting[cache_id] = address
        try:
            data_dir = self._root / name
            certificate = None
            if tls:
                certificate = self._certificates.issue_certificate(
                    data_dir.with_name(f"{name}-tls"), [], [address]
                )
            settings = tuple(sorted((parameters or {}).items()))
            server = RedisServer.start(ServerSpec(address, port, data_dir, certificate, settings), spawner)
        except BaseException:
            with self._lock:
                self._starting.pop(cache_id, None)
            raise
        with self._lock:
            self._starting.pop(cache_id, None)
            stopped = self._spawner is not spawner
            if not stopped:
                self._servers[cache_id] = server
        if stopped:  # the cloud stopped while this server started: it must not outlive the cloud
            server.stop()
            _remove_tls(server)
            raise CloudError(
                f"the local cloud stopped while cache {cache_id} was starting; its server was ended"
            )
        return CacheEndpoint(address, port, tls)

    def delete_cache(self, cache_id: str) -> None:
        """End the cache's server and remove its data; an unknown cache is already deleted."""
        with self._lock:
            server = self._servers.pop(cache_id, None)
        if server is not None:
            server.stop()
            _remove_tls(server)

    def put_parameter_group(self, name: str, parameters: dict[str, str]) -> None:
        """Record a ParameterGroup; caches created later with its name get its parameters."""
        with self._lock:
            self._parameter_groups[name] = dict(parameters)

    def remove_parameter_group(self, name: str) -> None:
        with self._lock:
            self._parameter_groups.pop(name, None)

    def parameter_group(self, name: str) -> dict[str, str] | None:
        """A recorded ParameterGroup's parameters, or None."""
        with self._lock:
            found = self._parameter_groups.get(name)
        return dict(found) if found is not None else None

    def endpoint(self, cache_id: str) -> CacheEndpoint | None:
        """Where a running cache answers, or None."""
        server = self._servers.get(cache_id)
        if server is None:
            return None
        return CacheEndpoint(server.spec.address, server.spec.port, server.spec.tls is not None)


def _directory_name(cache_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", cache_id)[:100]


def _remove_tls(server: RedisServer) -> None:
    """Remove the server's certificate files and their folder (its data goes with `stop()`)."""
    if server.spec.tls is not None:
        with contextlib.suppress(OSError):
            for path in server.spec.tls:
                path.unlink()
            server.spec.tls[0].parent.rmdir()


def _free_address(port: int, used: set[str]) -> str:
    """A loopback address not used by another cache, where `port` can be bound now."""
    for _ in range(_ATTEMPTS):
        address = f"127.{random.randint(1, 254)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
        if address in used:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((address, port))
            except OSError as exc:
                if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                    continue
                raise CloudError(f"cannot bind a cache on {address}:{port} ({exc.strerror})") from exc
            return address
    raise CloudError(f"no free loopback address for a cache on port {port} after {_ATTEMPTS} attempts")
