"""CloudWatch Logs' stored events in moto (pinned 5.2.5): write lines, read them back for filtering.

Example:
    >>> events = [(1700000000001, "b"), (1700000000000, "a")]  # stored in timestamp order
    >>> put_events("eu-north-1", "/aws/lambda/f", "2024/01/01/[$LATEST]abc", events)
    >>> [e.message for e in stored_events("eu-north-1", "/aws/lambda/f")]
    ['a', 'b']
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from fogbank.cloud.router import ACCOUNT_ID

__all__ = ["LogGroupNotFound", "StoredEvent", "put_events", "stored_events"]

_write_lock = threading.Lock()


class LogGroupNotFound(LookupError):
    """The log group does not exist in the Logs backend."""


@dataclass(frozen=True)
class StoredEvent:
    """One stored event, with the stream it belongs to."""

    log_stream_name: str
    event_id: str
    timestamp: int
    ingestion_time: int
    message: str


def _backend(region: str, account_id: str) -> Any:
    from moto.logs.models import logs_backends

    return logs_backends[account_id][region]


def put_events(
    region: str,
    log_group: str,
    log_stream: str,
    events: Sequence[tuple[int, str]],
    account_id: str = ACCOUNT_ID,
) -> None:
    """Append `(timestamp_ms, message)` events, creating the group and stream when missing (as Lambda does).

    Events are stored in timestamp order; unlike PutLogEvents no age limit applies (Lambda writes them).
    """
    if not events:
        return
    backend = _backend(region, account_id)
    ordered = sorted(events, key=lambda event: event[0])
    with _write_lock:
        backend.ensure_log_group(log_group)
        backend.ensure_log_stream(log_group, log_stream)
        stream = backend.groups[log_group].streams[log_stream]
        stream.put_log_events([{"timestamp": ts, "message": message} for ts, message in ordered])


def stored_events(
    region: str,
    log_group: str,
    stream_names: Iterable[str] | None = None,
    stream_prefix: str | None = None,
    account_id: str = ACCOUNT_ID,
) -> list[StoredEvent]:
    """Every event of `log_group` (optionally of some streams), sorted by timestamp then arrival.

    Raises LogGroupNotFound when the group does not exist.
    """
    backend = _backend(region, account_id)
    wanted = set(stream_names) if stream_names is not None else None
    with _write_lock:
        group = backend.groups.get(log_group)
        if group is None:
            raise LogGroupNotFound(log_group)
        snapshot = [(name, list(stream.events)) for name, stream in group.streams.items()]
    result: list[StoredEvent] = []
    for name, events in snapshot:
        if wanted is not None and name not in wanted:
            continue
        if stream_prefix and not name.startswith(stream_prefix):
            continue
        result.extend(
            StoredEvent(name, str(e.event_id), int(e.timestamp), int(e.ingestion_time), str(e.message))
            for e in events
        )
    result.sort(key=lambda event: (event.timestamp, int(event.event_id)))
    return result
