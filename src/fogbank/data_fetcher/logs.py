"""Read a function's Powertools Logger lines from CloudWatch Logs (the seed's get_logs and LogFetcher).

Example (skipped as a doctest: it needs a deployed stack):
    >>> logs = get_logs(function_name="my-fn", start_time=execution_time, minimum_log_entries=2)  # doctest: +SKIP
    >>> len(logs.get_cold_start_log())  # doctest: +SKIP
    1
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import boto3
from pydantic import BaseModel, ConfigDict

from fogbank.data_fetcher.retry import NotReady, until_ready

__all__ = ["Log", "LogFetcher", "get_logs", "to_epoch_ms"]


class Log(BaseModel):
    """One structured Powertools Logger line; extra keys stay available as attributes."""

    model_config = ConfigDict(extra="allow")

    level: str
    location: str
    message: dict[str, Any] | str | list[Any] | int | float | bool | None
    timestamp: str | int
    service: str
    cold_start: bool | None = None
    function_name: str | None = None
    function_memory_size: str | int | None = None
    function_arn: str | None = None
    function_request_id: str | None = None
    xray_trace_id: str | None = None


def to_epoch_ms(moment: datetime) -> int:
    """Epoch milliseconds (a naive datetime is taken as UTC, like datetime.utcnow())."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def _parse(message: str) -> Log | None:
    try:
        document = json.loads(message)
    except ValueError:
        return None
    if not isinstance(document, dict):
        return None
    try:
        return Log(**document)
    except (ValueError, TypeError):
        return None  # JSON, but not a Logger line (an EMF blob, for instance)


class LogFetcher:
    """The structured log lines of `/aws/lambda/<function_name>` since `start_time`."""

    def __init__(
        self,
        function_name: str,
        start_time: datetime,
        log_client: Any = None,
        filter_expression: str | None = None,
        minimum_log_entries: int = 1,
        *,
        timeout: float | None = None,
    ) -> None:
        self._timeout = timeout
        self.function_name = function_name
        self.start_time = to_epoch_ms(start_time)
        self.log_client = log_client or boto3.client("logs")
        self.filter_expression = filter_expression or "message"  # the seed's default: Logger lines have it
        self.log_group = f"/aws/lambda/{function_name}"
        self.minimum_log_entries = minimum_log_entries
        self.logs: list[Log] = self._get_logs()

    def get_log(self, key: str, value: Any = None) -> list[Log]:
        """Lines that have `key` (and, when given, whose `key` equals `value`)."""
        found = []
        for log in self.logs:
            if not hasattr(log, key):
                continue
            if value is None or getattr(log, key) == value:
                found.append(log)
        return found

    def get_cold_start_log(self) -> list[Log]:
        """Lines logged during a cold start."""
        return [log for log in self.logs if log.cold_start]

    def have_keys(self, *keys: str) -> bool:
        """Whether every line has every key."""
        return all(hasattr(log, key) for log in self.logs for key in keys)

    def _events(self) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {
            "logGroupName": self.log_group,
            "startTime": self.start_time,
            "filterPattern": self.filter_expression,
        }
        while True:
            try:
                response = self.log_client.filter_log_events(**kwargs)
            except self.log_client.exceptions.ResourceNotFoundException as exc:
                raise NotReady(f"log group {self.log_group} does not exist yet") from exc
            events.extend(response["events"])
            token = response.get("nextToken")
            if not token:
                return events
            kwargs["nextToken"] = token

    def _get_logs(self) -> list[Log]:
        def attempt() -> list[Log]:
            events = self._events()
            logs = [log for event in events if (log := _parse(event["message"])) is not None]
            if len(logs) < self.minimum_log_entries:
                raise NotReady(
                    f"{len(logs)} structured line(s) of {self.minimum_log_entries} wanted "
                    f"({len(events)} event(s) in {self.log_group} since {self.start_time} ms)"
                )
            return logs

        return until_ready(attempt, awaiting=f"logs of {self.function_name}", timeout=self._timeout)

    def __len__(self) -> int:
        return len(self.logs)


def get_logs(
    function_name: str,
    start_time: datetime,
    minimum_log_entries: int = 1,
    filter_expression: str | None = None,
    log_client: Any = None,
    *,
    timeout: float | None = None,
) -> LogFetcher:
    """A LogFetcher once at least `minimum_log_entries` structured lines are there; FetchTimeoutError otherwise."""

    return LogFetcher(
        function_name, start_time, log_client, filter_expression, minimum_log_entries, timeout=timeout
    )
