"""Time from Invoke returning to the function's logs, metrics and traces being readable through the fetchers.

Run: .venv/bin/python -m pytest benchmarks/test_telemetry.py -p no:xdist --benchmark-only
"""

from __future__ import annotations

import io
import json
import textwrap
import uuid
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from fogbank.cloud import LocalCloud
from fogbank.data_fetcher import get_lambda_response, get_logs, get_metrics, get_traces
from layer_support import layer_zip

HANDLER = """
    from aws_lambda_powertools import Logger, Metrics, Tracer
    logger, metrics, tracer = Logger(), Metrics(), Tracer()

    @logger.inject_lambda_context
    @metrics.log_metrics
    @tracer.capture_lambda_handler
    def handler(event, context):
        logger.info("hello")
        metrics.add_metric(name="Calls", unit="Count", value=1)
        tracer.put_annotation("Run", event["run"])
        return "ok"
"""


@pytest.fixture(scope="module")
def function() -> Iterator[tuple[LocalCloud, str, str]]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", textwrap.dedent(HANDLER))
    with LocalCloud() as cloud:
        name, namespace = f"fn-{uuid.uuid4().hex[:8]}", "Bench"
        role = cloud.client("iam").create_role(RoleName="bench", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        layer = cloud.client("lambda").publish_layer_version(
            LayerName="powertools", Content={"ZipFile": layer_zip("aws-lambda-powertools", "aws-xray-sdk")}
        )["LayerVersionArn"]
        cloud.client("lambda").create_function(
            FunctionName=name,
            Runtime="python3.11",
            Role=role,
            Handler="app.handler",
            Code={"ZipFile": buffer.getvalue()},
            TracingConfig={"Mode": "Active"},
            Layers=[layer],
            Timeout=30,
            Environment={
                "Variables": {"POWERTOOLS_SERVICE_NAME": "bench", "POWERTOOLS_METRICS_NAMESPACE": namespace}
            },
        )
        get_lambda_response(name, json.dumps({"run": "warm-up"}), client=cloud.client("lambda"))
        yield cloud, name, namespace


def _invoke(cloud: LocalCloud, name: str) -> tuple[str, datetime]:
    run = uuid.uuid4().hex[:8]
    _, started = get_lambda_response(name, json.dumps({"run": run}), client=cloud.client("lambda"))
    return run, started


def test_logs_readable_after_invoke(benchmark: Any, function: tuple[LocalCloud, str, str]) -> None:
    cloud, name, _ = function
    logs = cloud.client("logs")

    def setup() -> tuple[tuple[str, datetime], dict[str, Any]]:
        return (_invoke(cloud, name),), {}

    def fetch(invocation: tuple[str, datetime]) -> None:
        assert len(get_logs(name, invocation[1], log_client=logs, timeout=10)) >= 1

    benchmark.pedantic(fetch, setup=setup, rounds=20)


def test_metrics_readable_after_invoke(benchmark: Any, function: tuple[LocalCloud, str, str]) -> None:
    cloud, name, namespace = function
    cw = cloud.client("cloudwatch")

    def setup() -> tuple[tuple[str, datetime], dict[str, Any]]:
        return (_invoke(cloud, name),), {}

    def fetch(invocation: tuple[str, datetime]) -> None:
        start = invocation[1] - timedelta(minutes=1)
        assert get_metrics(namespace, start, "Calls", [{"Name": "service", "Value": "bench"}], cw, timeout=10)

    benchmark.pedantic(fetch, setup=setup, rounds=20)


def test_traces_readable_after_invoke(benchmark: Any, function: tuple[LocalCloud, str, str]) -> None:
    cloud, name, _ = function
    xray = cloud.client("xray")

    def setup() -> tuple[tuple[str, datetime], dict[str, Any]]:
        return (_invoke(cloud, name),), {}

    def fetch(invocation: tuple[str, datetime]) -> None:
        run, started = invocation
        trace = get_traces(
            f'annotation.Run = "{run}"', started - timedelta(seconds=5), xray_client=xray, timeout=10
        )
        assert trace.get_annotation("Run", run)

    benchmark.pedantic(fetch, setup=setup, rounds=20)
