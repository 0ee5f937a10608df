"""Unit tests: trace context, Lambda's platform lines, the Runtime API server, the code store."""

from __future__ import annotations

import hashlib
import http.client
import io
import json
import threading
import zipfile
from pathlib import Path

import pytest

from fogbank.cloud.aws_state.lambda_ import FunctionSpec, LayerSpec
from fogbank.cloud.lambda_.code import CodeStore
from fogbank.cloud.lambda_.errors import LambdaApiError
from fogbank.cloud.lambda_.http_api import _function_in_region
from fogbank.cloud.lambda_.platform_logs import Report, platform_lines
from fogbank.cloud.lambda_.runtime_api import Invocation, Outcome, OutcomeKind, RuntimeApi
from fogbank.cloud.lambda_.tracing import TraceContext
from fogbank.cloud.telemetry.records import LogLine


# -- tracing ------------------------------------------------------------------------------------------------
def test_active_tracing_samples_and_keeps_the_callers_root() -> None:
    # GIVEN an incoming header without a sampling decision
    header = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8"

    # WHEN an Active function is invoked with it
    trace = TraceContext.for_invocation(header, "Active")

    # THEN the root is kept, the function gets its own parent id and is sampled
    assert trace.root == "1-5759e988-bd862e3fe1be46a994272793"
    assert trace.sampled
    assert trace.function_header == f"Root={trace.root};Parent={trace.function_segment_id};Sampled=1"
    assert trace.function_segment_id != trace.service_segment_id


def test_pass_through_follows_the_caller() -> None:
    # WHEN a PassThrough function is invoked without a header, and with Sampled=1
    fresh = TraceContext.for_invocation(None, "PassThrough")
    sampled = TraceContext.for_invocation("Root=1-00000000-000000000000000000000000;Sampled=1", "PassThrough")

    # THEN it is unsampled with a fresh X-Ray root, or sampled as the caller said
    assert not fresh.sampled and fresh.root.startswith("1-") and len(fresh.root) == 35
    assert sampled.sampled


# -- platform lines -----------------------------------------------------------------------------------------
def test_report_line_has_lambdas_fields() -> None:
    # GIVEN a cold-start report
    report = Report(
        "rid", "$LATEST", duration_ms=12.341, memory_size_mb=128, max_memory_used_mb=40, init_duration_ms=99.5
    )

    # WHEN it is rendered as text
    text = report.text()

    # THEN the fields are AWS's, tab-separated, billed duration rounded up
    assert text == (
        "REPORT RequestId: rid\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\t"
        "Max Memory Used: 40 MB\tInit Duration: 99.50 ms\t"
    )


def test_platform_lines_wrap_function_output_and_note_timeouts() -> None:
    # GIVEN a timed-out invocation with one line of output
    report = Report("rid", "3", duration_ms=1000, memory_size_mb=128, max_memory_used_mb=30, status="timeout")

    # WHEN its lines are built
    lines = platform_lines(
        report,
        started_ms=1000,
        ended_ms=2000,
        function_lines=[LogLine(1500, "hi")],
        timeout_s=1.0,
        log_format="Text",
    )

    # THEN START, the output, the timeout notice, END and REPORT come in order
    messages = [line.message for line in lines]
    assert messages[0] == "START RequestId: rid Version: 3"
    assert messages[1] == "hi"
    assert messages[2].endswith("rid Task timed out after 1.00 seconds")
    assert messages[3] == "END RequestId: rid"
    assert messages[4].startswith("REPORT RequestId: rid") and "Status: timeout" in messages[4]


def test_json_platform_lines() -> None:
    # GIVEN a report in JSON log format
    report = Report("rid", "$LATEST", duration_ms=2, memory_size_mb=128, max_memory_used_mb=30)

    # WHEN its lines are built
    lines = platform_lines(
        report, started_ms=1, ended_ms=3, function_lines=[], timeout_s=None, log_format="JSON"
    )

    # THEN they are platform records
    records = [json.loads(line.message) for line in lines]
    assert [r["type"] for r in records] == ["platform.start", "platform.runtimeDone", "platform.report"]
    assert records[2]["record"]["metrics"]["billedDurationMs"] == 2


# -- Runtime API ---------------------------------------------------------------------------------------------
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


# -- code store ----------------------------------------------------------------------------------------------
def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _spec(code: bytes, layers: tuple[LayerSpec, ...] = ()) -> FunctionSpec:
    sha = hashlib.sha256(code).hexdigest()
    return FunctionSpec("f", "arn:f", "$LATEST", "python3.11", "app.handler", "Zip", sha, code, layers=layers)


def test_code_store_unpacks_code_and_layers_once(tmp_path: Path) -> None:
    # GIVEN a function with two layers, the second overriding a file of the first
    layers = (
        LayerSpec("arn:l1", "s1", _zip({"python/a.py": "first", "python/b.py": "b"})),
        LayerSpec("arn:l2", "s2", _zip({"python/a.py": "second"})),
    )
    store = CodeStore(tmp_path)

    # WHEN it is prepared twice
    task_root, opt_dir = store.prepare(_spec(_zip({"app.py": "code"}), layers))
    again = store.prepare(_spec(_zip({"app.py": "code"}), layers))

    # THEN code and layers are unpacked, later layers win, and the second call reuses the directories
    assert (task_root / "app.py").read_text() == "code"
    assert (opt_dir / "python" / "a.py").read_text() == "second"
    assert (opt_dir / "python" / "b.py").read_text() == "b"
    assert again == (task_root, opt_dir)


def test_code_store_rejects_a_bad_zip(tmp_path: Path) -> None:
    # WHEN the code is not a zip
    with pytest.raises(LambdaApiError) as raised:
        CodeStore(tmp_path).prepare(_spec(b"not a zip"))

    # THEN the error names the function and what to do
    assert raised.value.code == "InvalidParameterValueException"
    assert "arn:f" in raised.value.message and "UpdateFunctionCode" in raised.value.message


@pytest.mark.parametrize(
    ("given", "found"),
    [
        ("my-fn", ("my-fn", "eu-west-1")),
        ("my-fn:live", ("my-fn", "eu-west-1")),
        ("arn:aws:lambda:us-east-1:123456789012:function:my-fn", ("my-fn", "us-east-1")),
        ("arn:aws:lambda:us-east-1:123456789012:function:my-fn:3", ("my-fn", "us-east-1")),
    ],
)
def test_function_and_region_from_any_reference(given: str, found: tuple[str, str]) -> None:
    # WHEN a function is referenced by name, qualified name or ARN in a request to eu-west-1
    # THEN its name is found, and its region is the ARN's, else the request's
    assert _function_in_region(given, "eu-west-1") == found
