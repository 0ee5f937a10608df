"""moto's answers on the wire as moto's Flask view sends them, without a Flask Response per request.

A moto handler answers `(status, headers, content)`. moto's server wraps that in `flask.Response(content,
status, headers)`, flask-cors adds `Access-Control-Allow-Origin: *`, and werkzeug turns the response into a
WSGI status line and header list. `wire_answer` does the same for the common shape (a text or bytes body, an
int status, string or int header values, no Location header, a status that has a body), header for header
and in the same order, at a fraction of the cost; for every other shape it answers None, and the caller
builds the Flask response itself (`moto_flask_response`).

Example:
    >>> status, headers, body = wire_answer("GET", 200, {"Content-Type": "text/xml"}, "<a/>")
    >>> status, headers, body
    ('200 OK', [('Content-Type', 'text/xml'), ('Content-Length', '4'), ('Access-Control-Allow-Origin', '*')], b'<a/>')
    >>> wire_answer("GET", 302, {"Location": "/elsewhere"}, "") is None
    True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from werkzeug.http import HTTP_STATUS_CODES

__all__ = ["CORS_HEADER", "WireAnswer", "moto_flask_response", "wire_answer"]

CORS_HEADER = "Access-Control-Allow-Origin"
_DEFAULT_CONTENT_TYPE = "text/html; charset=utf-8"  # flask.Response.default_mimetype, as werkzeug spells it
_STATUS_LINES = {code: f"{code} {phrase.upper()}" for code, phrase in HTTP_STATUS_CODES.items()}
_WERKZEUG_SHAPED = frozenset({"location", "content-location"})  # werkzeug rewrites these (IRI to URI)

WireAnswer = tuple[str, list[tuple[str, str]], bytes]


def wire_answer(method: str, status: Any, headers: Any, content: Any) -> WireAnswer | None:
    """(status line, header list, body) of a moto answer as Flask and werkzeug would send it; None for a
    shape only Flask shapes (then use `moto_flask_response`). A HEAD answer has no body, as werkzeug's."""
    if type(status) is not int or status < 200 or status in (204, 304):
        return None
    if not isinstance(headers, dict) or not isinstance(content, (str, bytes)):
        return None
    listed: list[tuple[str, str]] = []
    positions: dict[str, int] = {}  # lower-cased name -> index of its first entry
    for name, value in headers.items():
        if type(name) is not str:
            return None
        if type(value) is int:
            value = str(value)
        elif type(value) is not str or "\n" in value or "\r" in value:
            return None
        lowered = name.lower()
        if lowered in _WERKZEUG_SHAPED or lowered in positions:
            return None
        positions[lowered] = len(listed)
        listed.append((name, value))
    body = content.encode() if isinstance(content, str) else content
    if "content-type" not in positions:
        _set(listed, positions, "Content-Type", _DEFAULT_CONTENT_TYPE)
    _set(listed, positions, "Content-Length", str(len(body)))
    if method == "HEAD" and "content-length" in headers:  # moto's view keeps a HEAD answer's own length
        _set(listed, positions, "Content-Length", str(headers["content-length"]))
    if CORS_HEADER.lower() not in positions:
        _set(listed, positions, CORS_HEADER, "*")
    status_line = _STATUS_LINES.get(status) or f"{status} UNKNOWN"
    return status_line, listed, b"" if method == "HEAD" else body


def _set(listed: list[tuple[str, str]], positions: dict[str, int], name: str, value: str) -> None:
    """werkzeug's `Headers.__setitem__`: replace the first entry of that name in place, else append."""
    lowered = name.lower()
    index = positions.get(lowered)
    if index is None:
        positions[lowered] = len(listed)
        listed.append((name, value))
    else:
        listed[index] = (name, value)


def moto_flask_response(method: str, status: Any, headers: Mapping[str, Any], content: Any) -> Any:
    """The `flask.Response` moto's view answers (`moto.core.utils.convert_to_flask_response`), with the
    header flask-cors adds: the reference `wire_answer` keeps to, and the way for every other shape."""
    from flask import Response

    response = Response(response=content, status=status, headers=headers)
    if method == "HEAD" and "content-length" in headers:
        response.headers["Content-Length"] = headers["content-length"]
    if CORS_HEADER not in response.headers:
        response.headers[CORS_HEADER] = "*"
    return response
