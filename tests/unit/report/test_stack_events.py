"""Stack events as a timeline with per-resource durations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fogbank.report.stack_events import timeline

T0 = datetime(2026, 11, 29, 18, 0, tzinfo=UTC)


def _event(seconds: float, logical_id: str, status: str, reason: str | None = None) -> dict[str, object]:
    event: dict[str, object] = {
        "Timestamp": T0 + timedelta(seconds=seconds),
        "LogicalResourceId": logical_id,
        "ResourceType": "AWS::Lambda::Function",
        "ResourceStatus": status,
    }
    if reason:
        event["ResourceStatusReason"] = reason
    return event


def test_each_finished_resource_gets_its_duration_oldest_first():
    # GIVEN DescribeStackEvents' events, newest first, one resource failing
    raw = [
        _event(5, "Bad", "CREATE_FAILED", "no such role"),
        _event(3, "Fn", "CREATE_COMPLETE"),
        _event(2, "Bad", "CREATE_IN_PROGRESS"),
        _event(1, "Fn", "CREATE_IN_PROGRESS"),
        _event(-60, "Old", "CREATE_COMPLETE"),
    ]
    # WHEN read as a timeline since T0
    events = timeline(raw, since=T0)
    # THEN it is oldest first, earlier operations left out, with durations and the failure
    assert [(e.logical_id, e.status, e.duration_seconds) for e in events] == [
        ("Fn", "CREATE_IN_PROGRESS", None),
        ("Bad", "CREATE_IN_PROGRESS", None),
        ("Fn", "CREATE_COMPLETE", 2.0),
        ("Bad", "CREATE_FAILED", 3.0),
    ]
    assert events[-1].failed and events[-1].reason == "no such role"
