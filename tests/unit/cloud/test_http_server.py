"""The local cloud's HTTP/1.1 server: keep-alive, one write per answer, the environ werkzeug would build."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from fogbank.cloud.http_server import HttpServer

Seen = list[dict[str, Any]]


def _echo(seen: Seen) -> Callable[..., Any]:
    """A WSGI app that records each environ and answers its method, path, query and body as JSON."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        body = environ["wsgi.input"].read()
        seen.append(environ)
        if environ["PATH_INFO"] == "/boom":
            raise RuntimeError("boom")
        answer = json.dumps(
            {"method": environ["REQUEST_METHOD"], "path": environ["PATH_INFO"], "body": body.decode()}
        ).encode()
        start_response("201 Created", [("Content-Type", "application/json"), ("X-Test", "1")])
        return [answer[:5], answer[5:]]

    return app


@pytest.fixture
def served() -> Iterator[tuple[HttpServer, Seen]]:
    seen: Seen = []
    server = HttpServer("127.0.0.1", 0, _echo(seen))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, seen
    server.shutdown()
    server.server_close()
    thread.join(5)
    assert not thread.is_alive()


def _connect(server: HttpServer) -> socket.socket:
    return socket.create_connection(server.server_address, timeout=5)


def _read_response(stream: Any) -> tuple[str, dict[str, str], bytes]:
    status = stream.readline().decode().rstrip("\r\n")
    headers: dict[str, str] = {}
    while (line := stream.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode().partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, stream.read(int(headers.get("content-length", "0")))


def test_one_connection_serves_many_requests_until_the_client_asks_to_close(
    served: tuple[HttpServer, Seen],
) -> None:
    server, seen = served
    # GIVEN one keep-alive connection
    with _connect(server) as connection, connection.makefile("rb") as stream:
        # WHEN two requests are sent on it, the second with Connection: close
        connection.sendall(b"POST /a?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc")
        first = _read_response(stream)
        connection.sendall(b"GET /b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
        second = _read_response(stream)
        # THEN both are answered in order, with the status, headers and a Content-Length for the joined body
        assert first[0] == "HTTP/1.1 201 Created" and second[0] == "HTTP/1.1 201 Created"
        assert json.loads(first[2]) == {"method": "POST", "path": "/a", "body": "abc"}
        assert json.loads(second[2])["path"] == "/b"
        assert first[1]["x-test"] == "1" and first[1]["content-type"] == "application/json"
        assert "date" in first[1] and "connection" not in first[1]
        # AND after the close request the server closes the connection
        assert second[1]["connection"] == "close" and stream.read() == b""
    assert seen[0]["QUERY_STRING"] == "x=1" and seen[0]["SERVER_PROTOCOL"] == "HTTP/1.1"


def test_http_1_0_is_answered_and_closed(served: tuple[HttpServer, Seen]) -> None:
    server, _ = served
    with _connect(server) as connection, connection.makefile("rb") as stream:
        connection.sendall(b"GET /old HTTP/1.0\r\n\r\n")
        status, headers, _ = _read_response(stream)
        assert status == "HTTP/1.1 201 Created" and headers["connection"] == "close" and stream.read() == b""


def test_expect_100_continue_and_chunked_bodies(served: tuple[HttpServer, Seen]) -> None:
    server, seen = served
    with _connect(server) as connection, connection.makefile("rb") as stream:
        # GIVEN a client that waits for 100 Continue before sending a chunked body
        connection.sendall(
            b"PUT /up HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        # WHEN it gets the interim answer and sends the chunks
        assert stream.readline() == b"HTTP/1.1 100 Continue\r\n" and stream.readline() == b"\r\n"
        connection.sendall(b"4\r\nwiki\r\n5;ext=1\r\npedia\r\n0\r\nTrailer: x\r\n\r\n")
        # THEN the application reads the whole, de-chunked body
        _, _, body = _read_response(stream)
        assert json.loads(body)["body"] == "wikipedia"
        assert seen[0]["wsgi.input_terminated"] is True


def test_environ_is_the_one_werkzeug_and_moto_build(served: tuple[HttpServer, Seen]) -> None:
    server, seen = served
    with _connect(server) as connection, connection.makefile("rb") as stream:
        connection.sendall(
            b"GET /caf%C3%A9/x?q=a%20b HTTP/1.1\r\nHost: h:1\r\nX-Amz-Meta-My_Key: v\r\nX_Spoof: no\r\n"
            b"X-Dup: 1\r\nX-Dup: 2\r\nContent-Type: text/plain\r\n\r\n"
        )
        _read_response(stream)
    environ = seen[0]
    # THEN the path is decoded and WSGI-encoded as werkzeug does, the raw target kept
    assert environ["PATH_INFO"] == "/café/x".encode().decode("latin-1")
    assert environ["RAW_URI"] == environ["REQUEST_URI"] == "/caf%C3%A9/x?q=a%20b"
    assert environ["QUERY_STRING"] == "q=a%20b" and environ["CONTENT_TYPE"] == "text/plain"
    # AND repeated headers are joined; underscored names are dropped, except S3 metadata (moto keeps those)
    assert environ["HTTP_X_DUP"] == "1,2" and "HTTP_X_SPOOF" not in environ
    assert environ["HTTP_X_AMZ_META_MY_KEY"] == "v"
    assert environ["moto.preserved_header_names"] == {"HTTP_X_AMZ_META_MY_KEY": "X-Amz-Meta-My_Key"}


def test_an_application_error_is_a_500_and_the_connection_stays_usable(
    served: tuple[HttpServer, Seen],
) -> None:
    server, _ = served
    with _connect(server) as connection, connection.makefile("rb") as stream:
        connection.sendall(b"GET /boom HTTP/1.1\r\nHost: h\r\n\r\n")
        status, headers, body = _read_response(stream)
        assert status == "HTTP/1.1 500 Internal Server Error" and b"Internal Server Error" in body
        assert headers["content-type"] == "text/html; charset=utf-8"
        connection.sendall(b"GET /fine HTTP/1.1\r\nHost: h\r\n\r\n")
        assert _read_response(stream)[0] == "HTTP/1.1 201 Created"


def test_head_answers_carry_no_body(served: tuple[HttpServer, Seen]) -> None:
    server, _ = served
    with _connect(server) as connection, connection.makefile("rb") as stream:
        connection.sendall(b"HEAD /h HTTP/1.1\r\nHost: h\r\n\r\n")
        status = stream.readline()
        lines = []
        while (line := stream.readline()) != b"\r\n":
            lines.append(line)
        connection.sendall(b"GET /next HTTP/1.1\r\nHost: h\r\n\r\n")
        # THEN the next bytes are the next answer, not a body
        assert status.startswith(b"HTTP/1.1 201") and stream.readline().startswith(b"HTTP/1.1 201")


def test_a_malformed_request_is_a_400_and_closes(served: tuple[HttpServer, Seen]) -> None:
    server, seen = served
    with _connect(server) as connection, connection.makefile("rb") as stream:
        connection.sendall(b"NONSENSE\r\n\r\n")
        status, headers, _ = _read_response(stream)
        assert status == "HTTP/1.1 400 Bad Request" and headers["connection"] == "close"
        assert stream.read() == b"" and seen == []


def test_shutdown_ends_idle_keep_alive_connections() -> None:
    # GIVEN a server with an idle keep-alive connection
    server = HttpServer("127.0.0.1", 0, _echo([]))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    connection = _connect(server)
    connection.sendall(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n")
    stream = connection.makefile("rb")
    _read_response(stream)
    # WHEN the server shuts down
    server.shutdown()
    server.server_close()
    thread.join(5)
    # THEN the accept loop ended, the connection is closed, and the port no longer accepts
    assert not thread.is_alive() and stream.read() == b""
    with pytest.raises(OSError):
        socket.create_connection(server.server_address, timeout=1)
    connection.close()


def test_the_server_notes_when_its_latest_request_began(served: tuple[HttpServer, Seen]) -> None:
    # GIVEN a server that has had no request yet
    import time

    server, _ = served
    assert server.last_request_at == 0.0
    # WHEN a request arrives
    before = time.monotonic()
    with _connect(server) as connection:
        connection.sendall(b"GET /a HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
        _read_response(connection.makefile("rb"))
    # THEN its clock says when (the warm-up waits for a quiet cloud by it)
    assert before <= server.last_request_at <= time.monotonic()


def test_a_request_being_answered_keeps_the_server_busy_until_it_ends() -> None:
    # GIVEN a server whose application holds a request until told (as an Invoke waits for its function)
    import time

    entered, finish = threading.Event(), threading.Event()

    def slow(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        entered.set()
        finish.wait(10)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"done"]

    server = HttpServer("127.0.0.1", 0, slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with _connect(server) as connection:
            sent = time.monotonic()
            connection.sendall(b"GET /slow HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
            assert entered.wait(10)

            # WHEN time passes while it is answered
            time.sleep(0.1)
            during = server.last_activity_at()
            finish.set()
            _read_response(connection.makefile("rb"))

        # THEN the server counted as active all along (not as of the request's start: the warm-up waits)
        assert during - sent >= 0.1
        # AND once the answer is out it is quiet: the clock stays at the end of that request
        deadline = time.monotonic() + 5
        ended = server.last_activity_at()
        while time.monotonic() < deadline:
            time.sleep(0.05)
            again = server.last_activity_at()
            if again == ended:
                break
            ended = again
        assert server.last_activity_at() == ended < time.monotonic()
    finally:
        finish.set()
        server.shutdown()
        server.server_close()
