"""An HTTP(S) listener on a loopback address: it turns each request into an HttpRequest for a front door.

HTTP/1.1 with keep-alive, Nagle off, one thread per connection; `close()` ends the thread and the socket.

Example:
    >>> listener = HttpListener("127.0.0.1", 0, lambda request: HttpResponse(200, [], b"ok"))  # doctest: +SKIP
    >>> listener.port  # doctest: +SKIP
    41234
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from fogbank.cloud.frontdoors.http import HttpRequest, HttpResponse

__all__ = ["HttpListener", "RequestHandler"]

RequestHandler = Callable[[HttpRequest], HttpResponse]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


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
        """Stop serving and release the socket. Idempotent."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()


def _handler_class(handle: RequestHandler, scheme: str) -> type[BaseHTTPRequestHandler]:
    class FrontDoorHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True
        server_version = "fogbank"
        sys_version = ""
        listener_port = 0

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
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
