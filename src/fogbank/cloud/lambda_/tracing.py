"""X-Ray trace context for one invocation: the incoming `X-Amzn-Trace-Id`, or a fresh one.

Example:
    >>> trace = TraceContext.for_invocation("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1", "PassThrough")
    >>> trace.root, trace.sampled
    ('1-5759e988-bd862e3fe1be46a994272793', True)
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

__all__ = ["TraceContext", "new_segment_id", "new_trace_id"]


def new_trace_id() -> str:
    """`1-<8 hex epoch seconds>-<24 hex>`, X-Ray's format."""
    return f"1-{int(time.time()):08x}-{secrets.token_hex(12)}"


def new_segment_id() -> str:
    return secrets.token_hex(8)


@dataclass(frozen=True)
class TraceContext:
    """Root, the Lambda service segment (parent of the function segment), the function segment, sampling."""

    root: str
    service_segment_id: str
    function_segment_id: str
    sampled: bool
    caller_parent: str | None = None

    @classmethod
    def for_invocation(cls, header: str | None, tracing_mode: str) -> TraceContext:
        """Active tracing samples unless the caller said `Sampled=0`; PassThrough follows the caller."""
        fields = _parse(header or "")
        sampled_field = fields.get("Sampled")
        sampled = sampled_field != "0" if tracing_mode == "Active" else sampled_field == "1"
        return cls(
            root=fields.get("Root") or new_trace_id(),
            service_segment_id=new_segment_id(),
            function_segment_id=new_segment_id(),
            sampled=sampled,
            caller_parent=fields.get("Parent"),
        )

    @property
    def function_header(self) -> str:
        """What the function sees in `_X_AMZN_TRACE_ID` (Lambda-Runtime-Trace-Id)."""
        return f"Root={self.root};Parent={self.function_segment_id};Sampled={1 if self.sampled else 0}"


def _parse(header: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for part in header.split(";"):
        key, sep, value = part.strip().partition("=")
        if sep:
            fields[key] = value
    return fields
