"""The front-door HTTP listener on a real loopback socket: chunked bodies, keep-alive, and close()."""

from __future__ import annotations

import http.client
import socket
import threading
from collections.abc import Iterator

import pytest
import requests

from fogbank.cloud.frontdoors.http import HttpRequest, HttpResponse
from fogbank.cloud.frontdoors.listener import HttpListener


@pytest.fixture
def echo() -> Iterator[HttpListener]:
    """A listener whose door answers with the request body it received."""

    def door(request: HttpRequest) -> HttpResponse:
        return HttpResponse(200, [("Content-Type", "application/octet-stream")], b"got:" + request.body)

    listener = HttpListener("127.0.0.1", 0, door)
    try:
        yield listener
    finally:
        listener.close()


def _raw_exchange(port: int, raw: bytes) -> tuple[int, bytes]:
    """Send raw request bytes; the whole response's status and body (however many packets it takes)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        client.sendall(raw)
        response = http.client.HTTPResponse(client)
        response.begin()
        return response.status, response.read()


def test_chunked_body_reaches_the_door_and_keeps_the_connection_usable(echo: HttpListener) -> None:
    # GIVEN a requests session (one keep-alive connection) and a body sent as a generator (chunked)
    url = f"http://127.0.0.1:{echo.port}/upload"
    with requests.Session() as session:
        # WHEN the chunked request is sent, then a normal one on the same connection
        chunked = session.post(url, data=(part for part in (b"hello ", b"chunked ", b"world")), timeout=10)
        plain = session.post(url, data=b"next", timeout=10)
    # THEN the door saw the whole chunked body, and the next request was not poisoned by leftover chunks
    assert (chunked.status_code, chunked.content) == (200, b"got:hello chunked world")
    assert (plain.status_code, plain.content) == (200, b"got:next")


def test_chunked_body_with_trailers_and_extensions(echo: HttpListener) -> None:
    # GIVEN a raw chunked request with a chunk extension and a trailer field
    raw = (
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"4;name=value\r\nabcd\r\n2\r\nef\r\n0\r\nX-Trailer: 1\r\n\r\n"
    )
    # WHEN it is sent
    status, body = _raw_exchange(echo.port, raw)
    # THEN the body is the chunks joined
    assert (status, body) == (200, b"got:abcdef")


def test_malformed_chunk_size_is_a_400(echo: HttpListener) -> None:
    # GIVEN a chunked request whose chunk size is not hexadecimal
    raw = b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"
    # WHEN it is sent
    status, body = _raw_exchange(echo.port, raw)
    # THEN the listener answers 400, naming the framing problem
    assert status == 400
    assert b"chunk size" in body


def test_close_ends_open_keep_alive_connections_and_their_threads() -> None:
    # GIVEN a listener with a keep-alive connection that has been served once
    listener = HttpListener("127.0.0.1", 0, lambda request: HttpResponse(200, [], b"door"))
    connection = http.client.HTTPConnection("127.0.0.1", listener.port, timeout=10)
    try:
        connection.request("GET", "/")
        first = connection.getresponse()
        assert (first.status, first.read()) == (200, b"door")
        threads_before = {thread.name for thread in threading.enumerate()}
        assert any(name.endswith("-connection") for name in threads_before)
        assert listener.open_connections == 1
        # WHEN the listener is closed (the door is removed) and the client reuses its connection
        listener.close()
        connection.request("GET", "/")
        # THEN the old connection no longer reaches the door, and no connection thread is left
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
            connection.getresponse().read()
        assert listener.open_connections == 0
        leftover = [
            thread
            for thread in threading.enumerate()
            if thread.name.startswith(f"fogbank-frontdoor-127.0.0.1:{listener.port}")
        ]
        assert leftover == []
    finally:
        connection.close()
        listener.close()
