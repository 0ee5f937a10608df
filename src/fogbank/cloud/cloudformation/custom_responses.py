"""The ResponseURL side of custom resources: a one-time URL per request, answered by the handler's PUT.

`<endpoint>/_fogbank/cloudformation/response/<token>` is served on the local cloud's endpoint (unsigned,
as S3 pre-signed URLs are on AWS). The provider waits for the body with a deadline.

Example:
    >>> box = ResponseBox("http://127.0.0.1:4566")
    >>> token = box.open()
    >>> box.response_url(token) == f"http://127.0.0.1:4566{RESPONSE_PATH}{token}"
    True
    >>> box.deliver(token, b'{"Status": "SUCCESS"}')
    True
    >>> box.wait(token, timeout=1)
    {'Status': 'SUCCESS'}
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

from fogbank.cloud.router import AwsRequest, AwsResponse

__all__ = ["RESPONSE_GRACE_SECONDS", "RESPONSE_PATH", "FailedWithoutResponse", "ResponseBox"]

RESPONSE_PATH = "/_fogbank/cloudformation/response/"
RESPONSE_GRACE_SECONDS = 1.0
"""How long a response may still arrive after the function failed (it may PUT, then crash)."""


class FailedWithoutResponse(Exception):
    """The function's invocation ended in an error and no response arrived; the message says why."""


@dataclass
class _Pending:
    bodies: list[bytes] = field(default_factory=list)
    failure: str | None = None
    closed: bool = False


class ResponseBox:
    """Pending custom-resource responses, by token (satisfies `contracts.CustomResourceResponses`)."""

    def __init__(self, endpoint: str) -> None:
        self._endpoint = endpoint
        self._cond = threading.Condition()
        self._pending: dict[str, _Pending] = {}

    def open(self) -> str:
        """A new token to put in a ResponseURL."""
        token = secrets.token_urlsafe(18)
        with self._cond:
            self._pending[token] = _Pending()
        return token

    def response_url(self, token: str) -> str:
        """The ResponseURL a handler PUTs its answer to."""
        return f"{self._endpoint}{RESPONSE_PATH}{token}"

    def deliver(self, token: str, body: bytes) -> bool:
        """Store a response; False when the token is unknown (expired or never issued)."""
        with self._cond:
            entry = self._pending.get(token)
            if entry is None:
                return False
            entry.bodies.append(body)
            self._cond.notify_all()
        return True

    def fail(self, token: str, failure: str) -> bool:
        """The function failed without (yet) responding; False when nobody waits for `token` any more.

        Example:
            >>> box = ResponseBox("http://127.0.0.1:4566"); token = box.open()
            >>> box.fail(token, "Unhandled: boom")
            True
            >>> box.wait(token, timeout=60, grace=0)
            Traceback (most recent call last):
            fogbank.cloud.cloudformation.custom_responses.FailedWithoutResponse: Unhandled: boom
        """
        with self._cond:
            entry = self._pending.get(token)
            if entry is None:
                return False
            entry.failure = failure
            self._cond.notify_all()
        return True

    def wait(
        self, token: str, timeout: float, grace: float = RESPONSE_GRACE_SECONDS
    ) -> dict[str, Any] | None:
        """The parsed response, or None when the deadline passes (or the cloud stops) first.

        Raises FailedWithoutResponse when `fail` was called and no response came within `grace` seconds.
        """
        with self._cond:
            entry = self._pending[token]
            try:
                self._cond.wait_for(lambda: entry.bodies or entry.failure or entry.closed, timeout)
                if entry.failure is not None and not entry.bodies and not entry.closed:
                    self._cond.wait_for(lambda: entry.bodies or entry.closed, grace)
                if entry.bodies:
                    parsed: dict[str, Any] = json.loads(entry.bodies[0])
                    return parsed
                if entry.failure is not None and not entry.closed:
                    raise FailedWithoutResponse(entry.failure)
                return None
            finally:
                self._pending.pop(token, None)

    def close(self) -> None:
        """Wake every waiter (the local cloud is stopping)."""
        with self._cond:
            for entry in self._pending.values():
                entry.closed = True
            self._cond.notify_all()

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
