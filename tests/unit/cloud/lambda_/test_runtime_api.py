"""The Runtime API server: next, response, init error, timeouts and a runtime that exits."""

from __future__ import annotations

import http.client
import threading

from fogbank.cloud.lambda_.runtime_api import Invocation, Outcome, OutcomeKind, RuntimeApi


def _request(api: RuntimeApi, method: str, path: str, body: bytes | None = None) -> http.client.HTTPResponse:
    host, port = api.address.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    connection.request(method, "/2018-06-01/runtime" + path, body=body)
    return connection.getresponse()


def test_runtime_api_delivers_an_event_and_takes_the_response() -> None:
    # GIVEN a Runtime API with one submitted invocation
    api = RuntimeApi()
    try:
        invocation = Invocation(
            "req-1", b'{"a": 1}', "arn:aws:lambda:us-east-1:1:function:f", "Root=1-a;Sampled=0", 3
        )
        api.submit(invocation)

        # WHEN a runtime polls next, then posts a response
        next_response = _request(api, "GET", "/invocation/next")
        event = next_response.read()
        posted = _request(api, "POST", "/invocation/req-1/response", b'"done"')
        wrong = _request(api, "POST", "/invocation/other/response", b'"x"')
        outcome = api.wait(invocation, delivered_within=1, finished_within=1)

        # THEN the event came with Lambda's headers, and the outcome is the response
        assert event == b'{"a": 1}'
        assert next_response.getheader("Lambda-Runtime-Aws-Request-Id") == "req-1"
        assert next_response.getheader("Lambda-Runtime-Trace-Id") == "Root=1-a;Sampled=0"
        assert int(next_response.getheader("Lambda-Runtime-Deadline-Ms") or 0) > 0
        assert posted.status == 202
        assert wrong.status == 400
        assert (outcome.kind, outcome.payload) == (OutcomeKind.RESPONSE, b'"done"')
        assert api.first_poll_at is not None
    finally:
        api.close()


def test_runtime_api_times_out_when_no_answer_comes() -> None:
    # GIVEN an invocation nobody picks up
    api = RuntimeApi()
    try:
        invocation = Invocation("req-2", b"{}", "arn", "Root=1-a;Sampled=0", 0.05)
        api.submit(invocation)

        # WHEN fogbank waits past its deadline
        outcome = api.wait(invocation, delivered_within=0.05, finished_within=0.05)

        # THEN the outcome is a timeout
        assert outcome.kind is OutcomeKind.TIMEOUT
        assert outcome.function_error == "Unhandled"
    finally:
        api.close()


def test_runtime_api_close_releases_a_polling_runtime() -> None:
    # GIVEN a runtime blocked on next
    api = RuntimeApi()
    statuses: list[int] = []
    poller = threading.Thread(target=lambda: statuses.append(_request(api, "GET", "/invocation/next").status))
    poller.start()
    # WHEN the API closes
    while api.first_poll_at is None:
        poller.join(0.01)
    api.close()
    poller.join(5)
    # THEN the poll ends with an error status
    assert statuses == [500]


def test_an_init_error_reported_before_the_first_invocation_is_its_outcome() -> None:
    # GIVEN a runtime that failed its import and reported it before any invocation was queued, then exited
    api = RuntimeApi()
    try:
        response = _request(api, "POST", "/init/error", b'{"errorType": "Runtime.ImportModuleError"}')
        assert response.status == 202
        api.process_exited(Outcome(OutcomeKind.EXIT, b"{}", "Runtime.ExitError"))
        invocation = Invocation("req-3", b"{}", "arn", "Root=1-a;Sampled=0", 5)

        # WHEN the first invocation is queued
        api.submit(invocation)
        outcome = api.wait(invocation, delivered_within=5, finished_within=5)

        # THEN it ends at once with the init error, not with the exit that followed it
        assert outcome.kind is OutcomeKind.INIT_ERROR
    finally:
        api.close()


def test_an_invocation_queued_after_the_runtime_exited_ends_with_the_exit() -> None:
    # GIVEN a runtime process that has ended without reporting anything
    api = RuntimeApi()
    try:
        api.process_exited(Outcome(OutcomeKind.EXIT, b"{}", "Runtime.ExitError"))
        invocation = Invocation("req-4", b"{}", "arn", "Root=1-a;Sampled=0", 5)
        # WHEN an invocation is queued / THEN it ends at once with the exit instead of waiting for a poll
        api.submit(invocation)
        assert api.wait(invocation, delivered_within=5, finished_within=5).kind is OutcomeKind.EXIT
    finally:
        api.close()


def test_the_output_position_is_read_when_the_event_is_delivered() -> None:
    # GIVEN a runtime that asks for its first event before its worker hooks the output pipe (a spare
    # environment does: it starts polling as soon as it is handed its function)
    api = RuntimeApi()
    try:
        received: list[bytes] = []
        poller = threading.Thread(
            target=lambda: received.append(_request(api, "GET", "/invocation/next").read())
        )
        poller.start()
        while api.first_poll_at is None:
            threading.Event().wait(0.001)

        # WHEN the worker then hooks its output (3 lines so far, all init) and an invocation is submitted
        api.on_runtime_request = lambda: 3
        invocation = Invocation("req-p", b"{}", "arn", "Root=1-a;Sampled=0", 3)
        api.submit(invocation)
        poller.join(timeout=5)

        # THEN the invocation knows where its own output starts, so init lines stay before START and the
        # handler's lines after it (without it every line counted as init, and a log's first record was the
        # handler's instead of platform.start)
        assert received == [b"{}"]
        assert invocation.output_position == 3
    finally:
        api.close()
