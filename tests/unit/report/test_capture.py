"""What the test sent, recorded on the client side for the run report: Lambda Invoke calls through boto3's
default session, and front-door requests. Lambda's Invoke is answered by a loopback HTTP server speaking its
wire format (botocore's Stubber would answer before the capture's before-call hook runs), so boto3 sends a
real request and the capture's hooks run as they do in a test run."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import pytest

from fogbank.report import capture


@pytest.fixture
def recording() -> Iterator[None]:
    capture.enable()
    try:
        yield
    finally:
        capture.disable()  # unhooks boto3's default session and forgets the records


class _Invoke(BaseHTTPRequestHandler):
    """POST /2015-03-31/functions/{name}/invocations, answered as Lambda answers a function error."""

    paths: list[str] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        type(self).paths.append(self.path)
        body = b'{"errorMessage": "boom"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Amz-Function-Error", "Unhandled")
        self.send_header("x-amzn-RequestId", "req-1")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture
def lambda_endpoint() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Invoke)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def lambda_client(endpoint: str | None = None):  # type: ignore[no-untyped-def]
    # created after enable(): clients copy the default session's hooks when they are made
    return boto3.client("lambda", region_name="us-east-1", endpoint_url=endpoint, aws_access_key_id="x",
                        aws_secret_access_key="x")  # fmt: skip


def test_an_invoke_is_recorded_and_the_test_still_reads_its_payload(
    recording: None, lambda_endpoint: str
) -> None:
    # GIVEN recording on, and a function that answers with an error payload
    client = lambda_client(lambda_endpoint)
    before = datetime.now(UTC)
    # WHEN the test invokes it by name and alias (the ":" is quoted in the URL)
    response = client.invoke(FunctionName="my-fn:live", Payload=json.dumps({"order": 1}))
    # THEN the test reads the payload as if nothing had read it before
    assert json.loads(response["Payload"].read()) == {"errorMessage": "boom"}
    assert _Invoke.paths[-1] == "/2015-03-31/functions/my-fn%3Alive/invocations"
    # AND the record holds function, request id, payload, response and error, inside the test's window
    (record,) = capture.invokes_between(before, datetime.now(UTC))
    assert (record.function, record.request_id, record.function_error) == ("my-fn:live", "req-1", "Unhandled")
    assert json.loads(record.payload) == {"order": 1} and record.response == '{"errorMessage": "boom"}'
    assert capture.invokes_between(before - timedelta(hours=1), before - timedelta(seconds=1)) == []


def test_front_door_requests_are_recorded_only_while_recording() -> None:
    # GIVEN a request recorded before recording starts, and one while it runs
    now = datetime.now(UTC)
    capture.record_http_request("GET", "http://127.0.0.1:1/a", 200, now, 0.01, None)
    capture.enable()
    try:
        capture.record_http_request(
            "POST", "http://127.0.0.1:1/b", None, now, 0.02, "ConnectionError: refused"
        )
        # WHEN read back THEN only the second is there, with its error
        (request,) = capture.http_requests_between(now, now)
        assert (request.method, request.url, request.status, request.error) == (
            "POST", "http://127.0.0.1:1/b", None, "ConnectionError: refused")  # fmt: skip
    finally:
        capture.disable()
    # AND disabling forgets it
    assert capture.http_requests_between(now, now) == []


def test_nothing_is_recorded_from_boto3_when_recording_is_off(lambda_endpoint: str) -> None:
    # GIVEN recording switched on and off again
    capture.enable()
    capture.disable()
    # WHEN a function is invoked through a new client THEN it answers, and nothing is kept
    lambda_client(lambda_endpoint).invoke(FunctionName="my-fn")
    assert capture.invokes_between(datetime.min.replace(tzinfo=UTC), datetime.now(UTC)) == []
