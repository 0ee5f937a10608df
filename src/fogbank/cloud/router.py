"""Route AWS API requests on the local cloud's single endpoint.

A request is identified by its SigV4 credential scope (signing name and region). fogbank's own handlers
get the first look; whatever they decline falls through to moto's server application.

Example:
    >>> form = {"Content-Type": "application/x-www-form-urlencoded"}
    >>> req = AwsRequest.build("POST", "/", form, b"Action=ListStacks", service="cloudformation")
    >>> req.action
    'ListStacks'
"""

from __future__ import annotations

import io
import json
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote
from xml.sax.saxutils import escape

from werkzeug.wrappers import Response

__all__ = [
    "ACCOUNT_ID",
    "DEFAULT_REGION",
    "AwsRequest",
    "AwsResponse",
    "AwsRouter",
    "Handler",
    "WsgiApp",
    "error_for",
    "identify",
    "json_error",
    "query_error",
    "request_from_environ",
    "s3_error",
]

ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"

_CREDENTIAL_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request")


@dataclass(frozen=True)
class AwsRequest:
    """One HTTP request to the endpoint, with the AWS service it is for."""

    method: str
    path: str
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]
    body: bytes
    service: str
    region: str
    account_id: str = ACCOUNT_ID
    raw_path: str = ""  # as received: percent-encoded, no query (SigV4 signs this)
    raw_query: str = ""
    source_ip: str = "127.0.0.1"

    @classmethod
    def build(
        cls,
        method: str,
        path: str,
        headers: Mapping[str, str],
        body: bytes,
        *,
        query: Mapping[str, list[str]] | None = None,
        service: str = "",
        region: str = DEFAULT_REGION,
    ) -> AwsRequest:
        """Build a request by hand (tests, in-process calls)."""
        lowered = {k.lower(): v for k, v in headers.items()}
        return cls(method, path, dict(query or {}), lowered, body, service, region)

    def header(self, name: str) -> str | None:
        """A header's value, case-insensitively."""
        return self.headers.get(name.lower())

    @property
    def target(self) -> str | None:
        """`X-Amz-Target` (JSON protocols), e.g. `Logs_20140328.FilterLogEvents`."""
        return self.header("x-amz-target")

    @property
    def action(self) -> str | None:
        """The operation name for JSON and query protocols; None for REST protocols."""
        if self.target:
            return self.target.rsplit(".", 1)[-1]
        form = self.form()
        if "Action" in form:
            return form["Action"]
        values = self.query.get("Action")
        return values[0] if values else None

    def json(self) -> Any:
        """The body parsed as JSON (an empty body is `{}`)."""
        return json.loads(self.body) if self.body.strip() else {}

    def form(self) -> dict[str, str]:
        """The body as a query-protocol form (`Action=...&Version=...`), last value wins."""
        content_type = self.header("content-type") or ""
        if not content_type.startswith("application/x-www-form-urlencoded"):
            return {}
        parsed = parse_qs(self.body.decode("utf-8"), keep_blank_values=True)
        return {key: values[-1] for key, values in parsed.items()}


@dataclass
class AwsResponse:
    """What a handler answers; turned into a werkzeug Response by the router."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, obj: Any, status: int = 200, content_type: str = "application/json") -> AwsResponse:
        return cls(status, json.dumps(obj, default=str).encode(), {"Content-Type": content_type})

    @classmethod
    def xml(cls, text: str, status: int = 200) -> AwsResponse:
        return cls(status, text.encode(), {"Content-Type": "text/xml"})


def json_error(code: str, message: str, status: int = 400, *, rest: bool = False) -> AwsResponse:
    """An error in the JSON protocols' shape (`__type` + `message`, plus `X-Amzn-ErrorType`).

    `rest=True` is the rest-json shape used by Lambda, X-Ray, API Gateway: `Type`/`message` body fields.
    """
    body: dict[str, str] = {"__type": code, "message": message}
    if rest:
        body = {"Type": "User" if status < 500 else "Service", "message": message, "Message": message}
    response = AwsResponse.json(body, status, "application/x-amz-json-1.1")
    response.headers["X-Amzn-ErrorType"] = code
    return response


def query_error(code: str, message: str, status: int = 400, sender: bool = True) -> AwsResponse:
    """An error in the query protocol's XML shape (CloudFormation, IAM, SNS, ELBv2)."""
    kind = "Sender" if sender else "Receiver"
    text = (
        "<ErrorResponse><Error>"
        f"<Type>{kind}</Type><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
        "</Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>"
    )
    return AwsResponse.xml(text, status)


def s3_error(code: str, message: str, status: int = 400) -> AwsResponse:
    """An error in S3's REST-XML shape: `<Error><Code>..</Code><Message>..</Message></Error>`."""
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
        "<RequestId>00000000-0000-0000-0000-000000000000</RequestId></Error>"
    )
    return AwsResponse(status, text.encode(), {"Content-Type": "application/xml"})


def error_for(request: AwsRequest, code: str, message: str, status: int = 400) -> AwsResponse:
    """An error in the shape `request`'s protocol expects: S3 XML, query XML (a form with an Action), or JSON.

    Example:
        >>> req = AwsRequest.build("GET", "/bucket", {}, b"", service="s3")
        >>> error_for(req, "InternalFailure", "boom", 500).headers["Content-Type"]
        'application/xml'
    """
    if request.service == "s3":
        return s3_error(code, message, status)
    if not request.target and request.action is not None:
        return query_error(code, message, status, sender=status < 500)
    return json_error(code, message, status)


def request_from_environ(environ: dict[str, Any]) -> AwsRequest:
    """The AwsRequest of a WSGI environ: what werkzeug's Request would read (path, query, headers, body).

    Reads the body from `wsgi.input` (Content-Length bytes, or all of a chunked one). Built straight from the
    environ because a werkzeug Request per call cost a noticeable part of the request floor.
    """
    stream = environ["wsgi.input"]
    if environ.get("wsgi.input_terminated"):
        body = stream.read()
    else:
        length = environ.get("CONTENT_LENGTH") or "0"
        body = stream.read(int(length)) if length.isdigit() and int(length) > 0 else b""
    query_string = environ.get("QUERY_STRING", "")
    query = parse_qs(_wsgi_decoded(query_string), keep_blank_values=True) if query_string else {}
    headers: dict[str, str] = {}
    names = _header_names
    for key, value in environ.items():
        name = names.get(key)
        if name is None:
            name = _header_name(key)
            if len(names) >= _HEADER_NAMES_KEPT:
                names.clear()
            names[key] = name
        if name and (value or not key.startswith("CONTENT_")):
            headers[name] = value
    service, region = identify(headers, query)
    path = "/" + _wsgi_decoded(environ.get("PATH_INFO", "")).lstrip("/")
    raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or ""
    return AwsRequest(
        environ["REQUEST_METHOD"].upper(),
        path,
        query,
        headers,
        body,
        service,
        region,
        raw_path=raw_uri.split("?", 1)[0] if raw_uri.startswith("/") else "",
        raw_query=environ.get("QUERY_STRING", ""),
        source_ip=environ.get("REMOTE_ADDR") or "127.0.0.1",
    )


_header_names: dict[str, str] = {}  # environ key -> header name ("" for a key that is no header)
_HEADER_NAMES_KEPT = 4096


def _header_name(environ_key: str) -> str:
    """The lower-cased header name werkzeug reads from an environ key; "" when the key is not a header."""
    if environ_key.startswith("HTTP_"):
        if environ_key in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
            return ""
        return environ_key[5:].replace("_", "-").lower()
    if environ_key in ("CONTENT_TYPE", "CONTENT_LENGTH"):  # only when not empty (see the caller)
        return environ_key.replace("_", "-").lower()
    return ""


def _wsgi_decoded(text: str) -> str:
    """Undo WSGI's latin-1 transport of UTF-8 text, as werkzeug does."""
    return text.encode("latin-1").decode(errors="replace")


Handler = Callable[[AwsRequest], AwsResponse | None]
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def identify(headers: Mapping[str, str], query: Mapping[str, list[str]]) -> tuple[str, str]:
    """(signing name, region) from the SigV4 credential scope; ("", default region) when unsigned."""
    authorization = headers.get("authorization", "")
    match = _CREDENTIAL_SCOPE.search(authorization)
    if match is None:
        credential = query.get("X-Amz-Credential", [""])[0]
        match = _CREDENTIAL_SCOPE.search("Credential=" + unquote(credential))
    if match is None:
        return "", DEFAULT_REGION
    return match.group("service"), match.group("region")


class AwsRouter:
    """The WSGI application behind the endpoint: fogbank handlers first, then moto."""

    def __init__(self, fallback: WsgiApp) -> None:
        self._fallback = fallback
        self._handlers: dict[str, list[Handler]] = {}
        self._path_handlers: list[tuple[str, Handler]] = []
        self._authorizer: Handler | None = None
        self._lock = threading.Lock()

    def set_authorizer(self, authorizer: Handler | None) -> None:
        """Call `authorizer` once per signed AWS request before any handler: None lets the request through,
        a response (AccessDenied, bad signature) is the answer. Unsigned `/_fogbank` routes are not authorized."""
        self._authorizer = authorizer

    def add(self, service: str, handler: Handler) -> None:
        """Give `handler` a look at every request signed for `service` (a SigV4 signing name)."""
        with self._lock:
            self._handlers.setdefault(service, []).append(handler)

    def add_path(self, prefix: str, handler: Handler) -> None:
        """Route every request whose path starts with `prefix` to `handler` (unsigned routes)."""
        with self._lock:
            self._path_handlers.append((prefix, handler))

    def dispatch(self, request: AwsRequest) -> AwsResponse | None:
        """The first fogbank handler's answer, or None when the request is moto's."""
        for prefix, handler in self._path_handlers:
            if request.path.startswith(prefix):
                return handler(request)
        if self._authorizer is not None:
            denied = self._authorizer(request)
            if denied is not None:
                return denied
        for handler in self._handlers.get(request.service, ()):
            response = handler(request)
            if response is not None:
                return response
        return None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = request_from_environ(environ)
        service = request.service
        try:
            answer = self.dispatch(request)
        except Exception as exc:  # a handler bug must not take the endpoint down
            answer = error_for(request, "InternalFailure", f"fogbank handler failed: {exc!r}", 500)
        if answer is None:
            from fogbank.cloud.attribution import refusal

            answer = refusal(request)
        if answer is None:
            environ["wsgi.input"] = io.BytesIO(request.body)
            try:
                return self._fallback(environ, start_response)
            except NotImplementedError as exc:
                answer = error_for(
                    request,
                    "NotImplementedError",
                    f"the local cloud does not implement {service or 'this service'} "
                    f"{request.action or request.method + ' ' + request.path} yet ({exc}); "
                    "see docs/local-cloud.md for what is supported",
                    501,
                )
        response = Response(answer.body, status=answer.status, headers=answer.headers)
        return response(environ, start_response)
