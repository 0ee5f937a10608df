"""A small HTTP/1.1 server for the local cloud's WSGI application: keep-alive, Nagle off, one write per answer.

AWS SDKs keep connections open and send many small requests; what matters is the per-request path, not
throughput. Each connection gets a thread that reads requests in a loop (HTTP/1.1 keep-alive; HTTP/1.0 or
`Connection: close` ends it), builds the WSGI environ the way werkzeug's development server does (same keys,
underscored header names dropped, `x-amz-meta-*` names kept as sent, as moto's request handler does),
answers `Expect: 100-continue`, reads `Transfer-Encoding: chunked` bodies, and writes the status line,
headers and body in one `sendall` with TCP_NODELAY set. An application error is logged and answered
`500 Internal Server Error`, as werkzeug answers it.

Example:
    >>> import http.client, threading
    >>> def app(environ, start_response):
    ...     start_response("200 OK", [("Content-Type", "text/plain")])
    ...     return [environ["PATH_INFO"].encode()]
    >>> server = HttpServer("127.0.0.1", 0, app)
    >>> threading.Thread(target=server.serve_forever, daemon=True).start()
    >>> client = http.client.HTTPConnection(*server.server_address)
    >>> client.request("GET", "/hello")
    >>> response = client.getresponse()
    >>> response.status, response.read()
    (200, b'/hello')
    >>> client.close(); server.shutdown(); server.server_close()
"""

from __future__ import annotations

import contextlib
import functools
import io
import logging
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable
from email.utils import formatdate
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

__all__ = ["HttpServer", "WsgiApp"]

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

_log = logging.getLogger(__name__)
_MAX_LINE = 65_536
_MAX_HEADERS = 200
_SINGLE_WRITE_LIMIT = 256 * 1024  # bigger bodies go in a second sendall (no copy of a large body)
_SERVER = "fogbank"
_PRESERVED_HEADER_NAMES = "moto.preserved_header_names"
_TCP_QUICKACK: int | None = getattr(
    socket, "TCP_QUICKACK", None
)  # moto.core.request.PRESERVED_HEADER_NAMES_ENVIRON_KEY


class _BadRequest(Exception):
    """The bytes on the connection are not an HTTP/1.x request; answer 400 and close."""


class _Date:
    """The Date header value, formatted at most once per second."""

    def __init__(self) -> None:
        self._second = -1
        self._value = ""

    def __call__(self) -> str:
        now = int(time.time())
        if now != self._second:
            self._second, self._value = now, formatdate(now, usegmt=True)
        return self._value


class HttpServer:
    """Serve `app` on (host, port); port 0 lets the OS choose (see `server_address`)."""

    def __init__(self, host: str, port: int, app: WsgiApp) -> None:
        self.app = app
        self._listener = socket.create_server((host, port), backlog=128)
        self.server_address: tuple[str, int] = self._listener.getsockname()[:2]
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._stopped = threading.Event()
        self._date = _Date()
        self.last_request_at = (
            0.0  # time.monotonic() when the latest request began or ended (the warm-up's test)
        )
        self._in_flight = 0  # requests being answered (an Invoke stays in flight while its function runs)
        self._in_flight_lock = threading.Lock()

    def last_activity_at(self) -> float:
        """time.monotonic() of the latest request's start or end; now while any request is being answered (a
        synchronous Invoke is, for as long as its function runs). The warm-up waits for this to be quiet."""
        with self._in_flight_lock:
            busy = self._in_flight > 0
        return time.monotonic() if busy else self.last_request_at

    # -- lifecycle (the subset of socketserver's API that LocalCloud uses) --------------------------------
    def serve_forever(self, poll_interval: float = 0.5) -> None:
        """Accept connections until `shutdown()`; each connection is served on its own daemon thread."""
        del poll_interval  # accept() blocks; shutdown() wakes it by shutting the listening socket down
        try:
            while not self._stopping.is_set():
                try:
                    connection, address = self._listener.accept()
                except OSError:
                    if self._stopping.is_set():
                        break
                    raise
                connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                with self._lock:
                    self._connections.add(connection)
                threading.Thread(
                    target=self._serve_connection,
                    args=(connection, address),
                    name=f"fogbank-http-{address[1]}",
                    daemon=True,
                ).start()
        finally:
            self._stopped.set()

    def shutdown(self) -> None:
        """Stop accepting and end every open connection; returns when the accept loop has ended."""
        self._stopping.set()
        with self._lock:
            sockets = [self._listener, *self._connections]
        for each in sockets:
            with contextlib.suppress(OSError):  # already closed by its client
                each.shutdown(socket.SHUT_RDWR)
        self._stopped.wait(5)

    def server_close(self) -> None:
        """Close the listening socket (after `shutdown()`, or instead of serving)."""
        self._stopping.set()
        self._listener.close()

    # -- one connection ----------------------------------------------------------------------------------
    def _serve_connection(self, connection: socket.socket, address: tuple[str, int]) -> None:
        reader: io.BufferedReader = connection.makefile("rb", buffering=65_536)  # type: ignore[assignment]
        try:
            keep_alive = True
            while keep_alive and not self._stopping.is_set():
                try:
                    request = _read_request(reader, connection)
                except _BadRequest as exc:
                    connection.sendall(self._simple(400, f"Bad request: {exc}", close=True))
                    return
                if request is None:
                    return  # the client closed the connection
                keep_alive = request.keep_alive
                with self._in_flight_lock:
                    self._in_flight += 1
                self.last_request_at = time.monotonic()
                try:
                    self._respond(connection, request, address)
                finally:
                    with self._in_flight_lock:
                        self._in_flight -= 1
                    self.last_request_at = time.monotonic()
        except (ConnectionError, TimeoutError, OSError):
            return
        finally:
            with self._lock:
                self._connections.discard(connection)
            reader.close()
            connection.close()

    def _respond(self, connection: socket.socket, request: _Request, address: tuple[str, int]) -> None:
        environ = request.environ(self.server_address, address)
        status_line: list[str] = []
        response_headers: list[tuple[str, str]] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            status_line[:] = [status]
            response_headers[:] = headers

        try:
            result = self.app(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        except Exception:
            _log.exception("Error on request %s %s", request.method, request.target)
            connection.sendall(self._simple(500, _INTERNAL_ERROR, close=not request.keep_alive, html=True))
            return
        head = [f"HTTP/1.1 {status_line[0]}\r\nServer: {_SERVER}\r\nDate: {self._date()}\r\n"]
        has_length = False
        for name, value in response_headers:
            if name.lower() == "content-length":
                has_length = True
            head.append(f"{name}: {value}\r\n")
        if not has_length:
            head.append(f"Content-Length: {len(body)}\r\n")
        if not request.keep_alive:
            head.append("Connection: close\r\n")
        head.append("\r\n")
        encoded = "".join(head).encode("latin-1")
        if request.method == "HEAD":
            connection.sendall(encoded)
        elif len(body) <= _SINGLE_WRITE_LIMIT:
            connection.sendall(encoded + body)
        else:
            connection.sendall(encoded)
            connection.sendall(body)

    def _simple(self, status: int, text: str, *, close: bool, html: bool = False) -> bytes:
        kind = "text/html; charset=utf-8" if html else "text/plain; charset=utf-8"
        body = text.encode()
        head = (
            f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\nServer: {_SERVER}\r\nDate: {self._date()}\r\n"
            f"Content-Type: {kind}\r\nContent-Length: {len(body)}\r\n"
            + ("Connection: close\r\n" if close else "")
            + "\r\n"
        )
        return head.encode("latin-1") + body


_INTERNAL_ERROR = (  # werkzeug's InternalServerError page, which its server answers on an application error
    "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n"
    "<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was unable to complete "
    "your request. Either the server is overloaded or there is an error in the application.</p>\n"
)


class _Request:
    """One parsed request: line, headers (as sent) and the whole body."""

    def __init__(self, method: str, target: str, version: str, headers: list[tuple[str, str]], body: bytes):
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        tokens = {value.strip().lower() for name, value in headers if name.lower() == "connection"}
        self.keep_alive = version == "HTTP/1.1" and "close" not in tokens
        self.chunked = any(
            name.lower() == "transfer-encoding" and "chunked" in value.lower() for name, value in headers
        )

    def environ(self, server: tuple[str, int], client: tuple[str, int]) -> dict[str, Any]:
        """The WSGI environ werkzeug's server (with moto's request handler) builds for this request."""
        path, _, query = self.target.partition("?")
        if path.startswith("//"):
            path_info = path  # werkzeug re-joins a path that urlsplit mistook for a netloc
        elif "://" in path:
            path_info = "/" + path.split("://", 1)[1].partition("/")[2]
        else:
            path_info = path
        environ: dict[str, Any] = {
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(self.body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "SERVER_SOFTWARE": _SERVER,
            "REQUEST_METHOD": self.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": _wsgi_encoding_dance(unquote(path_info)),
            "QUERY_STRING": _wsgi_encoding_dance(query),
            "REQUEST_URI": _wsgi_encoding_dance(self.target),
            "RAW_URI": _wsgi_encoding_dance(self.target),
            "REMOTE_ADDR": client[0],
            "REMOTE_PORT": client[1],
            "SERVER_NAME": server[0],
            "SERVER_PORT": str(server[1]),
            "SERVER_PROTOCOL": self.version,
        }
        preserved: dict[str, str] = {}
        preserved_values: dict[str, list[str]] = {}
        dashed: set[str] | None = (
            None  # environ keys of the dashed names, needed only beside an underscored one
        )
        for name, value in self.headers:
            value = value.replace("\r\n", "")
            if "_" in name:
                if name.lower().startswith("x-amz-meta-"):  # moto keeps S3 metadata names as sent
                    key = _environ_key(name)
                    if dashed is None:
                        dashed = {_environ_key(other) for other, _ in self.headers if "_" not in other}
                    if key not in dashed:
                        preserved.setdefault(key, name)
                        preserved_values.setdefault(key, []).append(value)
                continue
            key = _environ_key(name)
            if key.startswith("HTTP_") and key in environ:
                value = f"{environ[key]},{value}"
            environ[key] = value
        for key, values in preserved_values.items():
            environ[key] = ",".join(values)
        environ[_PRESERVED_HEADER_NAMES] = preserved
        if self.chunked:
            environ["wsgi.input_terminated"] = True
        return environ


@functools.lru_cache(maxsize=1024)  # a pure function of the name; clients send the same few names
def _environ_key(name: str) -> str:
    key = name.upper().replace("-", "_")
    return key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"


def _wsgi_encoding_dance(text: str) -> str:
    return text.encode().decode("latin-1")


def _read_line(reader: io.BufferedReader) -> bytes:
    line = reader.readline(_MAX_LINE + 1)
    if len(line) > _MAX_LINE:
        raise _BadRequest("line too long")
    return line


def _quick_ack(connection: socket.socket) -> None:
    """ACK what arrives next at once (Linux). boto3 sends headers and body in two writes with Nagle on: its
    body waits for our ACK of the headers, which a delayed ACK would hold back for milliseconds."""
    if _TCP_QUICKACK is not None:
        connection.setsockopt(socket.IPPROTO_TCP, _TCP_QUICKACK, 1)


def _read_request(reader: io.BufferedReader, connection: socket.socket) -> _Request | None:
    """The next request on the connection; None when the client closed it between requests."""
    _quick_ack(connection)
    line = _read_line(reader)
    while line in (b"\r\n", b"\n"):  # tolerated before a request line (RFC 9112, 2.2)
        line = _read_line(reader)
    if not line:
        return None
    parts = line.decode("latin-1").rstrip("\r\n").split()
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise _BadRequest(f"request line {line[:100]!r}")
    method, target, version = parts
    headers: list[tuple[str, str]] = []
    while True:
        line = _read_line(reader)
        if line in (b"\r\n", b"\n", b""):
            break
        name, colon, value = line.decode("latin-1").partition(":")
        if not colon or not name or name != name.strip():
            raise _BadRequest(f"header line {line[:100]!r}")
        headers.append((name, value.strip()))
        if len(headers) > _MAX_HEADERS:
            raise _BadRequest("too many headers")
    lowered = {name.lower(): value for name, value in headers}
    _quick_ack(connection)
    if lowered.get("expect", "").lower() == "100-continue" and version == "HTTP/1.1":
        connection.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
    if "chunked" in lowered.get("transfer-encoding", "").lower():
        body = _read_chunked(reader)
    else:
        try:
            length = int(lowered.get("content-length", "0") or "0")
        except ValueError as exc:
            raise _BadRequest("Content-Length is not a number") from exc
        if length < 0:
            raise _BadRequest("negative Content-Length")
        body = reader.read(length) if length else b""
        if len(body) != length:
            raise ConnectionError("the client closed the connection inside a request body")
    return _Request(method, target, version, headers, body)


def _read_chunked(reader: io.BufferedReader) -> bytes:
    chunks: list[bytes] = []
    while True:
        size_line = _read_line(reader).split(b";", 1)[0].strip()
        try:
            size = int(size_line, 16)
        except ValueError as exc:
            raise _BadRequest(f"chunk size {size_line[:20]!r}") from exc
        if size == 0:
            while _read_line(reader) not in (b"\r\n", b"\n", b""):  # trailers
                pass
            return b"".join(chunks)
        chunk = reader.read(size)
        if len(chunk) != size:
            raise ConnectionError("the client closed the connection inside a chunk")
        chunks.append(chunk)
        _read_line(reader)  # the CRLF after the chunk
