"""A stack's events (DescribeStackEvents) as a timeline: oldest first, each COMPLETE/FAILED event with the
time its resource took since its IN_PROGRESS event.

Example:
    >>> from datetime import timedelta
    >>> t0 = datetime(2026, 1, 1, tzinfo=UTC)
    >>> raw = [
    ...     {"Timestamp": t0 + timedelta(seconds=2), "LogicalResourceId": "Fn", "ResourceType": "AWS::Lambda::Function",
    ...      "ResourceStatus": "CREATE_COMPLETE"},
    ...     {"Timestamp": t0, "LogicalResourceId": "Fn", "ResourceType": "AWS::Lambda::Function",
    ...      "ResourceStatus": "CREATE_IN_PROGRESS"},
    ... ]
    >>> [(e.status, e.duration_seconds) for e in timeline(raw)]
    [('CREATE_IN_PROGRESS', None), ('CREATE_COMPLETE', 2.0)]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from fogbank.report.model import StackEvent

__all__ = ["read_stack_events", "timeline"]


def timeline(raw_events: Iterable[Mapping[str, Any]], since: datetime | None = None) -> list[StackEvent]:
    """DescribeStackEvents' events (newest first, as returned) as a timeline, oldest first."""
    ordered = sorted(raw_events, key=lambda event: _aware(event["Timestamp"]))
    started: dict[str, datetime] = {}
    events: list[StackEvent] = []
    for raw in ordered:
        at = _aware(raw["Timestamp"])
        if since is not None and at < since.replace(microsecond=0):
            continue
        logical_id = str(raw["LogicalResourceId"])
        status = str(raw.get("ResourceStatus", ""))
        duration = None
        if status.endswith("_IN_PROGRESS"):
            started.setdefault(logical_id, at)
        elif logical_id in started:
            duration = (at - started.pop(logical_id)).total_seconds()
        events.append(
            StackEvent(
                timestamp=at,
                logical_id=logical_id,
                resource_type=str(raw.get("ResourceType", "")),
                status=status,
                reason=raw.get("ResourceStatusReason"),
                physical_id=raw.get("PhysicalResourceId"),
                duration_seconds=duration,
            )
        )
    return events


def read_stack_events(
    client: Any, stack: str, since: datetime | None = None
) -> tuple[list[StackEvent], str | None]:
    """The timeline of `stack` (name or id) since `since`, and an error note when it cannot be read."""
    raw: list[Mapping[str, Any]] = []
    try:
        for page in client.get_paginator("describe_stack_events").paginate(StackName=stack):
            raw.extend(page["StackEvents"])
    except ClientError as exc:
        return timeline(raw, since), f"could not read the events of stack {stack}: {exc}"
    return timeline(raw, since), None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
