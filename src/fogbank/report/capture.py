"""What the test itself sent, seen from the client side: Lambda Invoke calls made through boto3's default
session (payload, response, request id) and front-door requests sent with `data_fetcher.get_http_response`.

Only recording happens here (cheap, in memory, thread-safe); the report matches these records to the
invocations it reads back from CloudWatch Logs. Nothing is recorded until `enable()` is called.

Example:
    >>> from datetime import timedelta
    >>> enable()
    >>> now = datetime.now(UTC)
    >>> record_http_request("GET", "https://abc.execute-api.us-east-1.amazonaws.com/prod/", 200, now, 0.01, None)
    >>> [(r.method, r.status) for r in http_requests_between(now - timedelta(seconds=1), now)]
    [('GET', 200)]
    >>> disable()

Example (skipped as a doctest: it needs a running local cloud):
    >>> enable()  # doctest: +SKIP
    >>> boto3.client("lambda").invoke(FunctionName="fn", Payload=b"{}")  # doctest: +SKIP
    >>> invokes_between(start, end)[0].request_id  # doctest: +SKIP
    'c0ffee...'
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fogbank.report.model import FrontDoorRequest

__all__ = [
    "InvokeRecord",
    "disable",
    "enable",
    "http_requests_between",
    "invokes_between",
    "record_http_request",
]

_MAX_BODY = 64 * 1024
_lock = threading.Lock()
_invokes: list[InvokeRecord] = []
_http: list[FrontDoorRequest] = []
_enabled = False
_session: Any = None


@dataclass(frozen=True)
class InvokeRecord:
    """One Invoke call the test made through boto3."""

    function: str
    request_id: str
    started_at: datetime
    payload: str
    response: str | None
    function_error: str | None


def enable() -> None:
    """Start recording (idempotent): hooks boto3's default session."""
    global _enabled, _session
    with _lock:
        if _enabled:
            return
        _enabled = True
    import boto3

    _session = boto3.DEFAULT_SESSION or boto3.setup_default_session() or boto3.DEFAULT_SESSION
    _session.events.register("before-call.lambda.Invoke", _before_invoke, unique_id="fogbank-report-before")
    _session.events.register("after-call.lambda.Invoke", _after_invoke, unique_id="fogbank-report-after")


def disable() -> None:
    """Stop recording and forget what was recorded."""
    global _enabled, _session
    with _lock:
        _enabled = False
        _invokes.clear()
        _http.clear()
    if _session is not None:
        _session.events.unregister("before-call.lambda.Invoke", unique_id="fogbank-report-before")
        _session.events.unregister("after-call.lambda.Invoke", unique_id="fogbank-report-after")
        _session = None


def record_http_request(
    method: str,
    url: str,
    status: int | None,
    started_at: datetime,
    duration_seconds: float,
    error: str | None,
) -> None:
    """Record one front-door request (called by `data_fetcher.get_http_response`)."""
    if not _enabled:
        return
    request = FrontDoorRequest(
        method=method,
        url=url,
        status=status,
        started_at=started_at,
        duration_seconds=duration_seconds,
        error=error,
    )
    with _lock:
        _http.append(request)


def invokes_between(start: datetime, end: datetime) -> list[InvokeRecord]:
    """Invoke calls that started in [start, end]."""
    with _lock:
        return [record for record in _invokes if start <= record.started_at <= end]


def http_requests_between(start: datetime, end: datetime) -> list[FrontDoorRequest]:
    """Front-door requests that started in [start, end]."""
    with _lock:
        return [request for request in _http if start <= request.started_at <= end]


def _before_invoke(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    context["fogbank_started_at"] = datetime.now(UTC)
    context["fogbank_payload"] = _text(params.get("body"))
    context["fogbank_function"] = _unquote(
        str(params.get("url_path", "")).split("/functions/", 1)[-1].split("/", 1)[0]
    )


def _after_invoke(
    http_response: Any, parsed: dict[str, Any], model: Any, context: dict[str, Any], **kwargs: Any
) -> None:
    if not _enabled or "Payload" not in parsed:
        return
    from botocore.response import StreamingBody

    data: bytes = parsed["Payload"].read()
    parsed["Payload"] = StreamingBody(io.BytesIO(data), len(data))  # the test reads it as if untouched
    record = InvokeRecord(
        function=str(context.get("fogbank_function", "")),
        request_id=str(parsed.get("ResponseMetadata", {}).get("RequestId", "")),
        started_at=context.get("fogbank_started_at") or datetime.now(UTC),
        payload=str(context.get("fogbank_payload", "")),
        response=_text(data),
        function_error=parsed.get("FunctionError"),
    )
    with _lock:
        _invokes.append(record)


def _text(data: Any) -> str:
    if data is None:
        return ""
    if isinstance(data, bytes | bytearray):
        return bytes(data[:_MAX_BODY]).decode("utf-8", errors="replace")
    if hasattr(data, "read"):
        return ""  # a file-like payload the test streams: not read here
    return str(data)[:_MAX_BODY]


def _unquote(text: str) -> str:
    from urllib.parse import unquote

    return unquote(text)
