"""Traces assembled from stored segment documents, as X-Ray returns them.

Subsegments sent on their own (the X-Ray SDK in Lambda sends only subsegments, whose `parent_id` is the
function segment's id) are nested under their parent, so BatchGetTraces shows one tree per segment.

Example:
    >>> seg = '{"id": "a", "name": "f", "trace_id": "1-1-1", "start_time": 1, "end_time": 2}'
    >>> sub = '{"id": "b", "type": "subsegment", "parent_id": "a", "name": "## h", "trace_id": "1-1-1", "start_time": 1, "end_time": 2}'
    >>> trace = assemble("1-1-1", [seg, sub])
    >>> [s["name"] for s in trace.segments[0]["subsegments"]]
    ['## h']
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["Trace", "assemble", "walk"]


def walk(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """`node` and every (nested) subsegment in it."""
    yield node
    for child in node.get("subsegments") or []:
        if isinstance(child, dict):
            yield from walk(child)


@dataclass(frozen=True)
class Trace:
    """One trace: its top-level segments (subsegments nested in them)."""

    id: str
    segments: list[dict[str, Any]]

    @property
    def start(self) -> float:
        return min(float(s.get("start_time", 0)) for s in self.segments)

    @property
    def end(self) -> float:
        return max(float(s.get("end_time") or s.get("start_time", 0)) for s in self.segments)

    @property
    def duration(self) -> float:
        return self.end - self.start

    @property
    def root(self) -> dict[str, Any]:
        """The entry segment: one without a parent in this trace (the earliest such)."""
        ids = {s["id"] for s in self.segments}
        roots = [s for s in self.segments if s.get("parent_id") not in ids]
        return min(roots or self.segments, key=lambda s: float(s.get("start_time", 0)))

    @property
    def response_time(self) -> float:
        root = self.root
        return float(root.get("end_time") or root.get("start_time", 0)) - float(root.get("start_time", 0))

    def nodes(self) -> Iterator[dict[str, Any]]:
        for segment in self.segments:
            yield from walk(segment)

    def flag(self, name: str) -> bool:
        """Whether any segment or subsegment has `error`, `fault` or `throttle` set."""
        return any(bool(node.get(name)) for node in self.nodes())

    @property
    def http(self) -> dict[str, Any]:
        return dict(self.root.get("http") or {})

    def annotations(self) -> dict[str, list[Any]]:
        found: dict[str, list[Any]] = {}
        for node in self.nodes():
            for key, value in (node.get("annotations") or {}).items():
                found.setdefault(key, []).append(value)
        return found

    def services(self) -> list[tuple[str, str | None]]:
        """(name, type) of each segment; the type is the segment's origin (e.g. AWS::Lambda::Function)."""
        seen: dict[tuple[str, str | None], None] = {}
        for segment in self.segments:
            seen[(str(segment.get("name", "")), segment.get("origin"))] = None
        return list(seen)


def _parse_documents(raw_documents: list[str]) -> list[dict[str, Any]]:
    latest: dict[str, dict[str, Any]] = {}
    for raw in raw_documents:
        try:
            document = json.loads(raw)
        except ValueError:
            continue
        if not isinstance(document, dict) or "id" not in document:
            continue
        previous = latest.get(document["id"])
        if previous is None or "end_time" in document or "end_time" not in previous:
            latest[document["id"]] = document
    return list(latest.values())


def assemble(trace_id: str, raw_documents: list[str]) -> Trace:
    """Nest separately sent subsegments under their parents and return the trace."""
    documents = _parse_documents(raw_documents)
    standalone = [d for d in documents if d.get("type") == "subsegment" and d.get("parent_id")]
    segments = [d for d in documents if not (d.get("type") == "subsegment" and d.get("parent_id"))]
    pending = list(standalone)
    while pending:
        index: dict[str, dict[str, Any]] = {}
        for segment in segments:
            for node in walk(segment):
                index.setdefault(str(node.get("id")), node)
        placed = []
        for sub in pending:
            parent = index.get(str(sub["parent_id"]))
            if parent is not None:
                child = {k: v for k, v in sub.items() if k not in ("type", "parent_id", "trace_id")}
                children = [c for c in parent.get("subsegments") or [] if c.get("id") != child.get("id")]
                parent["subsegments"] = sorted(
                    [*children, child], key=lambda c: float(c.get("start_time", 0))
                )
                placed.append(sub)
        if not placed:
            segments.extend(pending)  # parents never arrived: keep them visible as they are
            break
        pending = [sub for sub in pending if sub not in placed]
    segments.sort(key=lambda s: float(s.get("start_time", 0)))
    return Trace(trace_id, segments)
