"""Raw X-Ray segment documents kept in moto's state: stored by trace, bad ones answered as unprocessed."""

from __future__ import annotations

import json

from fogbank.cloud.aws_state.xray import put_segment_documents, segment_documents

from ..conftest import Clients

TRACE = "1-5759e988-bd862e3fe1be46a994272793"


def _segment(segment_id: str, start: float, **extra: object) -> str:
    return json.dumps(
        {
            "id": segment_id,
            "trace_id": TRACE,
            "name": "fn",
            "start_time": start,
            "end_time": start + 1,
            **extra,
        }
    )


def test_documents_are_stored_by_trace_as_sent(aws: Clients) -> None:
    # GIVEN two segments of one trace
    documents = [_segment("a" * 16, 10.0), _segment("b" * 16, 11.0, parent_id="a" * 16)]

    # WHEN they are put
    rejected = put_segment_documents("us-east-1", documents)

    # THEN none is rejected, the raw documents are kept under their trace, and X-Ray's API returns the trace
    assert rejected == []
    assert segment_documents("us-east-1") == {TRACE: documents}
    traces = aws("xray").batch_get_traces(TraceIds=[TRACE])["Traces"]
    assert [t["Id"] for t in traces] == [TRACE]
    # AND another region holds nothing
    assert segment_documents("eu-west-1") == {}


def test_a_document_without_its_required_fields_is_unprocessed(aws: Clients) -> None:
    # GIVEN a document without trace_id next to a good one
    bad = json.dumps({"id": "c" * 16, "name": "fn", "start_time": 1.0})
    rejected = put_segment_documents("us-east-1", [bad, _segment("d" * 16, 12.0)])
    # THEN it comes back as unprocessed with X-Ray's fields, and only the good one is stored
    assert len(rejected) == 1 and set(rejected[0]) >= {"Id", "ErrorCode", "Message"}
    assert list(segment_documents("us-east-1")) == [TRACE]
