"""Reading an HTTP/1.1 request body from a `BaseHTTPRequestHandler`: Content-Length or chunked.

Shared by the front-door listeners and the Lambda Runtime API, so that a client sending
`Transfer-Encoding: chunked` (e.g. `requests.post(url, data=generator)`) reaches the server with its body, and
the keep-alive connection is left at the start of the next request.

Example:
    >>> import io
    >>> read_body(io.BytesIO(b"3\\r\\nabc\\r\\n0\\r\\n\\r\\n"), {"Transfer-Encoding": "chunked"})
    b'abc'
    >>> read_body(io.BytesIO(b"hello"), {"Content-Length": "5"})
    b'hello'
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["Headers", "MalformedBody", "Reader", "read_body"]

_MAX_LINE = 65537


class Reader(Protocol):
    """A buffered binary stream (`handler.rfile`)."""

    def read(self, size: int, /) -> bytes: ...

    def readline(self, size: int, /) -> bytes: ...


class Headers(Protocol):
    """What the reader needs of the request headers (`http.client.HTTPMessage`, or a dict)."""

    def get(self, name: str, /) -> str | None: ...


class MalformedBody(ValueError):
    """The body's framing is broken (bad chunk size, missing CRLF); answer 400 and close the connection."""


def read_body(rfile: Reader, headers: Headers) -> bytes:
    """The request body: chunks joined (trailers read and dropped) or Content-Length bytes, else b""."""
    encoding = (headers.get("Transfer-Encoding") or "").lower()
    if encoding:
        codings = [part.strip() for part in encoding.split(",")]
        if codings[-1] != "chunked":
            raise MalformedBody(f"Transfer-Encoding {encoding!r} does not end with chunked")
        return _read_chunked(rfile)
    raw_length = headers.get("Content-Length")
    if not raw_length:
        return b""
    try:
        length = int(raw_length)
    except ValueError as exc:
        raise MalformedBody(f"Content-Length {raw_length!r} is not a number") from exc
    if length < 0:
        raise MalformedBody(f"Content-Length {raw_length!r} is negative")
    body = rfile.read(length) if length else b""
    if len(body) != length:
        raise MalformedBody(f"the body ended after {len(body)} of {length} bytes")
    return body


def _read_chunked(rfile: Reader) -> bytes:
    chunks: list[bytes] = []
    while True:
        line = rfile.readline(_MAX_LINE)
        size_text = line.split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError as exc:
            raise MalformedBody(f"bad chunk size line {line[:40]!r}") from exc
        if size == 0:
            _skip_trailers(rfile)
            return b"".join(chunks)
        chunk = rfile.read(size)
        if len(chunk) != size or rfile.readline(_MAX_LINE).strip():
            raise MalformedBody(f"a chunk of {size} bytes is truncated or not followed by CRLF")
        chunks.append(chunk)


def _skip_trailers(rfile: Reader) -> None:
    """Trailer fields end with an empty line (or the end of the stream)."""
    while True:
        line = rfile.readline(_MAX_LINE)
        if line in (b"\r\n", b"\n", b""):
            return
