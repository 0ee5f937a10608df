"""Logs, EMF metrics and X-Ray traces on a LocalCloud, read through boto3 and the data_fetcher helpers."""

from __future__ import annotations

import json
import socket
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from fogbank.cloud import LocalCloud
from fogbank.cloud.telemetry.records import InvocationRecord, LogLine
from fogbank.data_fetcher import get_logs, get_metrics, get_traces
from fogbank.errors import FetchTimeoutError


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    with LocalCloud() as running:
        yield running


def now_ms() -> int:
    return int(time.time() * 1000)


def emf_line(namespace: str, value: Any, **dims: str) -> str:
    return json.dumps(
        {
            "_aws": {
                "Timestamp": now_ms(),
                "CloudWatchMetrics": [
                    {
                        "Namespace": namespace,
                        "Dimensions": [sorted(dims)],
                        "Metrics": [{"Name": "Hits", "Unit": "Count"}],
                    }
                ],
            },
            "Hits": value,
            **dims,
        }
    )


def test_filter_log_events_with_patterns_time_window_and_pages(cloud: LocalCloud) -> None:
    # GIVEN Lambda-style lines written through put_log_lines into two streams
    group, start = f"/aws/lambda/fn-{uuid.uuid4().hex[:8]}", now_ms()
    lines = [
        json.dumps({"level": "INFO", "service": "payment", "n": i, "cold_start": i == 0}) for i in range(5)
    ]
    cloud.context.telemetry.put_log_lines(
        group, "2024/01/01/[$LATEST]a", [LogLine(start + i, m) for i, m in enumerate(lines)]
    )
    cloud.context.telemetry.put_log_lines(
        group, "2024/01/01/[$LATEST]b", [LogLine(start + 10, "ERROR boom"), LogLine(start + 11, "WARN hmm")]
    )
    logs = cloud.client("logs")

    def messages(**kwargs: Any) -> list[str]:
        return [e["message"] for e in logs.filter_log_events(logGroupName=group, **kwargs)["events"]]

    # WHEN / THEN JSON, text, alternative and exclusion patterns select exactly the matching events
    assert len(messages(filterPattern='{ $.service = "payment" && $.n >= 3 }')) == 2
    assert len(messages(filterPattern="{ $.cold_start IS TRUE }")) == 1
    assert messages(filterPattern='{ $.service = "billing" }') == []
    assert messages(filterPattern="?ERROR ?WARN") == ["ERROR boom", "WARN hmm"]
    assert messages(filterPattern="ERROR -boom") == []
    assert messages(filterPattern="[level, word]") == ["ERROR boom", "WARN hmm"]
    # AND the time window (ms, inclusive) and stream selection apply
    assert len(messages(startTime=start + 3, endTime=start + 10)) == 3
    assert messages(logStreamNamePrefix="2024/01/01/[$LATEST]b") == ["ERROR boom", "WARN hmm"]
    # AND pages of one event each cover every event once
    pages = logs.get_paginator("filter_log_events").paginate(
        logGroupName=group, PaginationConfig={"PageSize": 2}
    )
    assert sum(len(p["events"]) for p in pages) == 7


def test_bad_filter_pattern_is_an_invalid_parameter(cloud: LocalCloud) -> None:
    # GIVEN a log group with an event
    group = f"/aws/lambda/fn-{uuid.uuid4().hex[:8]}"
    cloud.context.telemetry.put_log_lines(group, "s", [LogLine(now_ms(), "x")])
    # WHEN a pattern that does not parse is used
    with pytest.raises(ClientError) as raised:
        cloud.client("logs").filter_log_events(logGroupName=group, filterPattern="{ $.a = ")
    # THEN it is InvalidParameterException naming the pattern
    assert raised.value.response["Error"]["Code"] == "InvalidParameterException"
    assert "{ $.a = " in raised.value.response["Error"]["Message"]


def test_emf_lines_become_metrics_and_malformed_ones_do_not(cloud: LocalCloud) -> None:
    # GIVEN three EMF lines and one malformed EMF line written as a function's output
    namespace, start = f"NS{uuid.uuid4().hex[:6]}", datetime.now(UTC) - timedelta(minutes=1)
    group = "/aws/lambda/emf"
    lines = [emf_line(namespace, v, service="orders") for v in (1, 2, [3, 4])]
    broken = emf_line(namespace, "lots", service="broken")
    cloud.context.telemetry.put_log_lines(group, "s", [LogLine(now_ms(), m) for m in [*lines, broken]])
    cw = cloud.client("cloudwatch")
    dims = [{"Name": "service", "Value": "orders"}]
    # WHEN the metric is read back through the fetcher and GetMetricStatistics
    summed = get_metrics(namespace, start, "Hits", dimensions=dims, cw_client=cw, timeout=5)
    maximum = get_metrics(namespace, start, "Hits", dimensions=dims, cw_client=cw, stat="Maximum", timeout=5)
    stats = cw.get_metric_statistics(
        Namespace=namespace,
        MetricName="Hits",
        Dimensions=dims,
        StartTime=start,
        EndTime=start + timedelta(minutes=5),
        Period=300,
        Statistics=["SampleCount", "Average"],
        ExtendedStatistics=["p50"],
    )["Datapoints"]
    # THEN the values are summed across lines and arrays, and the malformed line made no metric
    assert summed == [10.0] and maximum == [4.0]
    assert (
        stats[0]["SampleCount"] == 4.0
        and stats[0]["Average"] == 2.5
        and stats[0]["ExtendedStatistics"]["p50"] == 2.0
    )
    listed = cw.list_metrics(Namespace=namespace)["Metrics"]
    assert [m["Dimensions"] for m in listed] == [dims]
    # AND the malformed line is still a log line
    events = cloud.client("logs").filter_log_events(logGroupName=group, filterPattern="lots")["events"]
    assert len(events) == 1


def test_put_metric_data_and_get_metric_data_return_data(cloud: LocalCloud) -> None:
    # GIVEN datums put with PutMetricData (one with Values/Counts)
    cw, start = cloud.client("cloudwatch"), datetime.now(UTC) - timedelta(minutes=1)
    cw.put_metric_data(
        Namespace="Put",
        MetricData=[
            {"MetricName": "Latency", "Value": 10, "Unit": "Milliseconds"},
            {"MetricName": "Latency", "Values": [20, 30], "Counts": [1, 2], "Unit": "Milliseconds"},
        ],
    )
    # WHEN queried with several statistics, one of them not returned
    queries = [
        {
            "Id": f"q{i}",
            "MetricStat": {"Metric": {"Namespace": "Put", "MetricName": "Latency"}, "Period": 60, "Stat": s},
            "ReturnData": s != "Minimum",
        }
        for i, s in enumerate(["Sum", "SampleCount", "Minimum", "p99"])
    ]
    results = cw.get_metric_data(
        MetricDataQueries=queries, StartTime=start, EndTime=start + timedelta(minutes=3)
    )
    # THEN each returned query has its statistic and ReturnData=False is left out
    values = {r["Id"]: r["Values"] for r in results["MetricDataResults"]}
    assert values == {"q0": [90.0], "q1": [4.0], "q3": [30.0]}


def test_metrics_fetcher_times_out_saying_what_it_awaited(cloud: LocalCloud) -> None:
    # GIVEN no data for a metric
    # WHEN it is awaited with a short deadline
    with pytest.raises(FetchTimeoutError, match="metric Nothing/Here"):
        get_metrics("Nothing", datetime.now(UTC), "Here", cw_client=cloud.client("cloudwatch"), timeout=0.3)


def _send(address: str, document: dict[str, Any]) -> None:
    host, port = address.rsplit(":", 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.sendto(b'{"format": "json", "version": 1}\n' + json.dumps(document).encode(), (host, int(port)))


def test_sdk_segments_over_udp_hang_under_lambda_segments_and_filter(cloud: LocalCloud) -> None:
    # GIVEN an Active invocation record and the SDK's handler subsegment sent to the daemon address
    telemetry, now = cloud.context.telemetry, time.time()
    name = f"fn-{uuid.uuid4().hex[:8]}"
    trace_id = f"1-{int(now):08x}-{uuid.uuid4().hex[:24]}"
    function_segment = uuid.uuid4().hex[:16]
    record = InvocationRecord(
        trace_id,
        uuid.uuid4().hex[:16],
        function_segment,
        name,
        f"arn:aws:lambda:us-east-1:123456789012:function:{name}",
        "us-east-1",
        "req-1",
        "Active",
        now - 0.5,
        now,
        now - 0.3,
        now - 0.05,
        now - 0.45,
        now - 0.31,
        cold_start=True,
    )
    telemetry.record_invocation(record)
    _send(
        telemetry.xray_daemon_address,
        {
            "id": uuid.uuid4().hex[:16],
            "type": "subsegment",
            "parent_id": function_segment,
            "trace_id": trace_id,
            "name": "## handler",
            "start_time": now - 0.29,
            "end_time": now - 0.06,
            "annotations": {"ColdStart": True, "tenant": "acme"},
            "metadata": {name: {"handler response": {"ok": 1}}},
        },
    )
    start = datetime.now(UTC) - timedelta(minutes=1)
    # WHEN traces are fetched with a matching filter expression
    trace = get_traces(
        f'service(id(name: "{name}")) AND annotation.tenant = "acme"',
        start,
        xray_client=cloud.client("xray"),
        resource_name=name,
        timeout=5,
    )
    # THEN the SDK subsegment is found (Lambda's own subsegments excluded), with annotation and metadata
    assert [s.name for s in trace.subsegments] == ["## handler"]
    assert len(trace.get_annotation("ColdStart", True)) == 1
    assert trace.get_metadata("handler response", namespace=name) == [{"handler response": {"ok": 1}}]
    # AND Lambda's own subsegments are there, Initialization included on a cold start
    documents = list(trace.trace_documents.values())
    function = next(d for d in documents if d.origin == "AWS::Lambda::Function")
    assert sorted(s.name for s in function.subsegments or []) == [
        "## handler",
        "Initialization",
        "Invocation",
        "Overhead",
    ]
    # AND a non-matching expression finds nothing, a bad one is InvalidRequestException naming it
    xray = cloud.client("xray")
    window = {"StartTime": start, "EndTime": start + timedelta(minutes=5)}
    assert (
        xray.get_trace_summaries(FilterExpression=f'service("{name}") AND error', **window)["TraceSummaries"]
        == []
    )
    with pytest.raises(ClientError) as raised:
        xray.get_trace_summaries(FilterExpression="annotation.tenant = ", **window)
    assert raised.value.response["Error"]["Code"] == "InvalidRequestException"
    assert "annotation.tenant = " in raised.value.response["Error"]["Message"]


def test_passthrough_emits_no_function_segments(cloud: LocalCloud) -> None:
    # GIVEN a PassThrough invocation record
    now, trace_id = time.time(), f"1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]}"
    record = InvocationRecord(
        trace_id, "a" * 16, "b" * 16, "pt", "arn", "us-east-1", "r", "PassThrough", now, now, now, now
    )
    # WHEN it is recorded
    cloud.context.telemetry.record_invocation(record)
    # THEN no trace exists for it
    result = cloud.client("xray").batch_get_traces(TraceIds=[trace_id])
    assert result["Traces"] == [] and result["UnprocessedTraceIds"] == [trace_id]


def test_put_trace_segments_and_pagination(cloud: LocalCloud) -> None:
    # GIVEN 7 traces put with PutTraceSegments
    xray, now, service = cloud.client("xray"), time.time(), f"svc-{uuid.uuid4().hex[:6]}"
    ids = [f"1-{int(now):08x}-{uuid.uuid4().hex[:24]}" for _ in range(7)]
    documents = [
        json.dumps(
            {
                "id": uuid.uuid4().hex[:16],
                "trace_id": t,
                "name": service,
                "start_time": now,
                "end_time": now + 0.1,
            }
        )
        for t in ids
    ]
    assert xray.put_trace_segments(TraceSegmentDocuments=documents)["UnprocessedTraceSegments"] == []
    # WHEN summaries are paginated and fetched with the TraceFetcher (BatchGetTraces in chunks of 5)
    from fogbank.cloud.telemetry import xray_api

    original, xray_api.SUMMARY_PAGE_SIZE = xray_api.SUMMARY_PAGE_SIZE, 3
    try:
        start = datetime.now(UTC) - timedelta(minutes=1)
        pages = list(
            xray.get_paginator("get_trace_summaries").paginate(
                StartTime=start,
                EndTime=start + timedelta(minutes=5),
                FilterExpression=f'service("{service}")',
            )
        )
        fetched = get_traces(
            f'service("{service}")',
            start,
            xray_client=xray,
            minimum_traces=7,
            resource_name=service,
            timeout=5,
        )
    finally:
        xray_api.SUMMARY_PAGE_SIZE = original
    # THEN every trace is seen once across pages, and every document is fetched
    assert [len(p["TraceSummaries"]) for p in pages] == [3, 3, 1]
    assert {d.trace_id for d in fetched.trace_documents.values()} == set(ids)
    # AND BatchGetTraces refuses more than 5 ids, as AWS does
    with pytest.raises(ClientError):
        xray.batch_get_traces(TraceIds=ids)


def test_logs_fetcher_parses_logger_lines_and_skips_others(cloud: LocalCloud) -> None:
    # GIVEN Logger JSON lines among Lambda's plain lines
    name, start = f"fn-{uuid.uuid4().hex[:8]}", datetime.now(UTC)
    logger_line = {"level": "INFO", "location": "h:1", "message": "hi", "timestamp": "t", "service": "svc"}
    lines = [
        "START RequestId: 1",
        json.dumps({**logger_line, "cold_start": True, "order": 1}),
        json.dumps({**logger_line, "cold_start": False}),
        "END RequestId: 1",
    ]
    cloud.context.telemetry.put_log_lines(f"/aws/lambda/{name}", "s", [LogLine(now_ms(), m) for m in lines])
    # WHEN fetched from the invocation's start time
    logs = get_logs(name, start, minimum_log_entries=2, log_client=cloud.client("logs"), timeout=5)
    # THEN only the Logger lines are there, with their keys
    assert len(logs) == 2 and len(logs.get_cold_start_log()) == 1
    assert len(logs.get_log("order", 1)) == 1 and logs.have_keys("level", "service")
    # AND a later start time (ms) sees nothing, so the fetcher times out saying what it saw
    with pytest.raises(FetchTimeoutError, match="0 structured line"):
        get_logs(name, datetime.now(UTC) + timedelta(seconds=5), log_client=cloud.client("logs"), timeout=0.3)
