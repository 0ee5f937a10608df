"""The Invoke operation: validate, lease a worker, run, write Lambda's logs and X-Ray record, answer.

Example (skipped as a doctest: it needs Lambda worker processes):
    >>> invoker.invoke(InvokeRequest("my-fn", b'{"a": 1}'))  # doctest: +SKIP
    InvokeResult(status=200, payload=b'...', ...)
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from tenacity import Retrying, retry_if_exception, stop_after_delay, stop_when_event_set, wait_exponential

from fogbank.cloud.aws_state.lambda_ import FunctionSpec, LambdaStateError
from fogbank.cloud.lambda_.api import InvokeResult
from fogbank.cloud.lambda_.errors import MAX_ASYNC_PAYLOAD, MAX_SYNC_PAYLOAD, LambdaApiError
from fogbank.cloud.lambda_.platform_logs import Report, platform_lines
from fogbank.cloud.lambda_.pool import WorkerPools
from fogbank.cloud.lambda_.runtime_api import Invocation, Outcome, OutcomeKind
from fogbank.cloud.lambda_.tracing import TraceContext
from fogbank.cloud.lambda_.version_errors import NOTE_PREFIX
from fogbank.cloud.lambda_.worker import Worker
from fogbank.cloud.telemetry.records import InvocationRecord, LogLine

__all__ = ["EventOutcome", "InvokeRequest", "Invoker", "Telemetry", "region_of"]

_log = logging.getLogger(__name__)
_INVOCATION_TYPES = ("RequestResponse", "Event", "DryRun")
_TAIL_BYTES = 4096
_THROTTLED = "TooManyRequestsException"
# the REPORT line's Status for each way an invocation ends (anything else: "failure")
_REPORT_STATUS = {OutcomeKind.RESPONSE: "success", OutcomeKind.ERROR: "error", OutcomeKind.TIMEOUT: "timeout"}


@dataclass(frozen=True)
class InvokeRequest:
    """One Invoke call, as the API (or an in-process caller) made it."""

    function: str
    payload: bytes
    invocation_type: str = "RequestResponse"
    qualifier: str | None = None
    trace_header: str | None = None
    client_context: str | None = None  # base64 JSON, as X-Amz-Client-Context
    log_type: str | None = None  # "Tail" for the last 4 KB of logs in the response
    region: str | None = None  # the API request's region; None: the ARN's, else the cloud's default


EventOutcome = Callable[[InvokeResult], None]
"""Told how an Event invocation ended (a non-2xx result when it could not run at all); in-process callers only."""


def region_of(arn: str) -> str:
    """The region of a Lambda ARN (`arn:aws:lambda:<region>:...`)."""
    return arn.split(":")[3]


class Telemetry:
    """Where logs and traces go (the telemetry component's contract), resolved lazily."""

    def __init__(
        self, put_log_lines: Callable[..., None], record_invocation: Callable[[InvocationRecord], None]
    ):
        self.put_log_lines = put_log_lines
        self.record_invocation = record_invocation


class Invoker:
    """Runs invocations on pooled workers; Event invocations run on a background executor."""

    def __init__(
        self,
        resolve: Callable[[str, str | None, str | None], FunctionSpec],
        pools: WorkerPools,
        telemetry: Telemetry,
        *,
        event_workers: int = 8,
    ) -> None:
        self._resolve = resolve
        self._pools = pools
        self._telemetry = telemetry
        self._events = ThreadPoolExecutor(max_workers=event_workers, thread_name_prefix="lambda-event")
        self._closed = threading.Event()

    def invoke(self, request: InvokeRequest, on_event_outcome: EventOutcome | None = None) -> InvokeResult:
        """Invoke as the Lambda API does. Raises LambdaApiError for what AWS answers with an error.

        `on_event_outcome` is called once, on the event thread, when an Event invocation has ended.
        """
        if request.invocation_type not in _INVOCATION_TYPES:
            raise LambdaApiError(
                "InvalidParameterValueException",
                f"InvocationType {request.invocation_type!r} is not one of {', '.join(_INVOCATION_TYPES)}",
            )
        spec = self._spec(request)
        _validate_payload(request)
        if request.invocation_type == "DryRun":
            return InvokeResult(204, b"", executed_version=spec.version)
        if request.invocation_type == "Event":
            request_id = str(uuid.uuid4())
            if spec.reserved_concurrency == 0:
                raise LambdaApiError(
                    "TooManyRequestsException",
                    f"Rate Exceeded. Function {spec.name} has reserved concurrency 0, so it cannot run; "
                    "raise it with PutFunctionConcurrency",
                    429,
                    reason="ReservedFunctionConcurrentInvocationLimitExceeded",
                )
            self._events.submit(self._run_event, spec, request, request_id, on_event_outcome)
            return InvokeResult(202, b"", executed_version=spec.version, request_id=request_id)
        return self.run(spec, request, str(uuid.uuid4()))

    def _wait(self, seconds: float) -> None:
        self._closed.wait(seconds)

    def close(self) -> None:
        self._closed.set()
        self._events.shutdown(wait=False, cancel_futures=True)

    def _spec(self, request: InvokeRequest) -> FunctionSpec:
        try:
            return self._resolve(request.function, request.qualifier, request.region)
        except LambdaStateError as exc:
            raise LambdaApiError(exc.code, exc.message, exc.status) from exc

    def _run_event(
        self,
        spec: FunctionSpec,
        request: InvokeRequest,
        request_id: str,
        on_event_outcome: EventOutcome | None = None,
    ) -> None:
        """Run an Event invocation; throttled ones are retried (AWS keeps them for up to 6 hours)."""
        retrying = Retrying(
            retry=retry_if_exception(lambda exc: isinstance(exc, LambdaApiError) and exc.code == _THROTTLED),
            wait=wait_exponential(multiplier=0.05, max=5),
            stop=stop_after_delay(6 * 3600) | stop_when_event_set(self._closed),
            sleep=self._wait,
            reraise=True,
        )
        try:
            result = retrying(self.run, spec, request, request_id)
        except Exception as exc:
            _log.warning("event invocation %s of %s failed", request_id, spec.name, exc_info=True)
            result = _could_not_run(exc, request_id)
        if on_event_outcome is not None:
            try:
                on_event_outcome(result)
            except Exception:
                _log.exception("the outcome callback of event invocation %s failed", request_id)

    def run(self, spec: FunctionSpec, request: InvokeRequest, request_id: str) -> InvokeResult:
        """One synchronous invocation on a leased worker, with logs written before it returns."""
        received = time.time()
        trace = TraceContext.for_invocation(request.trace_header, spec.tracing_mode)
        invocation = Invocation(
            request_id=request_id,
            payload=request.payload or b"{}",
            invoked_function_arn=_invoked_arn(spec, request),
            trace_header=trace.function_header,
            timeout_s=float(spec.timeout),
            client_context=_client_context(request.client_context),
        )
        with self._pools.lease(spec) as worker:
            cold = worker.cold
            outcome = worker.run(invocation)
            output = worker.drain_output()
            _log_fogbank_notes(spec, output[1])
            report = self._report(spec, worker, invocation, outcome, cold, trace)
            lines = self._lines(spec, worker, invocation, outcome, output, report)
            self._telemetry.put_log_lines(
                spec.log_group, worker.log_stream, lines, region=region_of(spec.arn)
            )
        payload = _payload(outcome, request_id, spec.timeout)
        if trace.sampled:
            self._record(spec, request_id, trace, worker, invocation, outcome, received, cold)
        return InvokeResult(
            status=200,
            payload=payload,
            function_error=outcome.function_error,
            executed_version=spec.version,
            log_result=_tail(lines) if request.log_type == "Tail" else None,
            request_id=request_id,
        )

    @staticmethod
    def _report(
        spec: FunctionSpec,
        worker: Worker,
        invocation: Invocation,
        outcome: Outcome,
        cold: bool,
        trace: TraceContext,
    ) -> Report:
        started = invocation.delivered_at or outcome.at
        status = _REPORT_STATUS.get(outcome.kind, "failure")
        return Report(
            request_id=invocation.request_id,
            version=spec.version,
            duration_ms=max(0.0, (outcome.at - started) * 1000),
            memory_size_mb=spec.memory_size,
            max_memory_used_mb=worker.max_memory_used_mb(),
            init_duration_ms=worker.init_duration_ms if cold else None,
            status=status,
            trace_id=trace.root,
            segment_id=trace.function_segment_id,
            sampled=trace.sampled,
            error_type=outcome.error_type if outcome.kind is OutcomeKind.EXIT else None,
        )

    @staticmethod
    def _lines(
        spec: FunctionSpec,
        worker: Worker,
        invocation: Invocation,
        outcome: Outcome,
        output: tuple[int, list[LogLine]],
        report: Report,
    ) -> list[LogLine]:
        started_ms = int((invocation.delivered_at or outcome.at) * 1000)
        ended_ms = max(started_ms, int(outcome.at * 1000))
        first, captured = output
        # What the runtime printed before it took the event (its init) comes before START; the rest is the
        # invocation's. Timestamps are kept inside those bounds so that readers sorting by time see this order.
        cut = (
            len(captured)
            if invocation.output_position is None
            else max(0, invocation.output_position - first)
        )
        before = [replace(line, timestamp_ms=min(line.timestamp_ms, started_ms)) for line in captured[:cut]]
        during = [
            replace(line, timestamp_ms=min(max(line.timestamp_ms, started_ms), ended_ms))
            for line in captured[cut:]
        ]
        lines = platform_lines(
            report,
            started_ms=started_ms,
            ended_ms=ended_ms,
            function_lines=during,
            timeout_s=invocation.timeout_s if outcome.kind is OutcomeKind.TIMEOUT else None,
            log_format=spec.log_format,
        )
        if (
            outcome.kind is OutcomeKind.EXIT and spec.log_format != "JSON"
        ):  # why the runtime ended, after REPORT
            body = json.loads(outcome.payload)
            error = f"RequestId: {invocation.request_id} Error: {body['errorMessage']}\n{body['errorType']}"
            lines.append(LogLine(ended_ms, error))
        return before + lines

    def _record(
        self,
        spec: FunctionSpec,
        request_id: str,
        trace: TraceContext,
        worker: Worker,
        invocation: Invocation,
        outcome: Outcome,
        received: float,
        cold: bool,
    ) -> None:
        invocation_start = invocation.delivered_at or outcome.at
        init_start = worker.spawned_at if cold else None
        init_end = worker.api.first_poll_at if cold else None
        record = InvocationRecord(
            trace_id=trace.root,
            service_segment_id=trace.service_segment_id,
            function_segment_id=trace.function_segment_id,
            function_name=spec.name,
            function_arn=spec.arn,
            region=region_of(spec.arn),
            request_id=request_id,
            tracing_mode=spec.tracing_mode,
            start=received,
            end=time.time(),
            invocation_start=invocation_start,
            invocation_end=outcome.at,
            init_start=init_start,
            init_end=init_end,
            function_error=outcome.function_error,
            status=200,
            cold_start=cold,
        )
        try:
            self._telemetry.record_invocation(record)
        except Exception:  # tracing must never fail an invocation
            _log.exception("recording X-Ray segments for %s failed", request_id)


def _log_fogbank_notes(spec: FunctionSpec, lines: list[LogLine]) -> None:
    """The cloud's log repeats what the runtime noted in the function's log (version_errors.NOTE_PREFIX)."""
    for line in lines:
        if NOTE_PREFIX in line.message:
            _log.warning("function %s: %s", spec.name, line.message.split(NOTE_PREFIX, 1)[1])


def _validate_payload(request: InvokeRequest) -> None:
    limit = MAX_ASYNC_PAYLOAD if request.invocation_type == "Event" else MAX_SYNC_PAYLOAD
    if len(request.payload) > limit:
        operation = "InvokeAsync" if request.invocation_type == "Event" else "InvokeFunction"
        raise LambdaApiError(
            "RequestEntityTooLargeException",
            f"Request must be smaller than {limit} bytes for the {operation} operation "
            f"(this one has {len(request.payload)}); pass a reference such as an S3 key instead",
            413,
        )
    if not request.payload.strip():
        return
    try:
        json.loads(request.payload)
    except (ValueError, UnicodeDecodeError) as exc:
        raise LambdaApiError(
            "InvalidRequestContentException",
            f"Could not parse request body into json: Could not parse payload into json: {exc}",
        ) from exc


def _invoked_arn(spec: FunctionSpec, request: InvokeRequest) -> str:
    qualifier = request.qualifier
    if ":" in request.function.split(":function:")[-1]:
        qualifier = request.function.rsplit(":", 1)[-1]
    return f"{spec.arn}:{qualifier}" if qualifier else spec.arn


def _client_context(encoded: str | None) -> str | None:
    if encoded is None:
        return None
    try:
        return base64.b64decode(encoded, validate=True).decode("utf-8")
    except ValueError as exc:
        raise LambdaApiError(
            "InvalidRequestContentException", f"Client context must be base64-encoded JSON ({exc})"
        ) from exc


def _payload(outcome: Outcome, request_id: str, timeout_s: int) -> bytes:
    if outcome.kind is OutcomeKind.TIMEOUT:
        message = f"RequestId: {request_id} Error: Task timed out after {float(timeout_s):.2f} seconds"
        return json.dumps({"errorType": "Sandbox.Timedout", "errorMessage": message}).encode()
    if outcome.kind is OutcomeKind.EXIT:
        body = json.loads(outcome.payload)
        body["errorMessage"] = f"RequestId: {request_id} Error: {body['errorMessage']}"
        return json.dumps(body).encode()
    return outcome.payload


def _could_not_run(exc: Exception, request_id: str) -> InvokeResult:
    """An Event invocation that never ran to an outcome (no worker, throttled to the end, a start failure)."""
    if isinstance(exc, LambdaApiError):
        code, message, status = exc.code, exc.message, exc.status
    else:
        code, message, status = "ServiceException", f"{type(exc).__name__}: {exc}", 500
    body = json.dumps({"errorType": code, "errorMessage": message}).encode()
    return InvokeResult(status, body, request_id=request_id, error_code=code)


def _tail(lines: list[LogLine]) -> str:
    text = "".join(line.message + "\n" for line in lines).encode()
    return base64.b64encode(text[-_TAIL_BYTES:]).decode()
