"""One worker's Lambda Runtime API server (`/2018-06-01/runtime/...`) on 127.0.0.1:0.

The runtime client in the worker process long-polls `invocation/next`; fogbank hands it one invocation at a
time with `submit()` and waits for the outcome (`response`, `error`, `init/error`, or the process exiting).

Example (the runtime's side played by http.client):
    >>> import http.client
    >>> api = RuntimeApi()
    >>> arn = "arn:aws:lambda:us-east-1:123456789012:function:f"
    >>> invocation = Invocation("req-1", b'{"a": 1}', arn, trace_header="", timeout_s=3)
    >>> api.submit(invocation)
    >>> runtime = http.client.HTTPConnection(api.address)
    >>> runtime.request("GET", "/2018-06-01/runtime/invocation/next")
    >>> event = runtime.getresponse()
    >>> event.getheader("Lambda-Runtime-Aws-Request-Id"), event.read()
    ('req-1', b'{"a": 1}')
    >>> runtime.request("POST", "/2018-06-01/runtime/invocation/req-1/response", body=b'"done"')
    >>> runtime.getresponse().status
    202
    >>> outcome = api.wait(invocation, delivered_within=5, finished_within=5)
    >>> outcome.kind.value, outcome.payload
    ('response', b'"done"')
    >>> runtime.close(); api.close()
"""

from __future__ import annotations

import enum
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from fogbank.cloud.http_body import read_body
from fogbank.cloud.lambda_.errors import MAX_SYNC_PAYLOAD

__all__ = ["Invocation", "Outcome", "OutcomeKind", "RuntimeApi"]

_PREFIX = "/2018-06-01/runtime"


class OutcomeKind(enum.Enum):
    """How an invocation ended: the runtime's answer, or what the local cloud saw happen.

    Example:
        >>> OutcomeKind("response") is OutcomeKind.RESPONSE
        True
    """

    RESPONSE = "response"  # the runtime posted a response
    ERROR = "error"  # the handler raised (the runtime posted an invocation error)
    INIT_ERROR = "init_error"  # the module could not be loaded
    EXIT = "exit"  # the process ended during the invocation
    TIMEOUT = "timeout"  # the function's timeout passed


@dataclass(frozen=True)
class Outcome:
    """How an invocation ended (see `OutcomeKind`)."""

    kind: OutcomeKind
    payload: bytes
    error_type: str | None = None
    at: float = field(default_factory=time.time)

    @property
    def function_error(self) -> str | None:
        return None if self.kind is OutcomeKind.RESPONSE else "Unhandled"


@dataclass
class Invocation:
    """One event handed to a worker, with the headers the Runtime API sends along."""

    request_id: str
    payload: bytes
    invoked_function_arn: str
    trace_header: str
    timeout_s: float
    client_context: str | None = None
    cognito_identity: str | None = None
    delivered_at: float | None = None  # epoch seconds when the runtime received it
    output_position: int | None = None  # the worker's output lines from this position on are the invocation's
    deadline_ms: int = 0
    outcome: Outcome | None = None


class RuntimeApi:
    """The Runtime API of one execution environment. Thread-safe; `close()` ends the listener."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._pending: Invocation | None = None
        self._current: Invocation | None = None
        self._closed = False
        self.first_poll_at: float | None = None  # init finished: the runtime asked for its first event
        self.init_error: Outcome | None = None
        self._exit_outcome: Outcome | None = None  # set when the runtime process has ended
        # Called as each runtime request arrives, before it is acted on, and again as an event is delivered: the
        # worker reads its output pipe then and answers the position of the next output line. What the runtime
        # printed before it took an event (its init) is thus known to come before the invocation, and what it
        # printed before answering is captured before the invocation ends, whatever the thread timing.
        self.on_runtime_request: Callable[[], int] | None = None
        self._server = _QuietServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="lambda-runtime-api",
            daemon=True,
        )
        self._thread.start()

    @property
    def address(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{host!s}:{port}"

    # -- fogbank side ----------------------------------------------------------------------------------------
    def submit(self, invocation: Invocation) -> None:
        """Queue `invocation` for the runtime's next poll.

        A runtime that already reported an init error, or already exited, cannot take it: the invocation ends
        at once with that outcome (a fast cold start can fail its import before the first invocation is queued).
        """
        with self._cond:
            if self._pending is not None or self._current is not None:
                raise RuntimeError("a worker runs one invocation at a time")
            ended = self.init_error or self._exit_outcome
            if ended is not None:
                invocation.outcome = ended
                self._cond.notify_all()
                return
            self._pending = invocation
            self._cond.notify_all()

    def wait(self, invocation: Invocation, *, delivered_within: float, finished_within: float) -> Outcome:
        """Wait for the runtime to take `invocation` and answer it; a missed deadline is a "timeout" outcome.

        `finished_within` counts from the moment the runtime received the event (its Deadline-Ms).
        """
        with self._cond:
            deadline = time.monotonic() + delivered_within
            while invocation.outcome is None and invocation.delivered_at is None:
                if not self._wait_until(deadline):
                    return self._finish(invocation, Outcome(OutcomeKind.TIMEOUT, b"", "Sandbox.Timedout"))
            if invocation.delivered_at is not None:
                deadline = (
                    time.monotonic() + finished_within - max(0.0, time.time() - invocation.delivered_at)
                )
            while invocation.outcome is None:
                if not self._wait_until(deadline):
                    return self._finish(invocation, Outcome(OutcomeKind.TIMEOUT, b"", "Sandbox.Timedout"))
            return invocation.outcome

    def _wait_until(self, deadline: float) -> bool:
        """Wait for a notification (caller holds the lock); False once the deadline has passed."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        self._cond.wait(timeout=remaining)
        return True

    def process_exited(self, outcome: Outcome) -> None:
        """The worker process ended: whatever was running (or waiting to) ends with `outcome`."""
        with self._cond:
            self._exit_outcome = outcome
            for invocation in (self._current, self._pending):
                if invocation is not None and invocation.outcome is None:
                    self._finish(invocation, outcome)
            self._closed = True
            self._cond.notify_all()

    def close(self) -> None:
        """Stop serving; a runtime still polling gets an error. Idempotent."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=2)

    def _finish(self, invocation: Invocation, outcome: Outcome) -> Outcome:
        # caller holds self._cond
        if invocation.outcome is None:
            invocation.outcome = outcome
        if self._current is invocation:
            self._current = None
        if self._pending is invocation:
            self._pending = None
        self._cond.notify_all()
        return invocation.outcome

    # -- runtime side (called by the HTTP handler) ----------------------------------------------------------
    def runtime_request_arrived(self) -> int | None:
        """The runtime made a request (see `on_runtime_request`); the output position, when known."""
        return self.on_runtime_request() if self.on_runtime_request is not None else None

    def next_invocation(self, output_position: int | None = None) -> Invocation | None:
        with self._cond:
            if self.first_poll_at is None:
                self.first_poll_at = time.time()
                self._cond.notify_all()
            while self._pending is None and not self._closed:
                self._cond.wait()
            if self._closed or self._pending is None:
                return None
            invocation, self._pending = self._pending, None
            invocation.delivered_at = time.time()
            # Read again at delivery: the worker's hook may not have existed when the request arrived (a spare
            # environment asks before its Worker is built), and nothing the handler prints can precede this.
            if self.on_runtime_request is not None:
                output_position = self.on_runtime_request()
            invocation.output_position = output_position
            invocation.deadline_ms = int((invocation.delivered_at + invocation.timeout_s) * 1000)
            self._current = invocation
            self._cond.notify_all()
            return invocation

    def answer(self, request_id: str, outcome: Outcome) -> bool:
        with self._cond:
            current = self._current
            if current is None or current.request_id != request_id:
                return False
            self._finish(current, outcome)
            return True

    def fail_init(self, outcome: Outcome) -> None:
        with self._cond:
            self.init_error = outcome
            for invocation in (self._pending, self._current):
                if invocation is not None:
                    self._finish(invocation, outcome)


class _QuietServer(ThreadingHTTPServer):
    """A runtime that was killed mid-request is expected; don't print its broken pipe."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        return None


def _handler_for(api: RuntimeApi) -> type[BaseHTTPRequestHandler]:
    class RuntimeApiHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            return None

        def do_GET(self) -> None:
            position = api.runtime_request_arrived()
            if self.path != f"{_PREFIX}/invocation/next":
                self._send(404, {"errorMessage": f"unknown path {self.path}", "errorType": "InvalidRequest"})
                return
            invocation = api.next_invocation(position)
            if invocation is None:
                self._send(
                    500, {"errorMessage": "the execution environment is shutting down", "errorType": "Exit"}
                )
                return
            headers = {
                "Lambda-Runtime-Aws-Request-Id": invocation.request_id,
                "Lambda-Runtime-Deadline-Ms": str(invocation.deadline_ms),
                "Lambda-Runtime-Invoked-Function-Arn": invocation.invoked_function_arn,
                "Lambda-Runtime-Trace-Id": invocation.trace_header,
            }
            if invocation.client_context is not None:
                headers["Lambda-Runtime-Client-Context"] = invocation.client_context
            if invocation.cognito_identity is not None:
                headers["Lambda-Runtime-Cognito-Identity"] = invocation.cognito_identity
            self._send_bytes(200, invocation.payload, headers)

        def do_POST(self) -> None:
            body = self._read_body()
            api.runtime_request_arrived()
            parts = self.path[len(_PREFIX) :].strip("/").split("/") if self.path.startswith(_PREFIX) else []
            if parts == ["init", "error"]:
                api.fail_init(
                    Outcome(
                        OutcomeKind.INIT_ERROR, body, self.headers.get("Lambda-Runtime-Function-Error-Type")
                    )
                )
                self._send(202, {"status": "OK"})
                return
            if len(parts) == 3 and parts[0] == "invocation" and parts[2] in ("response", "error"):
                outcome = _outcome(
                    OutcomeKind(parts[2]), body, self.headers.get("Lambda-Runtime-Function-Error-Type")
                )
                if api.answer(parts[1], outcome):
                    if outcome.error_type == "Function.ResponseSizeTooLarge":
                        self._send(413, json.loads(outcome.payload))
                    else:
                        self._send(202, {"status": "OK"})
                else:
                    self._send(
                        400,
                        {"errorMessage": f"Invalid request ID {parts[1]}", "errorType": "InvalidRequestID"},
                    )
                return
            self._send(404, {"errorMessage": f"unknown path {self.path}", "errorType": "InvalidRequest"})

        def _read_body(self) -> bytes:
            return read_body(self.rfile, self.headers)

        def _send(self, status: int, body: dict[str, str]) -> None:
            self._send_bytes(status, json.dumps(body).encode(), {})

        def _send_bytes(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    return RuntimeApiHandler


def _outcome(kind: OutcomeKind, body: bytes, error_type: str | None) -> Outcome:
    if kind is OutcomeKind.RESPONSE and len(body) > MAX_SYNC_PAYLOAD:
        message = f"Response payload size ({len(body)} bytes) exceeded maximum allowed payload size ({MAX_SYNC_PAYLOAD} bytes)."
        return Outcome(
            OutcomeKind.ERROR,
            json.dumps({"errorMessage": message, "errorType": "Function.ResponseSizeTooLarge"}).encode(),
            "Function.ResponseSizeTooLarge",
        )
    return Outcome(kind, body, error_type)
