"""Lambda invocations read back from CloudWatch Logs: START / END / REPORT (Text or JSON log format), the
function's own lines in between, and the EMF metrics among them.

The same parser serves the run report and the console, on the local cloud and on AWS: it only reads what
FilterLogEvents returns.

Example:
    >>> events = [
    ...     {"timestamp": 1000, "message": "START RequestId: r1 Version: $LATEST", "logStreamName": "s"},
    ...     {"timestamp": 1001, "message": "hello", "logStreamName": "s"},
    ...     {"timestamp": 1002, "message": "END RequestId: r1", "logStreamName": "s"},
    ...     {"timestamp": 1002, "message": "REPORT RequestId: r1\\tDuration: 1.50 ms\\tInit Duration: 80.00 ms\\t",
    ...      "logStreamName": "s"},
    ... ]
    >>> [(i.request_id, i.cold_start, i.duration_ms, len(i.logs)) for i in invocations_from_log_events("fn", events)]
    [('r1', True, 1.5, 4)]
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from fogbank.report.model import EmfMetric, Invocation, LogLine, trim

__all__ = ["emf_metrics", "invocations_from_log_events", "log_line"]

_START = re.compile(r"^START RequestId: (?P<id>\S+)")
_END = re.compile(r"^END RequestId: (?P<id>\S+)")
_REPORT = re.compile(r"^REPORT RequestId: (?P<id>\S+)")
_FIELD = re.compile(r"(?P<name>[A-Za-z ]+): (?P<value>[^\t\n]+)")
_XRAY = re.compile(r"XRAY TraceId: (?P<trace>\S+)")
_MAX_LINES = 200


def log_line(event: Mapping[str, Any]) -> LogLine:
    """One FilterLogEvents event as a LogLine (message trimmed)."""
    message, cut = trim(str(event["message"]).rstrip("\n"), 2000)
    return LogLine(timestamp=_at(int(event["timestamp"])), message=message or "", truncated=cut)


def invocations_from_log_events(function_name: str, events: Iterable[Mapping[str, Any]]) -> list[Invocation]:
    """Group one function's log events into invocations (by log stream, in time order), oldest first."""
    by_stream: dict[str, list[Mapping[str, Any]]] = {}
    for event in events:
        by_stream.setdefault(str(event.get("logStreamName", "")), []).append(event)
    found: list[Invocation] = []
    for stream_events in by_stream.values():
        current: Invocation | None = None
        for event in sorted(stream_events, key=lambda e: int(e["timestamp"])):
            kind, request_id, record = _platform(str(event["message"]))
            if kind == "start":
                current = Invocation(
                    function_name=function_name,
                    request_id=request_id,
                    started_at=_at(int(event["timestamp"])),
                )
                found.append(current)
            elif current is None:
                continue  # lines before the first START of the window belong to an earlier invocation
            if len(current.logs) < _MAX_LINES:
                current.logs.append(log_line(event))
            if kind == "report":
                _apply_report(current, record)
                current = None
            elif kind is None:
                current.metrics.extend(emf_metrics(str(event["message"])))
    return sorted(found, key=lambda invocation: invocation.started_at)


def emf_metrics(message: str) -> list[EmfMetric]:
    """The metrics of one EMF log line (`{"_aws": {"CloudWatchMetrics": [...]}, ...}`); [] for other lines."""
    text = message.strip()
    if not text.startswith("{") or '"_aws"' not in text:
        return []
    try:
        document = json.loads(text)
        directives = document["_aws"]["CloudWatchMetrics"]
    except (ValueError, KeyError, TypeError):
        return []
    metrics: list[EmfMetric] = []
    for directive in directives if isinstance(directives, list) else []:
        dimension_names = {name for group in directive.get("Dimensions", []) for name in group}
        dimensions = {name: str(document[name]) for name in sorted(dimension_names) if name in document}
        for definition in directive.get("Metrics", []):
            name = definition.get("Name")
            if name not in document:
                continue
            raw = document[name]
            values = [float(v) for v in (raw if isinstance(raw, list) else [raw]) if _is_number(v)]
            metrics.append(
                EmfMetric(
                    namespace=str(directive.get("Namespace", "")),
                    name=str(name),
                    values=values,
                    unit=definition.get("Unit"),
                    dimensions=dimensions,
                )
            )
    return metrics


def _platform(message: str) -> tuple[str | None, str, dict[str, Any]]:
    """("start" | "end" | "report" | None, request id, figures) of one log message."""
    for kind, pattern in (("start", _START), ("end", _END), ("report", _REPORT)):
        match = pattern.match(message)
        if match:
            return kind, match["id"], _report_fields(message) if kind == "report" else {}
    if message.startswith('{"time"') and '"platform.' in message:
        try:
            document = json.loads(message)
        except ValueError:
            return None, "", {}
        record = document.get("record") or {}
        request_id = str(record.get("requestId", ""))
        json_kind = {
            "platform.start": "start",
            "platform.runtimeDone": "end",
            "platform.report": "report",
        }.get(str(document.get("type")))
        if json_kind == "report":
            return json_kind, request_id, _json_report_fields(record)
        if json_kind is not None:
            return json_kind, request_id, {}
    return None, "", {}


def _report_fields(message: str) -> dict[str, Any]:
    fields = {match["name"].strip(): match["value"].strip() for match in _FIELD.finditer(message)}
    trace = _XRAY.search(message)
    return {
        "duration_ms": _number(fields.get("Duration")),
        "init_duration_ms": _number(fields.get("Init Duration")),
        "max_memory_used_mb": _number(fields.get("Max Memory Used")),
        "status": fields.get("Status", "success"),
        "trace_id": trace["trace"] if trace else None,
    }


def _json_report_fields(record: Mapping[str, Any]) -> dict[str, Any]:
    metrics = record.get("metrics") or {}
    tracing = str((record.get("tracing") or {}).get("value", ""))
    trace = re.search(r"Root=([^;]+)", tracing)
    return {
        "duration_ms": metrics.get("durationMs"),
        "init_duration_ms": metrics.get("initDurationMs"),
        "max_memory_used_mb": metrics.get("maxMemoryUsedMB"),
        "status": record.get("status", "success"),
        "trace_id": trace.group(1) if trace else None,
    }


def _apply_report(invocation: Invocation, fields: Mapping[str, Any]) -> None:
    invocation.duration_ms = fields["duration_ms"]
    invocation.init_duration_ms = fields["init_duration_ms"]
    invocation.cold_start = fields["init_duration_ms"] is not None
    memory = fields["max_memory_used_mb"]
    invocation.max_memory_used_mb = int(memory) if memory is not None else None
    invocation.status = fields["status"]
    invocation.trace_id = fields["trace_id"]


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    match = re.match(r"[-0-9.]+", text)
    return float(match.group(0)) if match else None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _at(epoch_ms: int) -> datetime:
    return datetime.fromtimestamp(epoch_ms / 1000, UTC)
