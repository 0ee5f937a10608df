"""X-Ray's trace operations as fogbank answers them: segments in, summaries filtered and paged, traces out.

boto3's requests are handed to the handler in this process; segments are kept in moto's X-Ray state.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from fogbank.cloud.router import AwsRequest
from fogbank.cloud.telemetry.xray_api import XRayApi, summarize
from fogbank.cloud.telemetry.xray_traces import assemble

from ..conftest import Clients, in_process_client

NOW = time.time()


def _xray() -> Any:
    return in_process_client("xray", "xray", XRayApi())


def _trace(trace_id: str, *, error: bool = False, tenant: str = "acme", start: float = NOW) -> list[str]:
    service = {
        "id": f"{trace_id[-8:]}00000001",
        "trace_id": trace_id,
        "name": "orders",
        "origin": "AWS::Lambda",
        "start_time": start,
        "end_time": start + 0.5,
        "resource_arn": "arn:aws:lambda:us-east-1:123456789012:function:orders",
        "http": {
            "request": {"method": "POST", "url": "https://x/orders"},
            "response": {"status": 502 if error else 200},
        },
        "error": error,
    }
    handler = {
        "id": f"{trace_id[-8:]}00000002",
        "type": "subsegment",
        "parent_id": service["id"],
        "trace_id": trace_id,
        "name": "## handler",
        "start_time": start + 0.1,
        "end_time": start + 0.3,
        "annotations": {"tenant": tenant, "items": 3, "cold": True},
    }
    return [json.dumps(service), json.dumps(handler)]


OK_ID = f"1-{int(NOW):08x}-{'a' * 24}"
FAILED_ID = f"1-{int(NOW):08x}-{'b' * 24}"


@pytest.fixture
def xray(aws: Clients) -> Any:
    client = _xray()
    answer = client.put_trace_segments(
        TraceSegmentDocuments=_trace(OK_ID) + _trace(FAILED_ID, error=True, tenant="other")
    )
    assert answer["UnprocessedTraceSegments"] == []
    return client


def test_summaries_are_filtered_by_expression_and_time(xray: Any) -> None:
    # WHEN summaries are asked for all traces, and for those with an error
    window = {"StartTime": NOW - 60, "EndTime": NOW + 60}
    everything = xray.get_trace_summaries(**window)
    failed = xray.get_trace_summaries(**window, FilterExpression='error AND annotation.tenant = "other"')
    later = xray.get_trace_summaries(StartTime=NOW + 30, EndTime=NOW + 60)

    # THEN boto3 reads both traces, and the expression keeps the failed one only; a later window has none
    assert sorted(s["Id"] for s in everything["TraceSummaries"]) == [OK_ID, FAILED_ID]
    assert [s["Id"] for s in failed["TraceSummaries"]] == [FAILED_ID]
    assert later["TraceSummaries"] == [] and everything["TracesProcessedCount"] == 2


def test_batch_get_traces_nests_subsegments_and_names_the_missing(xray: Any) -> None:
    # WHEN two traces, one unknown, are fetched
    ghost = f"1-{int(NOW):08x}-{'c' * 24}"
    answer = xray.batch_get_traces(TraceIds=[OK_ID, ghost])
    # THEN the known one holds its segment with the handler subsegment nested, the other is unprocessed
    (trace,) = answer["Traces"]
    documents = [json.loads(s["Document"]) for s in trace["Segments"]]
    assert [d["name"] for d in documents[0]["subsegments"]] == ["## handler"]
    assert trace["Duration"] == 0.5 and answer["UnprocessedTraceIds"] == [ghost]


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda x: x.get_trace_summaries(StartTime=NOW, EndTime=NOW - 1), "StartTime must be before EndTime"),
        (
            lambda x: x.get_trace_summaries(
                StartTime=NOW - 1, EndTime=NOW, FilterExpression="annotation.x ~~ 1"
            ),
            "annotation.x ~~ 1",
        ),
        (
            lambda x: x.get_trace_summaries(StartTime=NOW - 1, EndTime=NOW, NextToken="garbage"),
            "NextToken 'garbage' is not valid",
        ),
        (lambda x: x.batch_get_traces(TraceIds=[OK_ID] * 6), "at most 5 ids, got 6"),
    ],
)
def test_bad_requests_are_invalid_request_exceptions(xray: Any, call: Any, words: str) -> None:
    # WHEN X-Ray would refuse a request THEN boto3 raises InvalidRequestException saying why
    with pytest.raises(xray.exceptions.InvalidRequestException) as raised:
        call(xray)
    assert words in raised.value.response["Error"]["Message"]


def test_a_summary_has_xrays_fields() -> None:
    # GIVEN an assembled failed trace
    summary = summarize(assemble(FAILED_ID, _trace(FAILED_ID, error=True)))
    # THEN its fields are those of a TraceSummary: flags, HTTP, annotations typed, services and ARNs
    assert (summary["HasError"], summary["HasFault"], summary["Duration"], summary["ResponseTime"]) == (
        True,
        False,
        0.5,
        0.5,
    )
    assert summary["Http"] == {"HttpURL": "https://x/orders", "HttpStatus": 502, "HttpMethod": "POST"}
    assert summary["Annotations"]["items"][0]["AnnotationValue"] == {"NumberValue": 3}
    assert summary["Annotations"]["cold"][0]["AnnotationValue"] == {"BooleanValue": True}
    assert summary["Annotations"]["tenant"][0]["AnnotationValue"] == {"StringValue": "acme"}
    assert summary["ServiceIds"] == [{"Name": "orders", "Names": ["orders"], "Type": "AWS::Lambda"}]
    assert summary["EntryPoint"] == summary["ServiceIds"][0]
    assert summary["ResourceARNs"] == [{"ARN": "arn:aws:lambda:us-east-1:123456789012:function:orders"}]


def test_other_paths_are_left_to_moto(aws: Clients) -> None:
    # WHEN a path fogbank does not answer arrives (GetSamplingRules) THEN the handler passes it on
    request = AwsRequest.build("POST", "/GetSamplingRules", {}, b"{}", service="xray")
    assert XRayApi()(request) is None
