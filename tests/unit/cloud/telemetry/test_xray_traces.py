"""Traces assembled from stored segment documents: subsegments nested, duplicates resolved, roots found."""

from __future__ import annotations

import json
from typing import Any

from fogbank.cloud.telemetry.xray_traces import Trace, assemble


def _trace(*documents: dict[str, Any], raw: tuple[str, ...] = ()) -> Trace:
    return assemble("1-a-b", [json.dumps(d) for d in documents] + list(raw))


SERVICE = {
    "id": "s1",
    "name": "orders",
    "origin": "AWS::Lambda",
    "start_time": 10.0,
    "end_time": 10.5,
    "http": {"response": {"status": 200}},
}
FUNCTION = {
    "id": "f1",
    "parent_id": "s1",
    "name": "orders",
    "origin": "AWS::Lambda::Function",
    "start_time": 10.1,
    "end_time": 10.4,
}
HANDLER = {
    "id": "h1",
    "type": "subsegment",
    "parent_id": "f1",
    "trace_id": "1-a-b",
    "name": "## handler",
    "start_time": 10.15,
    "end_time": 10.3,
    "annotations": {"tenant": "acme"},
}


def test_subsegments_nest_under_their_parent() -> None:
    # GIVEN a trace whose SDK subsegment was sent on its own
    trace = _trace(SERVICE, FUNCTION, HANDLER)
    # THEN it hangs under the function segment, without the fields only a standalone document has
    function = next(s for s in trace.segments if s.get("origin") == "AWS::Lambda::Function")
    assert [s["name"] for s in function["subsegments"]] == ["## handler"]
    assert "parent_id" not in function["subsegments"][0] and "type" not in function["subsegments"][0]


def test_a_subsegment_of_a_subsegment_nests_once_its_parent_is_placed() -> None:
    # GIVEN a nested SDK call whose document arrived before its parent subsegment's
    call = {
        **HANDLER,
        "id": "c1",
        "parent_id": "h1",
        "name": "DynamoDB",
        "start_time": 10.2,
        "annotations": {},
    }
    trace = _trace(SERVICE, FUNCTION, call, HANDLER)
    # WHEN assembled THEN it sits under the handler subsegment, and every node is reachable
    function = next(s for s in trace.segments if s["id"] == "f1")
    assert function["subsegments"][0]["subsegments"][0]["name"] == "DynamoDB"
    assert [n["id"] for n in trace.nodes()] == ["s1", "f1", "h1", "c1"]
    assert trace.annotations() == {"tenant": ["acme"]}


def test_an_orphan_subsegment_stays_visible_and_broken_documents_are_left_out() -> None:
    # GIVEN a subsegment whose parent never arrived, a document that is not JSON and one without id
    orphan = {**HANDLER, "parent_id": "missing"}
    trace = _trace(SERVICE, orphan, {"name": "no id"}, raw=("{not json",))
    # THEN the orphan is kept as a top-level document, and the broken ones are not there
    assert [s["id"] for s in trace.segments] == ["s1", "h1"]


def test_an_in_progress_segment_is_replaced_by_its_completed_document() -> None:
    # GIVEN the same segment sent in progress (no end_time), then completed, then in progress again
    in_progress = {k: v for k, v in SERVICE.items() if k != "end_time"} | {"in_progress": True}
    trace = _trace(in_progress, SERVICE, in_progress)
    # THEN the completed document wins
    assert trace.segments == [SERVICE]


def test_root_times_flags_and_services() -> None:
    # GIVEN a trace whose handler failed
    trace = _trace(FUNCTION, SERVICE, {**HANDLER, "error": True})
    # THEN the root is the segment without a parent here, times come from it and the segments' span
    assert trace.root["id"] == "s1"
    assert round(trace.response_time, 3) == 0.5 and round(trace.duration, 3) == 0.5
    assert trace.http == {"response": {"status": 200}}
    # AND a flag set on any node is the trace's, and services are listed once each with their origin
    assert trace.flag("error") and not trace.flag("fault")
    assert trace.services() == [("orders", "AWS::Lambda"), ("orders", "AWS::Lambda::Function")]
