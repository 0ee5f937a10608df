"""Read back what a feature's functions did during a time window, through public AWS APIs only:
CloudFormation (its functions), Lambda (their log group and tracing mode), CloudWatch Logs (invocations,
log lines, EMF) and X-Ray (traces). The same calls run against the local cloud and AWS.

CloudWatch Logs and X-Ray deliver late on AWS, so each read retries on a deadline until what the test is
known to have caused is there (every Invoke the test made has its REPORT line; every REPORT line that names
a trace has that trace with its function segment), and returns at once when it is. What is still missing at
the deadline is said in a note, never waited for with a fixed sleep.

Example (skipped as a doctest: it needs a deployed stack):
    >>> functions = stack_functions(target, "fogbank-logger-1a2b")  # doctest: +SKIP
    >>> found = collect_invocations(target, functions, since, until, invokes)  # doctest: +SKIP
    >>> found.invocations[0].logs[0].message  # doctest: +SKIP
    'START RequestId: ...'
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from fogbank.data_fetcher.retry import NotReady, until_ready
from fogbank.errors import FetchTimeoutError
from fogbank.report.capture import InvokeRecord
from fogbank.report.invocations import invocations_from_log_events
from fogbank.report.model import FrontDoorRequest, Invocation, TraceWaterfall, trim
from fogbank.report.waterfall import waterfalls_from_batch

__all__ = ["Collected", "FunctionInfo", "attach_front_doors", "collect_invocations", "stack_functions"]

TIMEOUT_VARIABLE = "FOGBANK_REPORT_TIMEOUT"
DEFAULT_TIMEOUT_SECONDS = 30.0
_BATCH_GET_TRACES_LIMIT = 5
_SLACK = timedelta(seconds=1)


@dataclass(frozen=True)
class FunctionInfo:
    """A Lambda function of the stack, where it logs, and whether X-Ray traces it."""

    name: str
    log_group: str
    traced: bool


@dataclass
class Collected:
    """The invocations found in the window, oldest first, and notes on what could not be read."""

    invocations: list[Invocation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def report_timeout() -> float:
    """How long to wait for late logs and traces: FOGBANK_REPORT_TIMEOUT seconds, default 30."""
    return float(os.environ.get(TIMEOUT_VARIABLE) or DEFAULT_TIMEOUT_SECONDS)


def stack_functions(target: Any, stack: str) -> list[FunctionInfo]:
    """The stack's Lambda functions with their log group and tracing mode."""
    cloudformation, lambda_ = target.client("cloudformation"), target.client("lambda")
    names = [
        str(summary["PhysicalResourceId"])
        for page in cloudformation.get_paginator("list_stack_resources").paginate(StackName=stack)
        for summary in page["StackResourceSummaries"]
        if summary.get("ResourceType") == "AWS::Lambda::Function" and summary.get("PhysicalResourceId")
    ]
    functions = []
    for name in names:
        configuration = lambda_.get_function_configuration(FunctionName=name)
        log_group = (configuration.get("LoggingConfig") or {}).get("LogGroup") or f"/aws/lambda/{name}"
        traced = (configuration.get("TracingConfig") or {}).get("Mode") == "Active"
        functions.append(
            FunctionInfo(name=str(configuration["FunctionName"]), log_group=log_group, traced=traced)
        )
    return functions


def _function_name(reference: str) -> str:
    """`fn`, `fn:alias` or a (qualified) function ARN -> `fn`."""
    if ":function:" in reference:
        return reference.split(":function:", 1)[1].split(":", 1)[0]
    return reference.split(":", 1)[0]


def collect_invocations(
    target: Any,
    functions: Sequence[FunctionInfo],
    since: datetime,
    until: datetime,
    invokes: Sequence[InvokeRecord],
    *,
    timeout: float | None = None,
) -> Collected:
    """Every invocation of `functions` that started in [since, until], with logs, EMF, trace and payload."""
    deadline = report_timeout() if timeout is None else timeout
    collected = Collected()
    logs = target.client("logs")
    names = {function.name for function in functions}
    # only this stack's functions: an Invoke of anything else in the window would be waited for in vain
    expected = {r.request_id for r in invokes if r.request_id and _function_name(r.function) in names}
    found: list[Invocation] = []

    def read_logs() -> list[Invocation]:
        nonlocal found
        found = _read_invocations(logs, functions, since - _SLACK, until + _SLACK)
        reported = {invocation.request_id for invocation in found if invocation.duration_ms is not None}
        missing = expected - reported
        if missing:
            raise NotReady(f"no REPORT line yet for request(s) {', '.join(sorted(missing))}")
        return found

    try:
        until_ready(read_logs, awaiting="the invocations' log lines", timeout=deadline)
    except FetchTimeoutError as exc:
        collected.notes.append(f"some invocations' logs had not arrived: {exc}")
    except (ClientError, BotoCoreError) as exc:
        collected.notes.append(f"could not read CloudWatch Logs: {exc}")
    found = [invocation for invocation in found if since - _SLACK <= invocation.started_at <= until + _SLACK]
    _attach_invokes(found, invokes)
    traced = {function.name for function in functions if function.traced}
    wanted = {inv.trace_id for inv in found if inv.trace_id and inv.function_name in traced}
    if wanted:
        traces, note = _read_traces(target.client("xray"), sorted(wanted), deadline)
        if note:
            collected.notes.append(note)
        for invocation in found:
            if invocation.trace_id in traces:
                invocation.trace = traces[invocation.trace_id]
    collected.invocations = found
    return collected


def attach_front_doors(invocations: Sequence[Invocation], requests: Sequence[FrontDoorRequest]) -> None:
    """Give each invocation the front-door requests that were in flight when it started."""
    for request in requests:
        end = request.started_at + timedelta(seconds=request.duration_seconds)
        for invocation in invocations:
            if request.started_at - _SLACK / 10 <= invocation.started_at <= end:
                invocation.front_door_requests.append(request)


def _read_invocations(
    logs: Any, functions: Sequence[FunctionInfo], since: datetime, until: datetime
) -> list[Invocation]:
    found: list[Invocation] = []
    for function in functions:
        events: list[dict[str, Any]] = []
        arguments = {
            "logGroupName": function.log_group,
            "startTime": int(since.timestamp() * 1000),
            "endTime": int(until.timestamp() * 1000),
        }
        try:
            for page in logs.get_paginator("filter_log_events").paginate(**arguments):
                events.extend(page.get("events", []))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                continue  # the function never ran: no log group yet
            raise
        found.extend(invocations_from_log_events(function.name, events))
    return sorted(found, key=lambda invocation: invocation.started_at)


def _attach_invokes(invocations: Sequence[Invocation], invokes: Sequence[InvokeRecord]) -> None:
    by_request = {record.request_id: record for record in invokes}
    for invocation in invocations:
        record = by_request.get(invocation.request_id)
        if record is None:
            continue
        invocation.payload, invocation.payload_truncated = trim(record.payload)
        invocation.response, invocation.response_truncated = trim(record.response)
        invocation.function_error = record.function_error


def _read_traces(
    xray: Any, trace_ids: list[str], deadline: float
) -> tuple[dict[str, TraceWaterfall], str | None]:
    traces: dict[str, TraceWaterfall] = {}

    def attempt() -> None:
        for offset in range(0, len(trace_ids), _BATCH_GET_TRACES_LIMIT):
            chunk = [
                trace_id
                for trace_id in trace_ids[offset : offset + _BATCH_GET_TRACES_LIMIT]
                if trace_id not in traces
            ]
            if not chunk:
                continue
            arguments: dict[str, Any] = {"TraceIds": chunk}
            while True:
                response = xray.batch_get_traces(**arguments)
                for trace_id, trace in waterfalls_from_batch(response).items():
                    if any(segment.origin == "AWS::Lambda::Function" for segment in trace.segments):
                        traces[trace_id] = trace
                if not response.get("NextToken"):
                    break
                arguments["NextToken"] = response["NextToken"]
        missing = [trace_id for trace_id in trace_ids if trace_id not in traces]
        if missing:
            raise NotReady(f"trace(s) {', '.join(missing)} not complete yet")

    try:
        until_ready(attempt, awaiting="the invocations' X-Ray traces", timeout=deadline)
    except FetchTimeoutError as exc:
        return traces, f"some traces had not arrived: {exc}"
    except (ClientError, BotoCoreError) as exc:
        return traces, f"could not read X-Ray traces: {exc}"
    return traces, None
