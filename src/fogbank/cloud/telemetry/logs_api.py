"""FilterLogEvents with the full filter pattern syntax (moto only knows terms and phrases).

Example (skipped as a doctest: it needs a running local cloud):
    >>> boto3.client("logs").filter_log_events(logGroupName="/aws/lambda/f", filterPattern='{ $.level = "ERROR" }')  # doctest: +SKIP
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from fogbank.cloud.aws_errors import AwsError, ErrorShape
from fogbank.cloud.aws_state import logs as logs_state
from fogbank.cloud.router import AwsRequest, AwsResponse, json_error
from fogbank.cloud.telemetry.filter_pattern import FilterPatternError, compile_filter_pattern

__all__ = ["filter_log_events", "handle_logs"]

_JSON_11 = "application/x-amz-json-1.1"
_MAX_LIMIT = 10000


class _BadRequest(AwsError):
    """A FilterLogEvents request Logs refuses (awsJson 1.1 error)."""

    shape = ErrorShape.JSON

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, code=code)


def _encode_token(after: tuple[int, int]) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": list(after)}).encode()).decode()


def _decode_token(token: str) -> tuple[int, int]:
    try:
        after = json.loads(base64.urlsafe_b64decode(token.encode()))["after"]
        return int(after[0]), int(after[1])
    except (ValueError, KeyError, TypeError, IndexError, binascii.Error) as exc:
        raise _BadRequest("InvalidParameterException", f"The nextToken {token!r} is not valid.") from exc


def _log_group_name(params: dict[str, Any]) -> str:
    name = params.get("logGroupName")
    identifier = params.get("logGroupIdentifier")
    if name and identifier:
        raise _BadRequest(
            "InvalidParameterException", "Specify either logGroupName or logGroupIdentifier, not both."
        )
    if identifier:  # an ARN or a name
        name = str(identifier).split(":log-group:", 1)[-1].removesuffix(":*")
    if not name:
        raise _BadRequest("InvalidParameterException", "logGroupName or logGroupIdentifier is required.")
    return str(name)


def filter_log_events(region: str, params: dict[str, Any]) -> dict[str, Any]:
    """The FilterLogEvents result for request `params` (AWS member names)."""
    group = _log_group_name(params)
    stream_names = params.get("logStreamNames")
    prefix = params.get("logStreamNamePrefix")
    if stream_names and prefix:
        raise _BadRequest(
            "InvalidParameterException",
            "Cannot specify both logStreamNames and logStreamNamePrefix in one request.",
        )
    pattern_text = params.get("filterPattern") or ""
    try:
        pattern = compile_filter_pattern(pattern_text)
    except FilterPatternError as exc:
        raise _BadRequest("InvalidParameterException", str(exc)) from exc
    limit = int(params.get("limit") or _MAX_LIMIT)
    if not 1 <= limit <= _MAX_LIMIT:
        raise _BadRequest(
            "InvalidParameterException", f"limit must be between 1 and {_MAX_LIMIT}, got {limit}."
        )
    start, end = params.get("startTime"), params.get("endTime")
    after = _decode_token(params["nextToken"]) if params.get("nextToken") else None
    try:
        events = logs_state.stored_events(region, group, stream_names=stream_names, stream_prefix=prefix)
    except logs_state.LogGroupNotFound as exc:
        raise _BadRequest(
            "ResourceNotFoundException", f"The specified log group does not exist: {group}"
        ) from exc
    found: list[dict[str, Any]] = []
    next_token = None
    searched = sorted({event.log_stream_name for event in events})
    for event in events:
        key = (event.timestamp, int(event.event_id))
        if after is not None and key <= after:
            continue
        if (start is not None and event.timestamp < int(start)) or (
            end is not None and event.timestamp > int(end)
        ):
            continue
        if not pattern.matches(event.message):
            continue
        if len(found) == limit:
            next_token = _encode_token((found[-1]["timestamp"], int(found[-1]["eventId"])))
            break
        found.append(
            {
                "logStreamName": event.log_stream_name,
                "timestamp": event.timestamp,
                "message": event.message,
                "ingestionTime": event.ingestion_time,
                "eventId": event.event_id,
            }
        )
    result: dict[str, Any] = {
        "events": found,
        "searchedLogStreams": [
            {"logStreamName": name, "searchedCompletely": next_token is None} for name in searched
        ],
    }
    if next_token is not None:
        result["nextToken"] = next_token
    return result


def handle_logs(request: AwsRequest) -> AwsResponse | None:
    """Answer FilterLogEvents; leave every other Logs operation to moto."""
    if request.action != "FilterLogEvents":
        return None
    try:
        params = request.json()
        return AwsResponse.json(filter_log_events(request.region, params), content_type=_JSON_11)
    except _BadRequest as exc:
        return exc.render()
    except ValueError as exc:
        return json_error("SerializationException", f"FilterLogEvents: the request body is not JSON ({exc})")
