"""Reading X-Ray traces and their subsegments. X-Ray (AWS) is answered by botocore's Stubber, which also
checks every request against the service model; traces of deployed functions are read for real in
tests/integration/data_fetcher/test_powertools_handlers.py and tests/integration/lambda_/test_lambda_tracing.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from fogbank.data_fetcher.traces import get_traces
from fogbank.errors import FetchTimeoutError

START = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
QUERY = 'service(id(name: "my-fn"))'


@pytest.fixture
def xray() -> Iterator[tuple[Any, Stubber]]:
    client = boto3.client("xray", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield client, stubber


def summaries(*trace_ids: str) -> dict[str, Any]:
    return {"TraceSummaries": [{"Id": trace_id} for trace_id in trace_ids]}


def segment(
    trace_id: str, segment_id: str, name: str, origin: str, subsegments: list[dict[str, Any]]
) -> dict[str, Any]:
    document = {"id": segment_id, "name": name, "start_time": 1.0, "end_time": 2.0, "trace_id": trace_id,
                "origin": origin, "subsegments": subsegments}  # fmt: skip
    return {"Id": segment_id, "Document": json.dumps(document)}


def sub(name: str, children: list[dict[str, Any]] | None = None, **fields: Any) -> dict[str, Any]:
    return {"id": name.replace(" ", "_"), "name": name, "start_time": 1.1, "end_time": 1.9,
            "subsegments": children or [], **fields}  # fmt: skip


def test_the_functions_subsegments_annotations_and_metadata_are_read(xray) -> None:
    # GIVEN one trace with Lambda's service segment and the function's segment, whose Invocation subsegment
    # holds the handler's subsegment with an annotation and metadata
    client, stubber = xray
    stubber.add_response("get_trace_summaries", summaries("1-abc"), {"StartTime": START, "EndTime": ANY,
        "TimeRangeType": "Event", "Sampling": False, "FilterExpression": QUERY})  # fmt: skip
    handler = sub(
        "## index.handler", annotations={"ColdStart": True}, metadata={"orders": {"cart": {"n": 2}}}
    )
    function = segment("1-abc", "f1", "my-fn", "AWS::Lambda::Function",
                       [sub("Initialization"), sub("Invocation", [handler]), sub("Overhead")])  # fmt: skip
    service = segment("1-abc", "s1", "my-fn", "AWS::Lambda", [])
    stubber.add_response("batch_get_traces", {"Traces": [{"Id": "1-abc", "Segments": [service, function]}]},
                         {"TraceIds": ["1-abc"]})  # fmt: skip
    # WHEN fetched
    trace = get_traces(QUERY, START, xray_client=client, timeout=5)
    # THEN only the function's segment is kept, Lambda's own subsegments are left out but not their children
    assert list(trace.trace_documents) == ["f1"]
    assert [seg.name for seg in trace.subsegments] == ["## index.handler"]
    assert trace.get_annotation("ColdStart", True) == [{"ColdStart": True}]
    assert trace.get_annotation("ColdStart", False) == [] and trace.get_annotation("ColdStart") == [
        {"ColdStart": True}
    ]
    assert trace.get_metadata("cart", namespace="orders") == [{"cart": {"n": 2}}]
    assert len(trace.get_subsegment("## index.handler")) == 1


def test_traces_are_read_five_at_a_time_following_next_tokens(xray) -> None:
    # GIVEN six matching traces (BatchGetTraces takes at most five ids), the first batch on two pages
    client, stubber = xray
    ids = [f"1-{n}" for n in range(6)]
    stubber.add_response("get_trace_summaries", summaries(*ids))

    def answer(trace_id: str) -> dict[str, Any]:
        return {
            "Id": trace_id,
            "Segments": [segment(trace_id, f"seg{trace_id}", "my-fn", "AWS::Lambda::Function", [])],
        }

    stubber.add_response(
        "batch_get_traces", {"Traces": [answer(i) for i in ids[:3]], "NextToken": "p2"}, {"TraceIds": ids[:5]}
    )
    stubber.add_response(
        "batch_get_traces",
        {"Traces": [answer(i) for i in ids[3:5]]},
        {"TraceIds": ids[:5], "NextToken": "p2"},
    )
    stubber.add_response("batch_get_traces", {"Traces": [answer(ids[5])]}, {"TraceIds": ids[5:]})
    # WHEN fetched THEN every trace's segment is there
    trace = get_traces(QUERY, START, xray_client=client, minimum_traces=6, timeout=5)
    assert sorted(trace.trace_documents) == sorted(f"seg{i}" for i in ids)
    stubber.assert_no_pending_responses()


def test_segments_can_be_chosen_by_resource_name_and_too_few_traces_time_out(xray) -> None:
    # GIVEN a trace holding only an SQS segment
    client, stubber = xray
    stubber.add_response("get_trace_summaries", summaries("1-q"))
    stubber.add_response("batch_get_traces", {"Traces": [{"Id": "1-q", "Segments": [
        segment("1-q", "q1", "orders-queue", "AWS::SQS::Queue", [sub("QueueTime")])]}]})  # fmt: skip
    # WHEN fetched by the queue's name THEN its segment is kept
    trace = get_traces(QUERY, START, xray_client=client, resource_name="orders-queue", timeout=5)
    assert list(trace.trace_documents) == ["q1"] and trace.get_subsegment("QueueTime")
    # AND when two traces are wanted but one keeps matching, the timeout says how many were seen
    for _ in range(200):
        stubber.add_response("get_trace_summaries", summaries("1-q"))
    with pytest.raises(FetchTimeoutError, match=r"1 trace\(s\) of 2 wanted"):
        get_traces(QUERY, START, xray_client=client, minimum_traces=2, timeout=0.3)
