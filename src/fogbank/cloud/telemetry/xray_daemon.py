"""A local X-Ray daemon: a UDP listener on 127.0.0.1 that stores the segments the X-Ray SDK sends.

The SDK sends one datagram per (sub)segment: a header line `{"format": "json", "version": 1}`, a newline,
then the segment document.

Example:
    >>> import queue, socket
    >>> received = queue.Queue()
    >>> daemon = XRayDaemon(on_documents=received.put).start()
    >>> host, port = daemon.address.split(":")
    >>> with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sdk:
    ...     _ = sdk.sendto(b'{"format": "json", "version": 1}\\n{"id": "a"}', (host, int(port)))
    >>> received.get(timeout=5)
    ['{"id": "a"}']
    >>> daemon.stop()
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Callable

__all__ = ["XRayDaemon", "parse_datagram"]

_log = logging.getLogger(__name__)
_MAX_DATAGRAM = 65536


def parse_datagram(data: bytes) -> str | None:
    """The segment document of one daemon datagram, or None when it is not the X-Ray daemon protocol.

    >>> parse_datagram(b'{"format": "json", "version": 1}\\n{"id": "a"}')
    '{"id": "a"}'
    """
    header, newline, body = data.partition(b"\n")
    if not newline:
        return None
    try:
        parsed = json.loads(header)
    except ValueError:
        return None
    if not isinstance(parsed, dict) or parsed.get("format") != "json":
        return None
    document = body.decode("utf-8", errors="replace").strip()
    return document or None


class XRayDaemon:
    """UDP listener thread; `on_documents` receives each segment document (a JSON string)."""

    def __init__(self, on_documents: Callable[[list[str]], None], host: str = "127.0.0.1") -> None:
        self._on_documents = on_documents
        self._host = host
        self._socket: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    @property
    def address(self) -> str:
        """`127.0.0.1:<port>`, the value for AWS_XRAY_DAEMON_ADDRESS."""
        if self._socket is None:
            raise RuntimeError("the X-Ray daemon is not started")
        host, port = self._socket.getsockname()[:2]
        return f"{host}:{port}"

    def start(self) -> XRayDaemon:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind((self._host, 0))
        self._socket = sock
        self._stopping.clear()
        self._thread = threading.Thread(target=self._serve, name="fogbank-xray-daemon", daemon=True)
        self._thread.start()
        return self

    def _serve(self) -> None:
        sock = self._socket
        assert sock is not None
        while not self._stopping.is_set():
            try:
                data = sock.recv(_MAX_DATAGRAM)
            except OSError:
                return
            if self._stopping.is_set():
                return
            document = parse_datagram(data)
            if document is None:
                _log.warning("X-Ray daemon: ignored a datagram that is not '{format: json}\\n<segment>'")
                continue
            try:
                self._on_documents([document])
            except Exception:  # a bad segment must not end the listener
                _log.exception("X-Ray daemon: could not store a segment")

    def stop(self) -> None:
        """Close the listener and join its thread. Idempotent."""
        sock, thread = self._socket, self._thread
        self._socket, self._thread = None, None
        if sock is None:
            return
        self._stopping.set()
        try:  # wake the blocking recv
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as waker:
                waker.sendto(b"", sock.getsockname())
        except OSError:
            pass
        if thread is not None:
            thread.join(timeout=5)
        sock.close()
