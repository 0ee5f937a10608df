"""server_request and handler_headers give a moto handler what moto's own request gives it."""

from __future__ import annotations

from typing import Any

import pytest
from moto.core.request import PRESERVED_HEADER_NAMES_ENVIRON_KEY, Request
from werkzeug.test import EnvironBuilder

from fogbank.cloud.aws_state.moto_request import handler_headers, server_request


def _environ(**request: Any) -> dict[str, Any]:
    environ: dict[str, Any] = EnvironBuilder(**request).get_environ()
    return environ


@pytest.mark.parametrize(
    "environ",
    [
        pytest.param(_environ(path="/", base_url="http://127.0.0.1:4566"), id="plain"),
        pytest.param(
            _environ(path="/b/k%2F1", query_string="a=1&b", base_url="http://bucket.s3.localhost:4566/"),
            id="virtual-host-encoded-path",
        ),
        pytest.param(
            _environ(
                method="PUT",
                path="/b/k",
                data=b"x",
                content_type="text/plain",
                headers={"X-Amz-Meta-a_b": "1", "Content-Length": "1", "x-amz-date": "d"},
            ),
            id="body-and-meta",
        ),
        pytest.param(_environ(path="/", base_url="https://example.test/root/"), id="script-name"),
        pytest.param({**_environ(path="/a b"), "RAW_URI": "http://h//a%20b?x=1"}, id="raw-uri-url"),
    ],
)
def test_url_and_headers_are_moto_s_own(environ: dict[str, Any]) -> None:
    # GIVEN an environ, with preserved header names as the HTTP server records them
    environ[PRESERVED_HEADER_NAMES_ENVIRON_KEY] = {"HTTP_X_AMZ_META_A_B": "X-Amz-Meta-a_b"}
    reference = Request(dict(environ))
    # WHEN the request is built twice (the remembered url_root is used the second time)
    for _ in range(2):
        ours = server_request(dict(environ))
        # THEN the handler gets the URL and headers moto's own request gives
        assert ours.from_wsgi_server is True
        assert ours.raw_url == reference.raw_url
        assert ours.raw_path == ours.raw_path == reference.raw_path  # the second read is the remembered one
        assert handler_headers(ours) == dict(reference.headers)
        assert list(handler_headers(ours)) == list(dict(reference.headers))


def test_a_bad_json_body_is_flask_s_bare_400() -> None:
    # GIVEN a JSON request whose body is not JSON
    request = server_request(_environ(method="POST", data=b"{nope", content_type="application/json"))
    # WHEN moto reads it as JSON / THEN the error is the one Flask's request raises outside debug mode
    with pytest.raises(Exception) as raised:
        request.get_json()
    assert getattr(raised.value, "code", None) == 400
    assert "Failed to decode" not in str(raised.value)
