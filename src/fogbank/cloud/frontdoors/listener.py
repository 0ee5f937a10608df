"""An HTTP(S) listener on a loopback address: it turns each request into an HttpRequest for a front door.

HTTP/1.1 with keep-alive, Nagle off, one thread per connection; request bodies by Content-Length or chunked.
`close()` stops accepting, shuts down every open connection (so a keep-alive client cannot reach a removed
door) and waits, on a deadline, for the connection threads to end.

Example:
    >>> import http.client
    >>> echo_path = lambda request: HttpResponse(200, [], request.raw_path.encode())
    >>> listener = HttpListener("127.0.0.1", 0, echo_path)
    >>> client = http.client.HTTPConnection("127.0.0.1", listener.port)
    >>> client.request("GET", "/prod/items")
    >>> response = client.getresponse()
    >>> response.status, response.read()
    (200, b'/prod/items')
    >>> client.close(); listener.close()
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from fogbank.cloud.frontdoors.http import HttpRequest, HttpResponse
from fogbank.cloud.http_body import MalformedBody, read_body

__all__ = ["HttpListener", "RequestHandler"]

RequestHandler = Callable[[HttpRequest], HttpResponse]


_CLOSE_DEADLINE_SECONDS = 5.0


class _Server(ThreadingHTTPServer):
    """Tracks each open connection and its thread, so that `close_connections` can end them."""

    daemon_threads = True  # a thread still inside a slow invocation must not block interpreter exit
    block_on_close = False  # joined by close_connections instead, on a deadline
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self._open: dict[socket.socket, threading.Thread] = {}
        self._open_lock = threading.Lock()
        self._closing = False

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name=f"{threading.current_thread().name}-connection",
            daemon=True,
        )
        with self._open_lock:
            if self._closing:
                self.shutdown_request(request)
                return
            self._open[request] = thread
        thread.start()

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.pop(request, None)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Shut down every open connection (the handler's next read ends), then join the threads."""
        with self._open_lock:
            self._closing = True
            open_connections = list(self._open.items())
        for connection, _ in open_connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + _CLOSE_DEADLINE_SECONDS
        for _, thread in open_connections:
            if thread.is_alive() and thread is not threading.current_thread():
                thread.join(timeout=max(0.0, deadline - time.monotonic()))

    @property
    def open_connections(self) -> int:
        with self._open_lock:
            return len(self._open)


class HttpListener:
    """Serve `handle` on address:port (0 = any free port) until `close()`."""

    def __init__(
        self, address: str, port: int, handle: RequestHandler, tls: ssl.SSLContext | None = None
    ) -> None:
        scheme = "https" if tls else "http"
        handler = _handler_class(handle, scheme)
        self._server = _Server((address, port), handler)
        if tls is not None:
            self._server.socket = tls.wrap_socket(
                self._server.socket, server_side=True, do_handshake_on_connect=False
            )
        self.address = address
        self.port = int(self._server.server_address[1])
        handler.listener_port = self.port  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fogbank-frontdoor-{address}:{self.port}",
            daemon=True,
        )
        self._thread.start()

    def close(self) -> None:
        """Stop accepting, end every open connection and its thread, release the socket. Idempotent."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=_CLOSE_DEADLINE_SECONDS)
        self._server.close_connections()
        self._server.server_close()

    @property
    def open_connections(self) -> int:
        """How many client connections are open now."""
        return self._server.open_connections


def _handler_class(handle: RequestHandler, scheme: str) -> type[BaseHTTPRequestHandler]:
    class FrontDoorHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True
        server_version = "fogbank"
        sys_version = ""
        listener_port = 0

        def _serve(self) -> None:
            try:
                body = read_body(self.rfile, self.headers)
            except MalformedBody as exc:
                self.close_connection = True
                self.send_error(400, f"malformed request body: {exc}")
                return
            raw_path, _, raw_query = self.path.partition("?")
            request = HttpRequest(
                method=self.command,
                raw_path=raw_path,
                raw_query=raw_query,
                headers=list(self.headers.items()),
                body=body,
                source_ip=self.client_address[0],
                scheme=scheme,
                port=self.listener_port,
            )
            try:
                response = handle(request)
            except Exception as exc:  # a front door bug must answer, not hang the client
                response = HttpResponse.json({"message": f"fogbank front door failed: {exc!r}"}, 500)
            self.send_response(response.status)
            for name, value in response.headers:
                if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _serve

        def log_message(self, format: str, *args: Any) -> None:
            return None

    return FrontDoorHandler
