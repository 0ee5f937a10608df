"""What the console shows, read through the local cloud's public AWS APIs (boto3 on its endpoint), so the
console depends on no component's internals and would read AWS the same way.

Example (skipped as a doctest: it needs a running local cloud):
    >>> reader = CloudReader("http://127.0.0.1:4566", "us-east-1")  # doctest: +SKIP
    >>> [stack["StackName"] for stack in reader.stacks()]  # doctest: +SKIP
    ['fogbank-checkout-1a2b']
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from botocore.config import Config

from fogbank.cloud.contracts import ClientFactory
from fogbank.report.invocations import invocations_from_log_events
from fogbank.report.model import Invocation, StackEvent, TraceWaterfall
from fogbank.report.stack_events import timeline
from fogbank.report.waterfall import waterfalls_from_batch

__all__ = ["CloudReader"]

_LIVE_STACK_STATUSES = [
    "CREATE_IN_PROGRESS", "CREATE_FAILED", "CREATE_COMPLETE", "ROLLBACK_IN_PROGRESS", "ROLLBACK_FAILED",
    "ROLLBACK_COMPLETE", "DELETE_IN_PROGRESS", "DELETE_FAILED", "UPDATE_IN_PROGRESS", "UPDATE_COMPLETE",
    "UPDATE_ROLLBACK_IN_PROGRESS", "UPDATE_ROLLBACK_FAILED", "UPDATE_ROLLBACK_COMPLETE", "REVIEW_IN_PROGRESS",
    "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
]  # fmt: skip


class CloudReader:
    """boto3 clients on the cloud's endpoint, and the few reads each console page needs."""

    def __init__(self, endpoint: str, region: str, clients: ClientFactory | None = None) -> None:
        self._factory = clients
        self._clients: dict[str, Any] = {}
        if clients is None:
            session = boto3.session.Session(
                aws_access_key_id="testing", aws_secret_access_key="testing", region_name=region
            )
            config = Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=60)
            self._clients = {
                service: session.client(service, endpoint_url=endpoint, config=config)
                for service in ("cloudformation", "lambda", "logs", "xray", "cloudwatch")
            }

    def client(self, service: str) -> Any:
        if self._factory is not None:
            return self._factory(service)
        return self._clients[service]

    # -- stacks ------------------------------------------------------------------------------------------
    def stacks(self) -> list[dict[str, Any]]:
        """Stacks that are not deleted, newest first."""
        paginator = self.client("cloudformation").get_paginator("list_stacks")
        summaries = [
            summary
            for page in paginator.paginate(StackStatusFilter=_LIVE_STACK_STATUSES)
            for summary in page["StackSummaries"]
        ]
        return sorted(summaries, key=lambda s: s["CreationTime"], reverse=True)

    def stack(self, name: str) -> dict[str, Any]:
        """DescribeStacks, resources, events (as a timeline) and the template of one stack."""
        cloudformation = self.client("cloudformation")
        stack = cloudformation.describe_stacks(StackName=name)["Stacks"][0]
        resources = [
            summary
            for page in cloudformation.get_paginator("list_stack_resources").paginate(StackName=name)
            for summary in page["StackResourceSummaries"]
        ]
        raw_events = [
            event
            for page in cloudformation.get_paginator("describe_stack_events").paginate(StackName=name)
            for event in page["StackEvents"]
        ]
        template = cloudformation.get_template(StackName=name).get("TemplateBody", "")
        if not isinstance(template, str):
            template = json.dumps(template, indent=2)
        events: list[StackEvent] = timeline(raw_events)
        return {"stack": stack, "resources": resources, "events": events, "template_body": _pretty(template)}

    # -- functions ---------------------------------------------------------------------------------------
    def functions(self) -> list[dict[str, Any]]:
        paginator = self.client("lambda").get_paginator("list_functions")
        found = [function for page in paginator.paginate() for function in page["Functions"]]
        return sorted(found, key=lambda f: str(f["FunctionName"]))

    def function(self, name: str) -> dict[str, Any]:
        return dict(self.client("lambda").get_function_configuration(FunctionName=name))

    def recent_invocations(
        self, configuration: dict[str, Any], minutes: int = 60, limit: int = 25
    ) -> list[Invocation]:
        """The function's latest invocations, newest first, with their log lines and EMF metrics."""
        name = str(configuration["FunctionName"])
        group = (configuration.get("LoggingConfig") or {}).get("LogGroup") or f"/aws/lambda/{name}"
        events = self.log_events(group, "", minutes, limit=2000)
        return list(reversed(invocations_from_log_events(name, events)))[:limit]

    def invoke(self, name: str, payload: bytes) -> dict[str, Any]:
        """Invoke synchronously (the console's only change to the cloud); the answer as plain data."""
        response = self.client("lambda").invoke(FunctionName=name, Payload=payload, LogType="Tail")
        body = response["Payload"].read().decode("utf-8", errors="replace")
        return {
            "status": response.get("StatusCode"),
            "request_id": response.get("ResponseMetadata", {}).get("RequestId"),
            "function_error": response.get("FunctionError"),
            "executed_version": response.get("ExecutedVersion"),
            "payload": body,
        }

    # -- logs --------------------------------------------------------------------------------------------
    def log_groups(self) -> list[str]:
        paginator = self.client("logs").get_paginator("describe_log_groups")
        return sorted(
            str(group["logGroupName"]) for page in paginator.paginate() for group in page["logGroups"]
        )

    def log_events(self, group: str, pattern: str, minutes: int, limit: int = 500) -> list[dict[str, Any]]:
        """FilterLogEvents on `group` over the last `minutes`, with the cloud's own filter-pattern engine."""
        since = datetime.now(UTC) - timedelta(minutes=minutes)
        arguments: dict[str, Any] = {"logGroupName": group, "startTime": int(since.timestamp() * 1000)}
        if pattern:
            arguments["filterPattern"] = pattern
        events: list[dict[str, Any]] = []
        for page in self.client("logs").get_paginator("filter_log_events").paginate(**arguments):
            events.extend(page.get("events", []))
            if len(events) >= limit:
                break
        return events[-limit:]

    # -- traces ------------------------------------------------------------------------------------------
    def trace_summaries(self, expression: str, minutes: int) -> list[dict[str, Any]]:
        end = datetime.now(UTC)
        arguments: dict[str, Any] = {"StartTime": end - timedelta(minutes=minutes), "EndTime": end}
        if expression:
            arguments["FilterExpression"] = expression
        summaries = [
            summary
            for page in self.client("xray").get_paginator("get_trace_summaries").paginate(**arguments)
            for summary in page.get("TraceSummaries", [])
        ]
        return sorted(summaries, key=lambda s: s.get("StartTime") or 0, reverse=True)[:200]

    def trace(self, trace_id: str) -> TraceWaterfall | None:
        response = self.client("xray").batch_get_traces(TraceIds=[trace_id])
        return waterfalls_from_batch(response).get(trace_id)

    # -- metrics -----------------------------------------------------------------------------------------
    def metrics(self, namespace: str | None = None) -> list[dict[str, Any]]:
        arguments = {"Namespace": namespace} if namespace else {}
        paginator = self.client("cloudwatch").get_paginator("list_metrics")
        return [metric for page in paginator.paginate(**arguments) for metric in page.get("Metrics", [])]

    def metric_series(self, metric: dict[str, Any], stat: str, minutes: int, period: int) -> dict[str, Any]:
        """One metric's datapoints (GetMetricData), oldest first, as {"timestamps": [...], "values": [...]}."""
        end = datetime.now(UTC)
        response = self.client("cloudwatch").get_metric_data(
            MetricDataQueries=[
                {
                    "Id": "m0",
                    "MetricStat": {"Metric": metric, "Period": period, "Stat": stat},
                    "ReturnData": True,
                }
            ],
            StartTime=end - timedelta(minutes=minutes),
            EndTime=end,
            ScanBy="TimestampAscending",
        )
        result = response["MetricDataResults"][0]
        pairs = sorted(zip(result.get("Timestamps", []), result.get("Values", []), strict=False))
        return {
            "timestamps": [stamp.timestamp() for stamp, _ in pairs],
            "values": [value for _, value in pairs],
            "from": (end - timedelta(minutes=minutes)).timestamp(),
            "to": end.timestamp(),
            "period": period,
        }


def _pretty(template: str) -> str:
    try:
        return json.dumps(json.loads(template), indent=2)
    except ValueError:
        return template
