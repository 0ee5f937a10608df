"""Make AWS host names of the front doors reachable from this process, with no rewriting in the test.

`ConnectionShim` replaces `socket.getaddrinfo`, `socket.create_connection` and urllib3's
`create_connection` (used by requests) while installed: a connection to a mapped (host, port) goes to the
listener that serves it (for getaddrinfo: the answer is the listener's address and port, so any client that
resolves before connecting, asyncio's included, lands there); every other connection is untouched. Host names match exactly or by suffix (`.execute-api.us-east-1.amazonaws.com`).
TLS still runs end to end with the original host name (SNI and certificate checks are the client's own).

The module needs only the standard library (urllib3 is patched when importable), so Lambda workers load it
standalone from their runtime directory (see `lambda_/worker_boot.py`); `table()` / `from_table()` carry a
shim's mapping to another process as JSON.

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

__all__ = ["ConnectionShim"]

Address = tuple[str, int]


def _urllib3_connection() -> Any:
    """urllib3's connection module, or None when urllib3 is not importable (a bare Lambda worker)."""
    try:
        import urllib3.util.connection as urllib3_connection
    except ImportError:
        return None
    return urllib3_connection


class ConnectionShim:
    """A table of (host, port) -> listener address, applied to new connections while installed."""

    def __init__(self) -> None:
        self._exact: dict[Address, Address] = {}
        self._suffixes: dict[tuple[str, int], Address] = {}
        self._lock = threading.Lock()

    def map_host(self, host: str, port: int, target: Address) -> None:
        with self._lock:
            self._exact[(host.lower(), port)] = target

    def map_suffix(self, suffix: str, port: int, target: Address) -> None:
        with self._lock:
            self._suffixes[(suffix.lower(), port)] = target

    def unmap_host(self, host: str, port: int) -> None:
        with self._lock:
            self._exact.pop((host.lower(), port), None)

    def unmap_suffix(self, suffix: str, port: int) -> None:
        with self._lock:
            self._suffixes.pop((suffix.lower(), port), None)

    def table(self) -> dict[str, list[list[Any]]]:
        """The mapping as JSON-ready lists: `{"hosts": [[host, port, [addr, port]]], "suffixes": [...]}`."""
        with self._lock:
            return {
                "hosts": [[host, port, list(target)] for (host, port), target in self._exact.items()],
                "suffixes": [
                    [suffix, port, list(target)] for (suffix, port), target in self._suffixes.items()
                ],
            }

    @classmethod
    def from_table(cls, table: dict[str, Any]) -> ConnectionShim:
        """A shim with the mapping of another process's `table()`.

        >>> ConnectionShim.from_table({"suffixes": [[".on.aws", 443, ["127.0.0.1", 9]]]}).target("a.on.aws", 443)
        ('127.0.0.1', 9)
        """
        shim = cls()
        for host, port, (address, target_port) in table.get("hosts", []):
            shim.map_host(str(host), int(port), (str(address), int(target_port)))
        for suffix, port, (address, target_port) in table.get("suffixes", []):
            shim.map_suffix(str(suffix), int(port), (str(address), int(target_port)))
        return shim

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

    def install(self, *, patch_urllib3: bool = True) -> None:
        """Route this shim's hosts from now on (idempotent); `uninstall` stops it.

        Shims of several clouds in one process stack: the connection functions are patched once, while any
        shim is installed, and consult the installed shims newest first; each uninstalls on its own, in any
        order. `patch_urllib3=False` leaves urllib3 unimported (it resolves through `socket.getaddrinfo`).
        """
        _PATCH.add(self, patch_urllib3=patch_urllib3)

    def uninstall(self) -> None:
        """Stop routing this shim's hosts; the originals are back once no shim is installed. Idempotent."""
        _PATCH.discard(self)

    @property
    def installed(self) -> bool:
        return _PATCH.has(self)


class _ProcessPatch:
    """The one patch of the process's connection functions, shared by every installed shim."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._shims: list[ConnectionShim] = []
        self._socket_originals: tuple[Any, Any] | None = None
        self._urllib3: tuple[Any, Any] | None = None  # (module, original create_connection)

    def has(self, shim: ConnectionShim) -> bool:
        with self._lock:
            return any(installed is shim for installed in self._shims)

    def add(self, shim: ConnectionShim, *, patch_urllib3: bool) -> None:
        with self._lock:
            if not any(installed is shim for installed in self._shims):
                self._shims = [*self._shims, shim]
            if self._socket_originals is None:
                self._patch_socket()
            if patch_urllib3 and self._urllib3 is None:
                self._patch_urllib3()

    def discard(self, shim: ConnectionShim) -> None:
        with self._lock:
            self._shims = [installed for installed in self._shims if installed is not shim]
            if self._shims:
                return
            if self._socket_originals is not None:
                socket.create_connection, socket.getaddrinfo = self._socket_originals
                self._socket_originals = None
            if self._urllib3 is not None:
                module, original = self._urllib3
                module.create_connection = original
                self._urllib3 = None

    def target(self, host: str, port: int) -> Address | None:
        for shim in reversed(self._shims):  # newest first; the list is replaced, never changed in place
            target = shim.target(host, port)
            if target is not None:
                return target
        return None

    def _mapped(self, address: Address) -> Address:
        return self.target(*address) or address if isinstance(address[0], str) else address

    def _patch_socket(self) -> None:
        original_socket, original_getaddrinfo = socket.create_connection, socket.getaddrinfo

        def socket_create_connection(address: Address, *args: Any, **kwargs: Any) -> socket.socket:
            return original_socket(self._mapped(address), *args, **kwargs)

        def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(host, str | bytes) and isinstance(port, int | str) and str(port).isdigit():
                name = host.decode() if isinstance(host, bytes) else host
                target = self.target(name, int(port))
                if target is not None:
                    host, port = target
            return original_getaddrinfo(host, port, *args, **kwargs)

        self._socket_originals = (original_socket, original_getaddrinfo)
        socket.create_connection = socket_create_connection  # type: ignore[assignment]
        socket.getaddrinfo = getaddrinfo

    def _patch_urllib3(self) -> None:
        module = _urllib3_connection()
        if module is None:
            return
        original = module.create_connection

        def urllib3_create_connection(address: Address, *args: Any, **kwargs: Any) -> socket.socket:
            connected: socket.socket = original(self._mapped(address), *args, **kwargs)
            return connected

        self._urllib3 = (module, original)
        module.create_connection = urllib3_create_connection


_PATCH = _ProcessPatch()
