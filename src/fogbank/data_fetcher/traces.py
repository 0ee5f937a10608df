"""Read X-Ray traces and their subsegments (the seed's get_traces and TraceFetcher).

Example (skipped as a doctest: it needs a deployed stack):
    >>> trace = get_traces(filter_expression='service(id(name: "my-fn"))', start_date=execution_time)  # doctest: +SKIP
    >>> trace.get_annotation(key="ColdStart", value=True)  # doctest: +SKIP
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import boto3
from pydantic import BaseModel, ConfigDict

from fogbank.data_fetcher.retry import NotReady, until_ready

__all__ = ["TraceDocument", "TraceFetcher", "TraceSubsegment", "get_traces"]

BATCH_GET_TRACES_LIMIT = 5


class TraceSubsegment(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    name: str
    start_time: float
    end_time: float | None = None
    aws: dict[str, Any] | None = None
    subsegments: list[TraceSubsegment] | None = None
    annotations: dict[str, Any] | None = None
    metadata: dict[str, dict[str, Any]] | None = None


class TraceDocument(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    name: str
    start_time: float
    end_time: float | None = None
    trace_id: str
    parent_id: str | None = None
    aws: dict[str, Any] | None = None
    origin: str | None = None
    subsegments: list[TraceSubsegment] | None = None


class TraceFetcher:
    """Subsegments of the traces matching `filter_expression` (Lambda's own ones excluded by default)."""

    default_exclude_seg_name: tuple[str, ...] = ("Initialization", "Invocation", "Overhead")
    default_origin: tuple[str, ...] = ("AWS::Lambda::Function",)

    def __init__(
        self,
        filter_expression: str,
        start_date: datetime,
        end_date: datetime | None = None,
        xray_client: Any = None,
        exclude_segment_name: list[str] | None = None,
        resource_name: str | list[str] | None = None,
        origin: str | list[str] | None = None,
        minimum_traces: int = 1,
        *,
        timeout: float | None = None,
    ) -> None:
        self.filter_expression = filter_expression
        self.start_date = start_date
        self.end_date = end_date or start_date + timedelta(minutes=5)
        self.xray_client = xray_client or boto3.client("xray")
        self.exclude_segment_name = list(exclude_segment_name or self.default_exclude_seg_name)
        self.resource_name = resource_name
        # As in the seed: segments whose origin is one of these (default: the function's own segment) or whose
        # name is resource_name
        self.origin = [origin] if isinstance(origin, str) else list(origin or self.default_origin)
        self.annotations: list[dict[str, Any]] = []
        self.metadata: list[dict[str, dict[str, Any]]] = []
        self.minimum_traces = minimum_traces
        self.trace_documents: dict[str, TraceDocument] = {}
        self.subsegments: list[TraceSubsegment] = []
        until_ready(self._fetch, awaiting=f"traces matching {filter_expression!r}", timeout=timeout)

    # -- the seed's query helpers --------------------------------------------------------------------
    def get_annotation(self, key: str, value: Any = None) -> list[dict[str, Any]]:
        """The annotation maps (one per subsegment) that hold `key` (equal to `value` when given), as the seed."""
        return [
            annotation
            for annotation in self.annotations
            if (value is not None and annotation.get(key) == value) or (value is None and key in annotation)
        ]

    def get_metadata(self, key: str, namespace: str = "") -> list[dict[str, Any]]:
        """The metadata namespaces that hold `key`."""
        found = []
        for metadata in self.metadata:
            namespace_metadata = metadata.get(namespace, {})
            if key in namespace_metadata:
                found.append(namespace_metadata)
        return found

    def get_subsegment(self, name: str) -> list[TraceSubsegment]:
        """Subsegments named `name` (e.g. "## index.handler")."""
        return [seg for seg in self.subsegments if seg.name == name]

    # -- fetching ------------------------------------------------------------------------------------
    def _fetch(self) -> None:
        trace_ids = self._trace_ids()
        if len(trace_ids) < self.minimum_traces:
            raise NotReady(f"{len(trace_ids)} trace(s) of {self.minimum_traces} wanted")
        documents = self._trace_documents(trace_ids)
        subsegments = [seg for doc in documents.values() for seg in self._nested(doc.subsegments or [])]
        if not documents:
            raise NotReady(
                f"{len(trace_ids)} trace(s), but no segment named {self.resource_name!r} or with origin {self.origin!r}"
            )
        self.trace_documents, self.subsegments = documents, subsegments
        self.annotations = [seg.annotations for seg in subsegments if seg.annotations]
        self.metadata = [seg.metadata for seg in subsegments if seg.metadata]

    def _trace_ids(self) -> list[str]:
        paginator = self.xray_client.get_paginator("get_trace_summaries")
        pages = paginator.paginate(
            StartTime=self.start_date,
            EndTime=self.end_date,
            TimeRangeType="Event",
            Sampling=False,
            FilterExpression=self.filter_expression,
        )
        return [summary["Id"] for page in pages for summary in page.get("TraceSummaries", [])]

    def _trace_documents(self, trace_ids: list[str]) -> dict[str, TraceDocument]:
        documents: dict[str, TraceDocument] = {}
        for offset in range(0, len(trace_ids), BATCH_GET_TRACES_LIMIT):
            chunk = trace_ids[offset : offset + BATCH_GET_TRACES_LIMIT]
            kwargs: dict[str, Any] = {"TraceIds": chunk}
            while True:
                response = self.xray_client.batch_get_traces(**kwargs)
                for trace in response["Traces"]:
                    for segment in trace["Segments"]:
                        document = TraceDocument(**json.loads(segment["Document"]))
                        if self._wanted(document):
                            documents[document.id] = document
                if not response.get("NextToken"):
                    break
                kwargs["NextToken"] = response["NextToken"]
        return documents

    def _wanted(self, document: TraceDocument) -> bool:
        names = [self.resource_name] if isinstance(self.resource_name, str) else self.resource_name or []
        return document.origin in self.origin or document.name in names

    def _nested(self, subsegments: list[TraceSubsegment]) -> Iterator[TraceSubsegment]:
        for seg in subsegments:
            if seg.name not in self.exclude_segment_name:
                yield seg
            if seg.subsegments:
                yield from self._nested(seg.subsegments)


def get_traces(
    filter_expression: str,
    start_date: datetime,
    end_date: datetime | None = None,
    xray_client: Any = None,
    exclude_segment_name: list[str] | None = None,
    resource_name: str | list[str] | None = None,
    origin: str | list[str] | None = None,
    minimum_traces: int = 1,
    *,
    timeout: float | None = None,
) -> TraceFetcher:
    """A TraceFetcher once `minimum_traces` traces match; FetchTimeoutError otherwise."""
    return TraceFetcher(
        filter_expression,
        start_date,
        end_date,
        xray_client,
        exclude_segment_name,
        resource_name,
        origin,
        minimum_traces,
        timeout=timeout,
    )
