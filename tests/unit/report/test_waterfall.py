"""X-Ray segment documents as a waterfall."""

from __future__ import annotations

import json

from fogbank.report.waterfall import waterfall, waterfalls_from_batch


def test_segments_nest_under_their_parents_in_time_order():
    # GIVEN Lambda's two segments and the function's subsegments, with an annotation and an exception
    service = {
        "id": "s",
        "trace_id": "1-t",
        "name": "fn",
        "origin": "AWS::Lambda",
        "start_time": 10.0,
        "end_time": 11.0,
    }
    function = {
        "id": "f", "parent_id": "s", "trace_id": "1-t", "name": "fn", "origin": "AWS::Lambda::Function",
        "start_time": 10.1, "end_time": 10.9,
        "subsegments": [
            {"id": "o", "name": "Overhead", "start_time": 10.8, "end_time": 10.9},
            {"id": "i", "name": "Invocation", "start_time": 10.1, "end_time": 10.8, "fault": True,
             "subsegments": [{"id": "h", "name": "## handler", "start_time": 10.2, "end_time": 10.7,
                              "annotations": {"ColdStart": True}, "error": True,
                              "cause": {"exceptions": [{"type": "ValueError", "message": "boom"}]}}]},
        ],
    }  # fmt: skip
    # WHEN they become a waterfall (documents in any order)
    trace = waterfall("1-t", [json.dumps(function), json.dumps(service)])
    # THEN parents come before children, with depth, timing, annotations and errors
    assert [(s.name, s.depth) for s in trace.segments] == [
        ("fn", 0), ("fn", 1), ("Invocation", 2), ("## handler", 3), ("Overhead", 2),
    ]  # fmt: skip
    handler = trace.segments[3]
    assert (
        handler.annotations == {"ColdStart": True} and handler.error and handler.cause == "ValueError: boom"
    )
    assert abs(trace.duration_seconds - 1.0) < 1e-9


def test_batch_get_traces_answer_becomes_waterfalls_by_id():
    # GIVEN a BatchGetTraces answer
    document = {"id": "a", "name": "fn", "start_time": 1.0, "end_time": 2.0}
    response = {"Traces": [{"Id": "1-a", "Segments": [{"Id": "a", "Document": json.dumps(document)}]}]}
    # WHEN converted THEN each trace is keyed by its id
    assert list(waterfalls_from_batch(response)) == ["1-a"]
