"""X-Ray's stored segments in moto (pinned 5.2.5): store segment documents, read them back per trace.

Example:
    >>> segment = '{"id": "70de5b6f19ff9a0a", "name": "f", "trace_id": "1-581cf771-a006649127e371903a2de979", '
    >>> segment += '"start_time": 1478293361.271, "end_time": 1478293361.449}'
    >>> put_segment_documents("eu-north-1", [segment])
    []
    >>> segment_documents("eu-north-1") == {"1-581cf771-a006649127e371903a2de979": [segment]}
    True
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from fogbank.cloud.router import ACCOUNT_ID

__all__ = ["UnprocessedSegment", "put_segment_documents", "segment_documents"]

_lock = threading.Lock()

UnprocessedSegment = dict[str, str]


def _moto_xray() -> Any:
    """moto's X-Ray package, always imported as a whole first. Its `__init__` imports its models through
    `mock_client` (after the X-Ray SDK, a slow import): a thread importing `moto.xray.models` or `.exceptions`
    directly while another runs that `__init__` deadlocks or gets a partly initialised module, so the cloud's
    first segment (stored by the daemon's thread) and a first trace query at once failed. Importing the package
    waits for another thread's import of it instead."""
    import moto.xray

    return moto.xray


def _backend(region: str, account_id: str) -> Any:
    return _moto_xray().models.xray_backends[account_id][region]


def put_segment_documents(
    region: str, documents: Sequence[str], account_id: str = ACCOUNT_ID
) -> list[UnprocessedSegment]:
    """Store raw segment documents; returns the rejected ones as PutTraceSegments' UnprocessedTraceSegments."""
    bad_segment = _moto_xray().exceptions.BadSegmentException
    backend = _backend(region, account_id)
    rejected: list[UnprocessedSegment] = []
    with _lock:
        for document in documents:
            try:
                backend.process_segment(document)
            except bad_segment as bad:
                rejected.append({k: str(v) for k, v in bad.to_dict().items()})
    return rejected


def segment_documents(region: str, account_id: str = ACCOUNT_ID) -> dict[str, list[str]]:
    """Every stored raw document, grouped by trace id, in arrival order of their start time."""
    backend = _backend(region, account_id)
    with _lock:
        traces = backend._segment_collection._traces
        return {
            trace_id: [segment.raw for segment in trace["segments"]]
            for trace_id, trace in traces.items()
            if trace["segments"]
        }
