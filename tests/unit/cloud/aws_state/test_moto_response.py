"""wire_answer sends what Flask and werkzeug send for a moto answer: same status line, headers (in order), body."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.test import EnvironBuilder

from fogbank.cloud.aws_state.moto_response import moto_flask_response, wire_answer


def _flask_wire(
    method: str, status: Any, headers: Any, content: Any
) -> tuple[str, list[tuple[str, str]], bytes]:
    response = moto_flask_response(method, status, headers, content)
    app_iter, status_line, wsgi_headers = response.get_wsgi_response(
        EnvironBuilder(method=method).get_environ()
    )
    return status_line, list(wsgi_headers), b"".join(app_iter)


@pytest.mark.parametrize(
    ("method", "status", "headers", "content"),
    [
        pytest.param(
            "POST", 200, {"Content-Type": "text/xml", "server": "amazon.com"}, "<a>é</a>", id="xml-text"
        ),
        pytest.param("GET", 200, {}, b'{"a": 1}', id="no-content-type-bytes"),
        pytest.param(
            "POST", 404, {"status": "404", "x-amzn-ErrorType": "X"}, "{}", id="error-with-status-header"
        ),
        pytest.param("GET", 200, {"content-length": "999", "content-type": "a/b"}, "abc", id="stale-length"),
        pytest.param("HEAD", 200, {"content-length": "12", "ETag": '"e"'}, "", id="head-keeps-length"),
        pytest.param("HEAD", 404, {}, "", id="head-missing"),
        pytest.param("GET", 200, {"x-amz-id": 7, "Content-Type": "t/x"}, "", id="int-header-value"),
        pytest.param("GET", 200, {"Access-Control-Allow-Origin": "http://o"}, "", id="own-cors"),
        pytest.param("GET", 599, {}, "x", id="unknown-status"),
    ],
)
def test_the_fast_shape_matches_flask_header_for_header(
    method: str, status: Any, headers: Any, content: Any
) -> None:
    # GIVEN a moto answer of the common shape / WHEN it is shaped both ways
    fast = wire_answer(method, status, dict(headers), content)
    # THEN the status line, the header list (order included) and the body are Flask's
    assert fast is not None
    assert fast == _flask_wire(method, status, dict(headers), content)


@pytest.mark.parametrize(
    ("status", "headers", "content"),
    [
        pytest.param(204, {}, "", id="no-content"),
        pytest.param(304, {"ETag": "e"}, "", id="not-modified"),
        pytest.param(301, {"Location": "/b c"}, "", id="location"),
        pytest.param("200 OK", {}, "", id="status-text"),
        pytest.param(200, {"a": ["1", "2"]}, "", id="multi-value"),
        pytest.param(200, {"a": "x\r\ny"}, "", id="newline"),
        pytest.param(200, {"Content-Type": "a", "content-type": "b"}, "", id="same-name-twice"),
        pytest.param(200, {}, iter([b"a"]), id="streamed-body"),
    ],
)
def test_other_shapes_are_left_to_flask(status: Any, headers: Any, content: Any) -> None:
    # GIVEN an answer werkzeug shapes specially / WHEN it is offered to the fast shape / THEN it declines
    assert wire_answer("GET", status, headers, content) is None
