"""TelemetryComponent: what functions leave behind lands in Logs, metrics and traces (moto's in-process state)."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest

from fogbank.cloud.aws_state.cloudwatch import stored_datums
from fogbank.cloud.aws_state.logs import stored_events
from fogbank.cloud.aws_state.xray import segment_documents
from fogbank.cloud.router import AwsRequest, AwsRouter
from fogbank.cloud.site import CloudSite
from fogbank.cloud.telemetry.component import TelemetryComponent
from fogbank.cloud.telemetry.records import InvocationRecord, LogLine
from fogbank.errors import CloudError

from ..conftest import Clients

TRACE = "1-5f84c7a0-aaaaaaaaaaaaaaaaaaaaaaaa"


def _component(tmp_path: Path) -> tuple[TelemetryComponent, AwsRouter]:
    router = AwsRouter(lambda environ, start_response: [])
    return TelemetryComponent(CloudSite("http://127.0.0.1:9", tmp_path, region="eu-west-1"), router), router


def test_log_lines_are_stored_and_their_emf_becomes_metrics(tmp_path: Path, aws: Clients) -> None:
    # GIVEN a function's START line and an EMF line
    telemetry, _ = _component(tmp_path)
    now = int(time.time() * 1000)
    emf = {
        "_aws": {
            "Timestamp": now,
            "CloudWatchMetrics": [
                {"Namespace": "Shop", "Dimensions": [["svc"]], "Metrics": [{"Name": "Orders"}]}
            ],
        },
        "svc": "api",
        "Orders": 2,
    }
    # WHEN they are put (in the cloud's region by default)
    telemetry.put_log_lines(
        "/aws/lambda/fn", "s", [LogLine(now, "START RequestId: r"), LogLine(now + 1, json.dumps(emf))]
    )
    # THEN both lines are in the log group, and the EMF line is a datum of Shop/Orders
    assert [e.message[:5] for e in stored_events("eu-west-1", "/aws/lambda/fn")] == ["START", '{"_aw']
    assert [(d.namespace, d.name, d.dimensions, d.values) for d in stored_datums("eu-west-1")] == [
        ("Shop", "Orders", (("svc", "api"),), (2.0,))
    ]


def test_an_active_invocation_leaves_lambdas_segments(tmp_path: Path, aws: Clients) -> None:
    # GIVEN an Active invocation in us-east-1 (another region than the cloud's)
    telemetry, _ = _component(tmp_path)
    record = InvocationRecord(
        TRACE,
        "1111111111111111",
        "2222222222222222",
        "fn",
        "arn:aws:lambda:us-east-1:123456789012:function:fn",
        "us-east-1",
        "req",
        "Active",
        10.0,
        10.5,
        10.1,
        10.4,
    )
    # WHEN it is recorded THEN Lambda's two segments are stored in the invocation's region
    telemetry.record_invocation(record)
    assert len(segment_documents("us-east-1")[TRACE]) == 2 and segment_documents("eu-west-1") == {}


def test_start_serves_the_apis_and_the_daemon_until_stop(tmp_path: Path, aws: Clients) -> None:
    # GIVEN a component that is not started: it has no daemon address yet
    telemetry, router = _component(tmp_path)
    with pytest.raises(CloudError, match="not started"):
        _ = telemetry.xray_daemon_address
    telemetry.start()
    try:
        # WHEN the SDK sends a segment to the daemon
        host, port = telemetry.xray_daemon_address.split(":")
        document = {
            "id": "3333333333333333",
            "trace_id": TRACE,
            "name": "fn",
            "start_time": 1.0,
            "end_time": 2.0,
        }
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sdk:
            sdk.sendto(
                b'{"format": "json", "version": 1}\n' + json.dumps(document).encode(), (host, int(port))
            )
        deadline = time.monotonic() + 5
        while TRACE not in segment_documents("eu-west-1") and time.monotonic() < deadline:
            time.sleep(0.01)
        # THEN it is stored, and the router answers X-Ray's and Logs' fogbank operations
        assert TRACE in segment_documents("eu-west-1")
        traces = router.dispatch(
            AwsRequest.build(
                "POST",
                "/Traces",
                {},
                json.dumps({"TraceIds": [TRACE]}).encode(),
                service="xray",
                region="eu-west-1",
            )
        )
        assert traces is not None and json.loads(traces.body)["Traces"][0]["Id"] == TRACE
        target = {"X-Amz-Target": "Logs_20140328.FilterLogEvents"}
        logs = router.dispatch(
            AwsRequest.build("POST", "/", target, b'{"logGroupName": "/none"}', service="logs")
        )
        assert logs is not None and json.loads(logs.body)["__type"] == "ResourceNotFoundException"
    finally:
        telemetry.stop()
    # AND after stop there is no daemon; stopping again is harmless
    with pytest.raises(CloudError):
        _ = telemetry.xray_daemon_address
    telemetry.stop()
