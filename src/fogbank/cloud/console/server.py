"""`ConsoleServer`: the web console of a running local cloud, on its own port of 127.0.0.1.

It reads the cloud only through the cloud's public AWS APIs (its endpoint), in threads of its own, so a
page being viewed costs the API no more than the few reads it makes, and nothing when nobody looks.

Example (a static file needs no cloud; every page reads the cloud at `endpoint`):
    >>> import http.client
    >>> console = ConsoleServer("http://127.0.0.1:4566", "us-east-1", port=0).start()
    >>> console.url == f"http://127.0.0.1:{console.port}/_fogbank/console/"
    True
    >>> browser = http.client.HTTPConnection("127.0.0.1", console.port)
    >>> browser.request("GET", "/_fogbank/console/static/console.js")
    >>> browser.getresponse().status
    200
    >>> browser.close(); console.stop()
"""

from __future__ import annotations

import socket
import threading
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from fogbank.cloud.console.app import CONSOLE_PATH, ConsoleApp
from fogbank.cloud.console.reader import CloudReader
from fogbank.cloud.contracts import ClientFactory
from fogbank.errors import CloudError

__all__ = ["DEFAULT_CONSOLE_PORT", "LOOPBACK", "ConsoleServer"]

LOOPBACK = "127.0.0.1"
DEFAULT_CONSOLE_PORT = 4580


class _QuietHandler(WSGIRequestHandler):
    disable_nagle_algorithm = True

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class ConsoleServer:
    """The console's HTTP server; `start()` binds 127.0.0.1:`port` (0: any free port), `stop()` ends it.

    `clients` are boto3 clients on the cloud (a LocalCloud's `ClientFactory`); without it the console builds
    its own on `endpoint`.
    """

    def __init__(
        self, endpoint: str, region: str, port: int = 0, clients: ClientFactory | None = None
    ) -> None:
        self.endpoint = endpoint
        self.region = region
        self._clients = clients
        self._requested_port = port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> ConsoleServer:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:  # bound here: werkzeug exits the process (sys.exit) when its own bind fails
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((LOOPBACK, self._requested_port))
            listener.listen(128)
        except (OSError, OverflowError) as exc:  # OverflowError: a port outside 0-65535
            listener.close()
            raise CloudError(
                f"cannot bind {LOOPBACK}:{self._requested_port} for the console "
                f"({getattr(exc, 'strerror', None) or exc}); "
                "choose another --console-port, or 0 for any free port"
            ) from exc
        try:
            server = make_server(
                LOOPBACK,
                listener.getsockname()[1],
                _Deferred(),
                threaded=True,
                request_handler=_QuietHandler,
                fd=listener.fileno(),
            )
        finally:
            listener.close()  # the server holds its own duplicate of the socket
        port = int(server.server_address[1])
        reader = CloudReader(self.endpoint, self.region, clients=self._clients)
        server.app = ConsoleApp(reader, port=port, endpoint=self.endpoint)
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fogbank-console", daemon=True
        )
        self._thread.start()
        return self

    @property
    def port(self) -> int:
        if self._server is None:
            raise CloudError("the console is not started")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """The console's home page."""
        return f"http://{LOOPBACK}:{self.port}{CONSOLE_PATH}/"

    def stop(self) -> None:
        """Stop serving and close the socket. Idempotent."""
        server, self._server = self._server, None
        if server is not None:
            if self._thread is not None and self._thread.is_alive():
                server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> ConsoleServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


class _Deferred:
    """Placeholder app until the port is known (the app checks the Host header against it)."""

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
        return [b"starting\n"]
