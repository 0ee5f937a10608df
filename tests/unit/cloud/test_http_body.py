"""The shared request-body reader (front doors and the Lambda Runtime API)."""

from __future__ import annotations

import io

import pytest

from fogbank.cloud.http_body import MalformedBody, read_body


def test_chunked_body_leaves_the_stream_at_the_next_request() -> None:
    # GIVEN a chunked body followed by the next request on the same stream
    stream = io.BytesIO(b"5\r\nhello\r\n0\r\n\r\nGET /next HTTP/1.1\r\n")
    # WHEN the body is read
    body = read_body(stream, {"Transfer-Encoding": "chunked"})
    # THEN it is the chunk, and the stream continues with the next request line
    assert body == b"hello"
    assert stream.readline() == b"GET /next HTTP/1.1\r\n"


@pytest.mark.parametrize(
    ("raw", "headers", "problem"),
    [
        (b"abc", {"Content-Length": "10"}, "ended after 3 of 10"),
        (b"", {"Content-Length": "ten"}, "not a number"),
        (b"5\r\nhi\r\n", {"Transfer-Encoding": "chunked"}, "truncated"),
        (b"", {"Transfer-Encoding": "gzip"}, "does not end with chunked"),
    ],
)
def test_broken_framing_is_named(raw: bytes, headers: dict[str, str], problem: str) -> None:
    # GIVEN a body whose framing is broken
    # WHEN it is read
    with pytest.raises(MalformedBody) as raised:
        read_body(io.BytesIO(raw), headers)
    # THEN the error names the problem
    assert problem in str(raised.value)
