"""The console's pages: each reads through the app's CloudReader and renders one template.

Example:
    GET /_fogbank/console/logs?group=/aws/lambda/fn&pattern=ERROR&minutes=60
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError
from werkzeug.wrappers import Request, Response

from fogbank.cloud.console.app import aws_message, json_response
from fogbank.report.invocations import log_line

if TYPE_CHECKING:
    from fogbank.cloud.console.app import ConsoleApp

__all__ = [
    "function",
    "functions",
    "invoke",
    "logs",
    "metric_series",
    "metrics",
    "stack",
    "stacks",
    "trace",
    "traces",
]

_AWS_ERRORS = (ClientError, BotoCoreError)
_MAX_INVOKE_PAYLOAD = 6 * 1024 * 1024


def _minutes(request: Request, default: int = 60) -> int:
    try:
        return max(1, min(int(request.args.get("minutes", default)), 14 * 24 * 60))
    except ValueError:
        return default


def stacks(app: ConsoleApp, request: Request) -> Response:
    try:
        found = app.reader.stacks()
    except _AWS_ERRORS as exc:
        return app.error_page(request, "stacks", exc)
    return app.render(request, "stacks.html.j2", title="Stacks", section="stacks", stacks=found)


def stack(app: ConsoleApp, request: Request, name: str) -> Response:
    try:
        details = app.reader.stack(name)
    except _AWS_ERRORS as exc:
        return app.error_page(request, "stacks", exc)
    return app.render(request, "stack.html.j2", title=name, section="stacks", name=name, **details)


def functions(app: ConsoleApp, request: Request) -> Response:
    try:
        found = app.reader.functions()
    except _AWS_ERRORS as exc:
        return app.error_page(request, "functions", exc)
    return app.render(request, "functions.html.j2", title="Functions", section="functions", functions=found)


def function(app: ConsoleApp, request: Request, name: str) -> Response:
    minutes = _minutes(request)
    try:
        configuration = app.reader.function(name)
        invocations = app.reader.recent_invocations(configuration, minutes)
        function_metrics = [
            metric
            for metric in app.reader.metrics()
            if any(d.get("Value") == name for d in metric.get("Dimensions", []))
        ]
    except _AWS_ERRORS as exc:
        return app.error_page(request, "functions", exc)
    durations = [
        {"t": inv.started_at.timestamp(), "ms": inv.duration_ms, "cold": inv.cold_start}
        for inv in reversed(invocations)
        if inv.duration_ms is not None
    ]
    return app.render(
        request,
        "function.html.j2",
        title=name,
        section="functions",
        name=name,
        configuration=configuration,
        configuration_json=json.dumps(configuration, indent=2, default=str),
        invocations=invocations,
        durations_json=json.dumps(durations),
        function_metrics=function_metrics,
        minutes=minutes,
    )


def invoke(app: ConsoleApp, request: Request, name: str) -> Response:
    """The test invoke: the body is the JSON payload; answers with the function's response."""
    body = request.get_data(cache=False)
    if len(body) > _MAX_INVOKE_PAYLOAD:
        return json_response(
            {"error": "the payload is over 6 MB, Lambda's limit for a synchronous invoke"}, 413
        )
    try:
        json.loads(body or b"null")
    except ValueError as exc:
        return json_response({"error": f"the payload is not JSON: {exc}; fix it and invoke again"}, 400)
    try:
        answer = app.reader.invoke(name, body)
    except _AWS_ERRORS as exc:
        return json_response({"error": aws_message(exc)}, 502)
    return json_response(answer)


def logs(app: ConsoleApp, request: Request) -> Response:
    group = request.args.get("group", "")
    pattern = request.args.get("pattern", "")
    minutes = _minutes(request)
    error: str | None = None
    events: list[Any] = []
    groups: list[str] = []
    try:
        groups = app.reader.log_groups()
        if group:
            events = [(event, log_line(event)) for event in app.reader.log_events(group, pattern, minutes)]
    except _AWS_ERRORS as exc:
        error = aws_message(exc)
    return app.render(
        request,
        "logs.html.j2",
        title="Log search",
        section="logs",
        groups=groups,
        group=group,
        pattern=pattern,
        minutes=minutes,
        events=list(reversed(events)),
        error=error,
    )


def traces(app: ConsoleApp, request: Request) -> Response:
    expression = request.args.get("filter", "")
    minutes = _minutes(request)
    error: str | None = None
    summaries: list[dict[str, Any]] = []
    try:
        summaries = app.reader.trace_summaries(expression, minutes)
    except _AWS_ERRORS as exc:
        error = aws_message(exc)
    rows = [
        {
            "id": s["Id"],
            "duration": s.get("Duration"),
            "start": _start_of(s),
            "error": bool(s.get("HasError") or s.get("HasFault")),
            "services": ", ".join(
                sorted({str(entry.get("Name")) for entry in s.get("ServiceIds", []) if entry.get("Name")})
            ),
            "annotations": {
                key: [v.get("AnnotationValue") for v in values]
                for key, values in (s.get("Annotations") or {}).items()
            },
        }
        for s in summaries
    ]
    return app.render(
        request,
        "traces.html.j2",
        title="Traces",
        section="traces",
        rows=rows,
        expression=expression,
        minutes=minutes,
        error=error,
    )


def trace(app: ConsoleApp, request: Request, trace_id: str) -> Response:
    try:
        found = app.reader.trace(trace_id)
    except _AWS_ERRORS as exc:
        return app.error_page(request, "traces", exc)
    return app.render(
        request, "trace.html.j2", title=trace_id, section="traces", trace_id=trace_id, trace=found
    )


def metrics(app: ConsoleApp, request: Request) -> Response:
    namespace = request.args.get("namespace", "")
    minutes = _minutes(request, default=15)
    try:
        every = app.reader.metrics()
    except _AWS_ERRORS as exc:
        return app.error_page(request, "metrics", exc)
    namespaces = sorted({str(metric["Namespace"]) for metric in every})
    if not namespace and namespaces:
        namespace = namespaces[0]
    shown = sorted(
        (metric for metric in every if metric["Namespace"] == namespace),
        key=lambda m: (m["MetricName"], json.dumps(m.get("Dimensions", []), sort_keys=True)),
    )
    charts = [
        {
            "metric": metric,
            "key": json.dumps(
                {k: metric[k] for k in ("Namespace", "MetricName", "Dimensions") if k in metric}
            ),
        }
        for metric in shown[:60]
    ]
    return app.render(
        request,
        "metrics.html.j2",
        title="Metrics",
        section="metrics",
        namespaces=namespaces,
        namespace=namespace,
        charts=charts,
        minutes=minutes,
        more=max(0, len(shown) - 60),
    )


def metric_series(app: ConsoleApp, request: Request) -> Response:
    """JSON datapoints of one metric for a chart: ?metric=<json>&stat=Sum&minutes=60."""
    try:
        metric = json.loads(request.args.get("metric", ""))
        if not isinstance(metric, dict) or not {"Namespace", "MetricName"} <= metric.keys():
            raise ValueError(f"got {request.args.get('metric', '')[:80]!r}")
        stat = request.args.get("stat", "Sum")
        minutes = _minutes(request)
        period = 10 if minutes <= 15 else 60 if minutes <= 180 else 300
        return json_response(app.reader.metric_series(metric, stat, minutes, period))
    except ValueError as exc:
        return json_response(
            {"error": f"metric must be JSON (Namespace, MetricName, Dimensions): {exc}"}, 400
        )
    except _AWS_ERRORS as exc:
        return json_response({"error": aws_message(exc)}, 502)


def _start_of(summary: dict[str, Any]) -> datetime | None:
    start = summary.get("StartTime")
    if isinstance(start, datetime):
        return start
    if isinstance(start, int | float):
        return datetime.fromtimestamp(start, UTC)
    return None
