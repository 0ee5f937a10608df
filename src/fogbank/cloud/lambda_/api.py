"""The in-process Invoke contract used by front doors and custom resources.

Example:
    >>> r = InvokeResult(status=200, payload=b'{"ok": true}')
    >>> r.ok
    True
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["InvokeResult"]


@dataclass(frozen=True)
class InvokeResult:
    """What Invoke returns: HTTP status, payload bytes, FunctionError and the executed version."""

    status: int
    payload: bytes
    function_error: str | None = None  # "Unhandled" for a handler error, as X-Amz-Function-Error
    executed_version: str = "$LATEST"
    log_result: str | None = None  # base64 tail of the logs, with LogType=Tail
    request_id: str = ""
    error_code: str | None = None  # the Lambda API's error code when the invoke itself failed (status >= 400)

    @property
    def ok(self) -> bool:
        return self.function_error is None and 200 <= self.status < 300
