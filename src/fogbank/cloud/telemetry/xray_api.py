"""X-Ray operations (rest-json): PutTraceSegments, GetTraceSummaries (with filter expressions), BatchGetTraces.

Example (skipped as a doctest: it needs a running local cloud):
    >>> boto3.client("xray").get_trace_summaries(StartTime=t0, EndTime=t1, FilterExpression='service("f")')  # doctest: +SKIP
"""

from __future__ import annotations

import base64
import json
import time
from datetime import datetime
from typing import Any

from fogbank.cloud.aws_errors import AwsError, ErrorShape
from fogbank.cloud.aws_state import xray as xray_state
from fogbank.cloud.router import AwsRequest, AwsResponse, json_error
from fogbank.cloud.telemetry.xray_filter import FilterExpressionError, compile_filter_expression
from fogbank.cloud.telemetry.xray_traces import Trace, assemble

__all__ = ["XRayApi", "summarize"]

SUMMARY_PAGE_SIZE = 100
MAX_BATCH_TRACE_IDS = 5


class _BadRequest(AwsError):
    """A request X-Ray refuses (rest-json InvalidRequestException)."""

    code = "InvalidRequestException"
    shape = ErrorShape.REST_JSON


def _epoch(value: Any, name: str) -> float:
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    raise _BadRequest(f"{name} is required (epoch seconds)")


def _annotation_value(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"BooleanValue": value}
    if isinstance(value, (int, float)):
        return {"NumberValue": value}
    return {"StringValue": str(value)}


def summarize(trace: Trace) -> dict[str, Any]:
    """The TraceSummary of `trace`."""
    http = trace.http
    request, response = http.get("request") or {}, http.get("response") or {}
    services = [{"Name": name, "Names": [name], "Type": origin or ""} for name, origin in trace.services()]
    annotations = {
        key: [{"AnnotationValue": _annotation_value(v), "ServiceIds": services[:1]} for v in values]
        for key, values in trace.annotations().items()
    }
    summary: dict[str, Any] = {
        "Id": trace.id,
        "StartTime": trace.start,
        "Duration": round(trace.duration, 3),
        "ResponseTime": round(trace.response_time, 3),
        "HasError": trace.flag("error"),
        "HasFault": trace.flag("fault"),
        "HasThrottle": trace.flag("throttle"),
        "IsPartial": False,
        "Http": {
            k: v
            for k, v in {
                "HttpURL": request.get("url"),
                "HttpStatus": response.get("status"),
                "HttpMethod": request.get("method"),
                "UserAgent": request.get("user_agent"),
                "ClientIp": request.get("client_ip"),
            }.items()
            if v is not None
        },
        "Annotations": annotations,
        "ServiceIds": services,
        "ResourceARNs": [
            {"ARN": arn} for arn in {s["resource_arn"] for s in trace.segments if s.get("resource_arn")}
        ],
        "EntryPoint": services[0] if services else {},
    }
    return summary


class XRayApi:
    """Handler for requests signed for "xray" (traces live in aws_state's X-Ray state, per region)."""

    def __call__(self, request: AwsRequest) -> AwsResponse | None:
        routes = {
            "/TraceSegments": self.put_trace_segments,
            "/TraceSummaries": self.get_trace_summaries,
            "/Traces": self.batch_get_traces,
        }
        operation = routes.get(request.path.rstrip("/"))
        if operation is None or request.method != "POST":
            return None
        try:
            params = request.json()
        except ValueError:
            return json_error("InvalidRequestException", "the request body is not JSON", rest=True)
        try:
            return AwsResponse.json(operation(request.region, params))
        except _BadRequest as exc:
            return exc.render()
        except FilterExpressionError as exc:
            return json_error("InvalidRequestException", str(exc), rest=True)

    def _traces(self, region: str) -> list[Trace]:
        return [assemble(trace_id, docs) for trace_id, docs in xray_state.segment_documents(region).items()]

    def put_trace_segments(self, region: str, params: dict[str, Any]) -> dict[str, Any]:
        documents = params.get("TraceSegmentDocuments")
        if not isinstance(documents, list):
            raise _BadRequest("TraceSegmentDocuments is required (a list of segment documents)")
        rejected = xray_state.put_segment_documents(region, [str(d) for d in documents])
        return {"UnprocessedTraceSegments": rejected}

    def get_trace_summaries(self, region: str, params: dict[str, Any]) -> dict[str, Any]:
        start, end = _epoch(params.get("StartTime"), "StartTime"), _epoch(params.get("EndTime"), "EndTime")
        if start > end:
            raise _BadRequest("StartTime must be before EndTime")
        expression = params.get("FilterExpression")
        matcher = compile_filter_expression(expression).matches if expression else None
        traces = sorted(self._traces(region), key=lambda t: (t.start, t.id))
        selected = [t for t in traces if start <= t.start <= end and (matcher is None or matcher(t))]
        offset = 0
        if params.get("NextToken"):
            try:
                offset = int(json.loads(base64.b64decode(params["NextToken"]))["offset"])
            except (ValueError, KeyError, TypeError) as exc:
                raise _BadRequest(f"NextToken {params['NextToken']!r} is not valid") from exc
        page = selected[offset : offset + SUMMARY_PAGE_SIZE]
        result: dict[str, Any] = {
            "TraceSummaries": [summarize(t) for t in page],
            "ApproximateTime": time.time(),
            "TracesProcessedCount": len(traces),
        }
        if offset + SUMMARY_PAGE_SIZE < len(selected):
            token = {"offset": offset + SUMMARY_PAGE_SIZE}
            result["NextToken"] = base64.b64encode(json.dumps(token).encode()).decode()
        return result

    def batch_get_traces(self, region: str, params: dict[str, Any]) -> dict[str, Any]:
        trace_ids = params.get("TraceIds")
        if not isinstance(trace_ids, list) or not trace_ids:
            raise _BadRequest("TraceIds is required")
        if len(trace_ids) > MAX_BATCH_TRACE_IDS:
            raise _BadRequest(f"TraceIds takes at most {MAX_BATCH_TRACE_IDS} ids, got {len(trace_ids)}")
        documents = xray_state.segment_documents(region)
        traces, unprocessed = [], []
        for trace_id in trace_ids:
            if trace_id not in documents:
                unprocessed.append(trace_id)
                continue
            trace = assemble(trace_id, documents[trace_id])
            traces.append(
                {
                    "Id": trace.id,
                    "Duration": round(trace.duration, 3),
                    "LimitExceeded": False,
                    "Segments": [{"Id": s["id"], "Document": json.dumps(s)} for s in trace.segments],
                }
            )
        return {"Traces": traces, "UnprocessedTraceIds": unprocessed}
