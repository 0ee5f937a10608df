"""The ResponseURL side of custom resources: a one-time URL per request, answered by the handler's PUT.

`<endpoint>/_fogbank/cloudformation/response/<token>` is served on the local cloud's endpoint (unsigned,
as S3 pre-signed URLs are on AWS). The provider waits for the body with a deadline.

Example:
    >>> box = ResponseBox()
    >>> token = box.open()
    >>> box.deliver(token, b'{"Status": "SUCCESS"}')
    True
    >>> box.wait(token, timeout=1)
    {'Status': 'SUCCESS'}
"""

from __future__ import annotations

import json
import secrets
import threading
from typing import Any

from fogbank.cloud.router import AwsRequest, AwsResponse

__all__ = ["RESPONSE_PATH", "ResponseBox"]

RESPONSE_PATH = "/_fogbank/cloudformation/response/"


class ResponseBox:
    """Pending custom-resource responses, by token."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[str, tuple[threading.Event, list[bytes]]] = {}
        self._closed = threading.Event()

    def open(self) -> str:
        """A new token to put in a ResponseURL."""
        token = secrets.token_urlsafe(18)
        with self._lock:
            self._pending[token] = (threading.Event(), [])
        return token

    def deliver(self, token: str, body: bytes) -> bool:
        """Store a response; False when the token is unknown (expired or never issued)."""
        with self._lock:
            entry = self._pending.get(token)
        if entry is None:
            return False
        entry[1].append(body)
        entry[0].set()
        return True

    def wait(self, token: str, timeout: float) -> dict[str, Any] | None:
        """The parsed response, or None when the deadline passes (or the cloud stops) first."""
        with self._lock:
            entry = self._pending[token]
        try:
            entry[0].wait(timeout)
            if not entry[1]:
                return None
            parsed: dict[str, Any] = json.loads(entry[1][0])
            return parsed
        finally:
            with self._lock:
                self._pending.pop(token, None)

    def close(self) -> None:
        """Wake every waiter (the local cloud is stopping)."""
        with self._lock:
            for event, _ in self._pending.values():
                event.set()

    def handle(self, request: AwsRequest) -> AwsResponse:
        """The HTTP side: PUT <RESPONSE_PATH><token> with the JSON body."""
        token = request.path[len(RESPONSE_PATH) :].strip("/")
        if request.method not in ("PUT", "POST"):
            return AwsResponse(405, b"custom resource responses are sent with PUT")
        try:
            json.loads(request.body)
        except ValueError:
            return AwsResponse(400, b"the custom resource response body must be JSON")
        if not self.deliver(token, request.body):
            return AwsResponse(404, f"no custom resource is waiting for response {token}".encode())
        return AwsResponse(200, b"")
