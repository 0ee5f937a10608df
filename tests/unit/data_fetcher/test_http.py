"""get_http_response: connection errors are retried until the deadline; HTTP answers are final."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from fogbank.data_fetcher import get_http_response


class _Counting(BaseHTTPRequestHandler):
    status = 200
    hits = 0

    def do_POST(self) -> None:
        type(self).hits += 1
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(type(self).status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        return None


def _serve(port: int, status: int) -> ThreadingHTTPServer:
    handler = type("Handler", (_Counting,), {"status": status, "hits": 0})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server


@pytest.fixture
def free_port() -> Iterator[int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    yield port


def test_a_5xx_answer_is_final_and_sent_once(free_port: int) -> None:
    # GIVEN an endpoint that answers 502
    server = _serve(free_port, 502)
    try:
        # WHEN a POST is sent through get_http_response
        with pytest.raises(requests.HTTPError) as caught:
            get_http_response(
                requests.Request("POST", f"http://127.0.0.1:{free_port}/", data=b"x"), timeout=5
            )
        # THEN the 502 is raised at once, and the handler ran exactly once
        assert caught.value.response.status_code == 502
        assert server.RequestHandlerClass.hits == 1  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


def test_connection_errors_are_retried_until_the_endpoint_listens(free_port: int) -> None:
    # GIVEN an endpoint that starts listening a little later
    started: list[ThreadingHTTPServer] = []
    timer = threading.Timer(0.3, lambda: started.append(_serve(free_port, 200)))
    timer.start()
    try:
        # WHEN a request is sent before it listens
        response = get_http_response(requests.Request("POST", f"http://127.0.0.1:{free_port}/"), timeout=10)
        # THEN it is answered once the endpoint is up
        assert response.status_code == 200 and response.text == "ok"
    finally:
        timer.join()
        for server in started:
            server.shutdown()
            server.server_close()
