"""Powertools Logger, Metrics and Tracer handlers run as real Lambda workers; the fetchers read what they left.

Powertools reaches the function as on AWS, in a layer (made from the installed distributions, see
tests/layer_support.py); the workers see no site-packages of their own.
"""

from __future__ import annotations

import io
import json
import textwrap
import uuid
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from fogbank.cloud import LocalCloud
from fogbank.data_fetcher import get_lambda_response, get_logs, get_metrics, get_traces
from layer_support import layer_zip

HANDLER = """
    import asyncio
    from aws_lambda_powertools import Logger, Metrics, Tracer
    from aws_lambda_powertools.metrics import MetricUnit

    logger = Logger()
    metrics = Metrics()
    tracer = Tracer()

    @tracer.capture_method
    async def async_capture():
        tracer.put_annotation("AsyncAnnotation", "yes")
        tracer.put_metadata("async key", {"n": 1})
        return "async"

    @logger.inject_lambda_context
    @metrics.log_metrics(capture_cold_start_metric=True)
    @tracer.capture_lambda_handler
    def handler(event, context):
        logger.append_keys(order_id=event["order"])
        logger.info("processing")
        for _ in range(3):
            metrics.add_metric(name="Orders", unit=MetricUnit.Count, value=1)
        tracer.put_annotation("Order", event["order"])
        return asyncio.run(async_capture())
"""


def _zip(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", textwrap.dedent(source))
    return buffer.getvalue()


@pytest.fixture(scope="module")
def deployed() -> Iterator[tuple[LocalCloud, str, str, datetime]]:
    with LocalCloud() as cloud:
        role = cloud.client("iam").create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        name, namespace = f"fn-{uuid.uuid4().hex[:8]}", f"Shop{uuid.uuid4().hex[:6]}"
        layer = cloud.client("lambda").publish_layer_version(
            LayerName="powertools", Content={"ZipFile": layer_zip("aws-lambda-powertools", "aws-xray-sdk")}
        )["LayerVersionArn"]
        cloud.client("lambda").create_function(
            FunctionName=name,
            Runtime="python3.11",
            Role=role,
            Handler="app.handler",
            Code={"ZipFile": _zip(HANDLER)},
            Timeout=30,
            Layers=[layer],
            TracingConfig={"Mode": "Active"},
            Environment={
                "Variables": {"POWERTOOLS_SERVICE_NAME": "shop", "POWERTOOLS_METRICS_NAMESPACE": namespace}
            },
        )
        start = datetime.now(UTC)
        client = cloud.client("lambda")
        for order in ("o-1", "o-2"):
            get_lambda_response(name, json.dumps({"order": order}), client=client)
        yield cloud, name, namespace, start


def test_logs_with_context_keys_and_one_cold_start(deployed: tuple[LocalCloud, str, str, datetime]) -> None:
    # GIVEN two invocations of a Logger handler
    cloud, name, _, start = deployed
    # WHEN its logs are fetched
    logs = get_logs(name, start, minimum_log_entries=2, log_client=cloud.client("logs"), timeout=10)
    # THEN both lines carry the Lambda context keys and exactly one is a cold start
    assert len(logs) == 2 and logs.have_keys("function_request_id", "function_name", "cold_start", "order_id")
    assert len(logs.get_cold_start_log()) == 1
    assert [log.order_id for log in logs.get_log("order_id")] == ["o-1", "o-2"]  # type: ignore[attr-defined]


def test_metric_summed_and_cold_start_metric(deployed: tuple[LocalCloud, str, str, datetime]) -> None:
    # GIVEN the handler added Orders three times per invocation
    cloud, name, namespace, start = deployed
    cw = cloud.client("cloudwatch")
    # WHEN the metrics are fetched
    orders = get_metrics(
        namespace,
        start - timedelta(minutes=1),
        "Orders",
        [{"Name": "service", "Value": "shop"}],
        cw,
        timeout=10,
    )
    cold = get_metrics(
        namespace,
        start - timedelta(minutes=1),
        "ColdStart",
        [{"Name": "function_name", "Value": name}, {"Name": "service", "Value": "shop"}],
        cw,
        timeout=10,
    )
    # THEN Orders is summed across the calls and invocations, and ColdStart counted once
    assert sum(orders) == 6.0
    assert cold == [1.0]


def test_traces_with_annotations_metadata_and_async_method(
    deployed: tuple[LocalCloud, str, str, datetime],
) -> None:
    # GIVEN the Tracer handler ran twice with Active tracing
    cloud, name, _, start = deployed
    # WHEN traces are fetched with a service filter
    trace = get_traces(
        f'service(id(name: "{name}"))',
        start - timedelta(minutes=1),
        xray_client=cloud.client("xray"),
        resource_name=name,
        minimum_traces=2,
        timeout=10,
    )
    # THEN the handler and async method subsegments carry their annotations and metadata
    assert len(trace.get_annotation("ColdStart", True)) == 1
    assert len(trace.get_annotation("Order")) == 2
    assert len(trace.get_subsegment("## app.async_capture")) == 2
    assert len(trace.get_annotation("AsyncAnnotation", "yes")) == 2
    assert trace.get_metadata("async key", namespace="shop")
    # AND a filter that does not match finds no trace
    xray = cloud.client("xray")
    summaries = xray.get_trace_summaries(
        StartTime=start - timedelta(minutes=1),
        EndTime=start + timedelta(minutes=5),
        FilterExpression=f'service("{name}") AND annotation.Order = "o-9"',
    )
    assert summaries["TraceSummaries"] == []
