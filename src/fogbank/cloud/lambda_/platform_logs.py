"""Lambda's own log lines (START, END, REPORT and the timeout notice), in Text or JSON log format.

Example:
    >>> report = Report("id-1", "$LATEST", duration_ms=1.5, memory_size_mb=128, max_memory_used_mb=40)
    >>> report.text().split("\\t")[:3]
    ['REPORT RequestId: id-1', 'Duration: 1.50 ms', 'Billed Duration: 2 ms']
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime

from fogbank.cloud.telemetry.records import LogLine

__all__ = ["Report", "platform_lines"]


@dataclass(frozen=True)
class Report:
    """The figures of one invocation, as Lambda reports them."""

    request_id: str
    version: str
    duration_ms: float
    memory_size_mb: int
    max_memory_used_mb: int
    init_duration_ms: float | None = None
    status: str = "success"  # "success" | "error" | "timeout" | "failure"
    trace_id: str | None = None
    segment_id: str | None = None
    sampled: bool = False
    error_type: str | None = None  # why the runtime ended (e.g. Runtime.OutOfMemory); JSON records name it

    @property
    def billed_duration_ms(self) -> int:
        return max(1, math.ceil(self.duration_ms))

    def text(self) -> str:
        fields = [
            f"REPORT RequestId: {self.request_id}",
            f"Duration: {self.duration_ms:.2f} ms",
            f"Billed Duration: {self.billed_duration_ms} ms",
            f"Memory Size: {self.memory_size_mb} MB",
            f"Max Memory Used: {self.max_memory_used_mb} MB",
        ]
        if self.init_duration_ms is not None:
            fields.append(f"Init Duration: {self.init_duration_ms:.2f} ms")
        if self.status == "timeout":
            fields.append("Status: timeout")
        text = "\t".join(fields) + "\t"
        if self.trace_id is not None and self.sampled:
            text += f"\nXRAY TraceId: {self.trace_id}\tSegmentId: {self.segment_id}\tSampled: true\t"
        return text

    def record(self) -> dict[str, object]:
        metrics: dict[str, object] = {
            "durationMs": round(self.duration_ms, 3),
            "billedDurationMs": self.billed_duration_ms,
            "memorySizeMB": self.memory_size_mb,
            "maxMemoryUsedMB": self.max_memory_used_mb,
        }
        if self.init_duration_ms is not None:
            metrics["initDurationMs"] = round(self.init_duration_ms, 3)
        record: dict[str, object] = {"requestId": self.request_id, "metrics": metrics, "status": self.status}
        if self.error_type is not None:
            record["errorType"] = self.error_type
        if self.trace_id is not None and self.sampled:
            record["tracing"] = {"type": "X-Amzn-Trace-Id", "value": f"Root={self.trace_id};Sampled=1"}
        return record


def platform_lines(
    report: Report,
    *,
    started_ms: int,
    ended_ms: int,
    function_lines: list[LogLine],
    timeout_s: float | None,
    log_format: str,
) -> list[LogLine]:
    """START, the function's own lines, the timeout notice (if any), END and REPORT, in order."""
    lines = [LogLine(started_ms, _start(report, log_format, started_ms))]
    lines.extend(function_lines)
    if timeout_s is not None:
        stamp = datetime.fromtimestamp(ended_ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        notice = f"{stamp[:-4]}Z {report.request_id} Task timed out after {timeout_s:.2f} seconds"
        lines.append(LogLine(ended_ms, notice))
    if log_format == "JSON":
        lines.append(LogLine(ended_ms, _json("platform.runtimeDone", ended_ms, _runtime_done(report))))
        lines.append(LogLine(ended_ms, _json("platform.report", ended_ms, report.record())))
    else:
        lines.append(LogLine(ended_ms, f"END RequestId: {report.request_id}"))
        lines.append(LogLine(ended_ms, report.text()))
    return lines


def _start(report: Report, log_format: str, started_ms: int) -> str:
    if log_format == "JSON":
        return _json(
            "platform.start", started_ms, {"requestId": report.request_id, "version": report.version}
        )
    return f"START RequestId: {report.request_id} Version: {report.version}"


def _runtime_done(report: Report) -> dict[str, object]:
    record: dict[str, object] = {"requestId": report.request_id, "status": report.status}
    if report.error_type is not None:
        record["errorType"] = report.error_type
    return record


def _json(kind: str, at_ms: int, record: dict[str, object]) -> str:
    moment = (
        datetime.fromtimestamp(at_ms / 1000, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )
    return json.dumps({"time": moment, "type": kind, "record": record})
