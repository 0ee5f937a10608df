"""A server that answers every request at once with one fixed STS GetCallerIdentity response.

It measures the client's own share of a round trip: what boto3 spends building, signing, sending and parsing
a call when the server costs next to nothing (keep-alive, Nagle off, one write per answer). Loopback only;
prints `endpoint: http://127.0.0.1:<port>` and serves until its standard input closes.

Example:
    $ .venv/bin/python benchmarks/instant_server.py
    endpoint: http://127.0.0.1:40123
"""

from __future__ import annotations

import socket
import sys
import threading

BODY = (
    b'<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>'
    b"<UserId>AKIAIOSFODNN7EXAMPLE</UserId><Account>123456789012</Account>"
    b"<Arn>arn:aws:sts::123456789012:user/floor</Arn></GetCallerIdentityResult>"
    b"<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
)
ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: %d\r\n\r\n" % len(BODY) + BODY


def serve(connection: socket.socket) -> None:
    """Answer each request on `connection` (head, then Content-Length bytes of body) until the client closes."""
    connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buffered = b""
    with connection:
        while True:
            while b"\r\n\r\n" not in buffered:
                data = connection.recv(65_536)
                if not data:
                    return
                buffered += data
            head, _, rest = buffered.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            while len(rest) < length:
                data = connection.recv(65_536)
                if not data:
                    return
                rest += data
            buffered = rest[length:]
            connection.sendall(ANSWER)


def accept_forever(listener: socket.socket) -> None:
    while True:
        connection, _ = listener.accept()
        threading.Thread(target=serve, args=(connection,), daemon=True).start()


def main() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    print(f"endpoint: http://127.0.0.1:{listener.getsockname()[1]}", flush=True)
    threading.Thread(target=accept_forever, args=(listener,), daemon=True).start()
    sys.stdin.read()  # until the benchmark closes our stdin
    listener.close()


if __name__ == "__main__":
    main()
