"""Records the Lambda component hands to telemetry, one per invocation.

Example:
    >>> r = LogLine(timestamp_ms=1700000000000, message="START RequestId: 1 Version: $LATEST")
    >>> r.message.startswith("START")
    True
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["InvocationRecord", "LogLine"]


@dataclass(frozen=True)
class LogLine:
    """One CloudWatch Logs event: epoch milliseconds and the message without its trailing newline."""

    timestamp_ms: int
    message: str


@dataclass(frozen=True)
class InvocationRecord:
    """What X-Ray needs to emit Lambda's own segments for one invocation (times are epoch seconds).

    `function_segment_id` is the `Parent` id that Lambda passed to the function in `_X_AMZN_TRACE_ID`, so the
    SDK's subsegments hang under the AWS::Lambda::Function segment.
    """

    trace_id: str
    service_segment_id: str
    function_segment_id: str
    function_name: str
    function_arn: str
    region: str
    request_id: str
    tracing_mode: str  # "Active" or "PassThrough"
    start: float  # Lambda service receives the request
    end: float  # response returned
    invocation_start: float
    invocation_end: float
    init_start: float | None = None  # cold start only
    init_end: float | None = None
    function_error: str | None = None  # "Unhandled" when the handler failed
    status: int = 200
    cold_start: bool = False
