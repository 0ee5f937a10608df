"""Make AWS host names of the front doors reachable from this process, with no rewriting in the test.

`ConnectionShim` replaces `socket.create_connection` and urllib3's `create_connection` (used by requests)
while installed: a connection to a mapped (host, port) goes to the listener that serves it; every other
connection is untouched. Host names match exactly or by suffix (`.execute-api.us-east-1.amazonaws.com`).
TLS still runs end to end with the original host name (SNI and certificate checks are the client's own).

Example:
    >>> shim = ConnectionShim()
    >>> shim.map_suffix(".execute-api.us-east-1.amazonaws.com", 443, ("127.0.0.1", 40443))
    >>> shim.target("abc.execute-api.us-east-1.amazonaws.com", 443)
    ('127.0.0.1', 40443)
    >>> shim.target("example.com", 443) is None
    True
"""

from __future__ import annotations

import socket
import threading
from typing import Any

import urllib3.util.connection as urllib3_connection

__all__ = ["ConnectionShim"]

Address = tuple[str, int]


class ConnectionShim:
    """A table of (host, port) -> listener address, applied to new connections while installed."""

    def __init__(self) -> None:
        self._exact: dict[Address, Address] = {}
        self._suffixes: dict[tuple[str, int], Address] = {}
        self._lock = threading.Lock()
        self._originals: tuple[Any, Any] | None = None

    def map_host(self, host: str, port: int, target: Address) -> None:
        with self._lock:
            self._exact[(host.lower(), port)] = target

    def map_suffix(self, suffix: str, port: int, target: Address) -> None:
        with self._lock:
            self._suffixes[(suffix.lower(), port)] = target

    def unmap_host(self, host: str, port: int) -> None:
        with self._lock:
            self._exact.pop((host.lower(), port), None)

    def target(self, host: str, port: int) -> Address | None:
        """Where a connection to (host, port) goes, or None to leave it alone."""
        key = (host.lower().rstrip("."), port)
        with self._lock:
            if key in self._exact:
                return self._exact[key]
            for (suffix, mapped_port), target in self._suffixes.items():
                if mapped_port == port and key[0].endswith(suffix):
                    return target
        return None

    def install(self) -> None:
        """Patch the connection functions (once); `uninstall` puts the originals back."""
        if self._originals is not None:
            return
        original_socket, original_urllib3 = socket.create_connection, urllib3_connection.create_connection

        def socket_create_connection(address: Address, *args: Any, **kwargs: Any) -> socket.socket:
            return original_socket(self.target(*address) or address, *args, **kwargs)

        def urllib3_create_connection(address: Address, *args: Any, **kwargs: Any) -> socket.socket:
            return original_urllib3(self.target(*address) or address, *args, **kwargs)

        self._originals = (original_socket, original_urllib3)
        socket.create_connection = socket_create_connection  # type: ignore[assignment]
        urllib3_connection.create_connection = urllib3_create_connection

    def uninstall(self) -> None:
        if self._originals is None:
            return
        socket.create_connection, urllib3_connection.create_connection = self._originals
        self._originals = None
