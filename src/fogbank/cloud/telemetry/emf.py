"""CloudWatch Embedded Metric Format: log lines that become metrics, as CloudWatch extracts them.

A line is EMF when it is a JSON object whose `_aws` member holds `Timestamp` (epoch ms) and a
`CloudWatchMetrics` array of directives `{Namespace, Dimensions: [[name, ...], ...], Metrics: [{Name, Unit,
StorageResolution}]}`. Each metric's value (a number or an array of numbers) and each dimension's value are
root members. Every dimension set, including the empty set `[]`, yields its own metric. A malformed line
stays a plain log line and yields nothing.

Example:
    >>> line = '{"_aws": {"Timestamp": 1700000000000, "CloudWatchMetrics": [{"Namespace": "App",'
    >>> line += ' "Dimensions": [["service"]], "Metrics": [{"Name": "Hits", "Unit": "Count"}]}]},'
    >>> line += ' "service": "orders", "Hits": [1, 2]}'
    >>> [(ns, d["MetricName"], d["Values"]) for ns, d in parse_emf(line)]
    [('App', 'Hits', [1.0, 2.0])]
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from fogbank.cloud.telemetry.records import LogLine

__all__ = ["VALID_UNITS", "EmfError", "metric_data_from_lines", "parse_emf"]

VALID_UNITS = frozenset(
    [
        "Seconds",
        "Microseconds",
        "Milliseconds",
        "Bytes",
        "Kilobytes",
        "Megabytes",
        "Gigabytes",
        "Terabytes",
        "Bits",
        "Kilobits",
        "Megabits",
        "Gigabits",
        "Terabits",
        "Percent",
        "Count",
        "Bytes/Second",
        "Kilobytes/Second",
        "Megabytes/Second",
        "Gigabytes/Second",
        "Terabytes/Second",
        "Bits/Second",
        "Kilobits/Second",
        "Megabits/Second",
        "Gigabits/Second",
        "Terabits/Second",
        "Count/Second",
        "None",
    ]
)
_MAX_DIMENSIONS_PER_SET = 30
_MAX_METRICS_PER_DIRECTIVE = 100
_MAX_VALUES = 100


class EmfError(ValueError):
    """The line claims to be EMF (it has `_aws`) but breaks the specification."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise EmfError(message)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _values(member: Any, name: str) -> list[float]:
    if _is_number(member):
        return [float(member)]
    _require(
        isinstance(member, list) and 0 < len(member) <= _MAX_VALUES, f"metric {name!r} has no numeric value"
    )
    _require(all(_is_number(v) for v in member), f"metric {name!r} has a non-numeric value in its array")
    return [float(v) for v in member]


def _directive(
    document: dict[str, Any], directive: Any, timestamp: datetime
) -> list[tuple[str, dict[str, Any]]]:
    _require(isinstance(directive, dict), "each CloudWatchMetrics entry must be an object")
    namespace = directive.get("Namespace")
    _require(
        isinstance(namespace, str) and 0 < len(namespace) <= 1024, "Namespace must be a non-empty string"
    )
    dimension_sets = directive.get("Dimensions")
    _require(isinstance(dimension_sets, list), "Dimensions must be an array of dimension sets")
    resolved_sets: list[list[dict[str, str]]] = []
    for dimension_set in dimension_sets:
        _require(isinstance(dimension_set, list), "each dimension set must be an array of names")
        _require(len(dimension_set) <= _MAX_DIMENSIONS_PER_SET, "a dimension set has more than 30 dimensions")
        resolved: list[dict[str, str]] = []
        for name in dimension_set:
            _require(isinstance(name, str) and name != "", "a dimension name must be a non-empty string")
            value = document.get(name)
            _require(
                isinstance(value, str) and value != "", f"dimension {name!r} has no string value at the root"
            )
            resolved.append({"Name": str(name), "Value": str(value)})
        resolved_sets.append(resolved)
    metrics = directive.get("Metrics")
    _require(
        isinstance(metrics, list) and len(metrics) <= _MAX_METRICS_PER_DIRECTIVE, "Metrics must be an array"
    )
    data: list[tuple[str, dict[str, Any]]] = []
    for metric in metrics:
        _require(isinstance(metric, dict), "each Metrics entry must be an object")
        name = metric.get("Name")
        _require(isinstance(name, str) and 0 < len(name) <= 1024, "a metric Name must be a non-empty string")
        unit = metric.get("Unit", "None")
        _require(unit in VALID_UNITS, f"metric {name!r} has an unknown Unit {unit!r}")
        resolution = metric.get("StorageResolution", 60)
        _require(resolution in (1, 60), f"metric {name!r}: StorageResolution must be 1 or 60")
        _require(name in document, f"metric {name!r} has no value at the root")
        values = _values(document[name], name)
        for dimensions in resolved_sets:
            datum = {
                "MetricName": name,
                "Dimensions": dimensions,
                "Timestamp": timestamp,
                "Unit": unit,
                "Values": values,
                "StorageResolution": resolution,
            }
            data.append((namespace, datum))
    return data


def parse_emf(message: str) -> list[tuple[str, dict[str, Any]]]:
    """`(namespace, PutMetricData datum)` pairs of one line; [] when it is not EMF.

    Raises EmfError when the line has an `_aws` member but breaks the format.
    """
    stripped = message.strip()
    if not (stripped.startswith("{") and '"_aws"' in stripped):
        return []
    try:
        document = json.loads(stripped)
    except ValueError:
        return []
    if not isinstance(document, dict) or "_aws" not in document:
        return []
    metadata = document["_aws"]
    _require(isinstance(metadata, dict), "_aws must be an object")
    timestamp_ms = metadata.get("Timestamp")
    _require(_is_number(timestamp_ms) and timestamp_ms >= 0, "_aws.Timestamp must be epoch milliseconds")
    timestamp = datetime.fromtimestamp(timestamp_ms / 1000, tz=UTC).replace(tzinfo=None)
    directives = metadata.get("CloudWatchMetrics")
    _require(isinstance(directives, list), "_aws.CloudWatchMetrics must be an array")
    data: list[tuple[str, dict[str, Any]]] = []
    for directive in directives:
        data.extend(_directive(document, directive, timestamp))
    return data


def metric_data_from_lines(
    lines: Iterable[LogLine], log_group: str = ""
) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Group the metrics of every valid EMF line by namespace; malformed lines are skipped (as on AWS)."""
    by_namespace: dict[str, list[dict[str, Any]]] = {}
    for line in lines:
        try:
            pairs = parse_emf(line.message)
        except EmfError:
            continue  # CloudWatch keeps it as a log line and extracts no metric
        for namespace, datum in pairs:
            by_namespace.setdefault(namespace, []).append(datum)
    yield from by_namespace.items()
