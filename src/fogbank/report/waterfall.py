"""An X-Ray trace as a waterfall: segments and their nested subsegments, parents first, with depth.

Input is what BatchGetTraces returns (segment documents as JSON strings), on the local cloud and on AWS.

Example:
    >>> docs = ['{"id": "a", "name": "fn", "trace_id": "1-x", "start_time": 1.0, "end_time": 2.0,'
    ...         ' "subsegments": [{"id": "b", "name": "## handler", "start_time": 1.1, "end_time": 1.5,'
    ...         ' "annotations": {"ColdStart": true}}]}']
    >>> w = waterfall("1-x", docs)
    >>> [(s.name, s.depth, s.annotations) for s in w.segments]
    [('fn', 0, {}), ('## handler', 1, {'ColdStart': True})]
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from fogbank.report.model import TraceSegment, TraceWaterfall

__all__ = ["waterfall", "waterfalls_from_batch"]


def waterfall(trace_id: str, documents: Iterable[str | Mapping[str, Any]]) -> TraceWaterfall:
    """The waterfall of one trace from its segment documents."""
    parsed = [json.loads(doc) if isinstance(doc, str) else dict(doc) for doc in documents]
    by_id = {str(doc.get("id")): doc for doc in parsed}
    roots = [doc for doc in parsed if str(doc.get("parent_id")) not in by_id]
    children: dict[str, list[dict[str, Any]]] = {}
    for doc in parsed:
        parent = str(doc.get("parent_id"))
        if parent in by_id:
            children.setdefault(parent, []).append(doc)
    segments: list[TraceSegment] = []

    def visit(doc: Mapping[str, Any], depth: int) -> None:
        segments.extend(_flatten(doc, depth))
        for child in sorted(children.get(str(doc.get("id")), []), key=_start):
            visit(child, depth + 1)

    for root in sorted(roots, key=_start):
        visit(root, 0)
    starts = [s.start_time for s in segments] or [0.0]
    ends = [s.end_time if s.end_time is not None else s.start_time for s in segments] or [0.0]
    return TraceWaterfall(trace_id=trace_id, start_time=min(starts), end_time=max(ends), segments=segments)


def waterfalls_from_batch(response: Mapping[str, Any]) -> dict[str, TraceWaterfall]:
    """BatchGetTraces' answer as waterfalls by trace id."""
    return {
        str(trace["Id"]): waterfall(str(trace["Id"]), [segment["Document"] for segment in trace["Segments"]])
        for trace in response.get("Traces", [])
    }


def _flatten(doc: Mapping[str, Any], depth: int) -> Iterator[TraceSegment]:
    yield _segment(doc, depth)
    for sub in sorted(doc.get("subsegments") or [], key=_start):
        yield from _flatten({**sub, "parent_id": doc.get("id")}, depth + 1)


def _segment(doc: Mapping[str, Any], depth: int) -> TraceSegment:
    return TraceSegment(
        id=str(doc.get("id", "")),
        parent_id=doc.get("parent_id"),
        name=str(doc.get("name", "?")),
        origin=doc.get("origin"),
        depth=depth,
        start_time=float(doc.get("start_time") or 0.0),
        end_time=float(doc["end_time"]) if doc.get("end_time") is not None else None,
        error=bool(doc.get("error")),
        fault=bool(doc.get("fault")),
        throttle=bool(doc.get("throttle")),
        annotations=dict(doc.get("annotations") or {}),
        cause=_cause(doc.get("cause")),
    )


def _cause(cause: Any) -> str | None:
    if not isinstance(cause, Mapping):
        return None
    for exception in cause.get("exceptions") or []:
        kind, message = exception.get("type"), exception.get("message")
        return ": ".join(str(part) for part in (kind, message) if part) or None
    return None


def _start(doc: Mapping[str, Any]) -> float:
    return float(doc.get("start_time") or 0.0)
