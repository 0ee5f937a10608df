"""Lambda on the local cloud: cold start, warm round trip, parallel scaling, per-invoke overhead.

Run: .venv/bin/python -m pytest benchmarks/test_lambda.py -p no:xdist --benchmark-only --benchmark-columns=median,mean,min,max
"""

from __future__ import annotations

import importlib.util
import io
import json
import sys
import uuid
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from fogbank.cloud import LocalCloud
from fogbank.cloud.telemetry.records import LogLine

NOOP = "def handler(event, context):\n    return {'ok': True}\n"
HALF_SECOND = "import time\ndef handler(event, context):\n    time.sleep(0.5)\n    return 1\n"
ROLE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


def _zip(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", source)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    with LocalCloud() as running:
        yield running


@pytest.fixture(scope="module")
def lambda_client(cloud: LocalCloud) -> Any:
    return cloud.client("lambda")


@pytest.fixture(scope="module")
def role(cloud: LocalCloud) -> str:
    iam = cloud.client("iam")
    return str(
        iam.create_role(RoleName="bench", AssumeRolePolicyDocument=json.dumps(ROLE_POLICY))["Role"]["Arn"]
    )


def _create(lambda_client: Any, role: str, source: str) -> str:
    name = f"bench-{uuid.uuid4().hex[:8]}"
    lambda_client.create_function(
        FunctionName=name,
        Runtime="python3.11",
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": _zip(source)},
    )
    return name


def _invoke(lambda_client: Any, name: str) -> bytes:
    response = lambda_client.invoke(FunctionName=name, Payload=b"{}")
    assert "FunctionError" not in response
    return bytes(response["Payload"].read())


def test_cold_start_boto3(benchmark: Any, lambda_client: Any, role: str) -> None:
    """A new function's first invoke: unzip, spawn `python -m awslambdaric`, init, run, logs."""

    def setup() -> tuple[tuple[Any, str], dict[str, Any]]:
        return (lambda_client, _create(lambda_client, role, NOOP)), {}

    benchmark.pedantic(_invoke, setup=setup, rounds=8, iterations=1)


def test_warm_round_trip_boto3(benchmark: Any, lambda_client: Any, role: str) -> None:
    """A warm invoke through boto3 and the endpoint: HTTP in, Runtime API round trip, logs, HTTP out."""
    name = _create(lambda_client, role, NOOP)
    _invoke(lambda_client, name)
    assert benchmark(_invoke, lambda_client, name) == b'{"ok": true}'


def test_warm_in_process_invoke(benchmark: Any, cloud: LocalCloud, lambda_client: Any, role: str) -> None:
    """The same warm invoke without boto3 and HTTP: ctx.lambda_.invoke (what front doors call)."""
    name = _create(lambda_client, role, NOOP)
    component = cloud.context.lambda_
    component.invoke(name, b"{}")
    result = benchmark(component.invoke, name, b"{}")
    assert result.ok


def test_direct_handler_call(benchmark: Any, tmp_path: Path) -> None:
    """The floor: calling the same handler function directly in this process."""
    (tmp_path / "bench_app.py").write_text(NOOP)
    spec = importlib.util.spec_from_file_location("bench_app", tmp_path / "bench_app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules.pop("bench_app", None)
    assert benchmark(module.handler, {}, None) == {"ok": True}


def test_eight_parallel_half_second_invocations(benchmark: Any, lambda_client: Any, role: str) -> None:
    """8 concurrent invocations of a 0.5 s handler on warm workers: about 0.5 s in total, not 4 s."""
    name = _create(lambda_client, role, HALF_SECOND)
    pool = ThreadPoolExecutor(8)
    try:
        list(pool.map(lambda _: _invoke(lambda_client, name), range(8)))  # warm 8 workers

        def eight() -> list[bytes]:
            return list(pool.map(lambda _: _invoke(lambda_client, name), range(8)))

        assert benchmark.pedantic(eight, rounds=3, iterations=1) == [b"1"] * 8
    finally:
        pool.shutdown()


def test_resolve_function_spec(benchmark: Any, cloud: LocalCloud, lambda_client: Any, role: str) -> None:
    """Part of each invoke: reading the function's definition out of moto."""
    name = _create(lambda_client, role, NOOP)
    resolve = cloud.context.lambda_._resolve
    assert benchmark(resolve, name, None).name == name


def test_put_invocation_log_lines(benchmark: Any, cloud: LocalCloud) -> None:
    """Part of each invoke: writing START, one line, END and REPORT to CloudWatch Logs."""
    lines = [LogLine(1, "START"), LogLine(1, "hello"), LogLine(1, "END"), LogLine(1, "REPORT")]
    benchmark(cloud.context.telemetry.put_log_lines, "/aws/lambda/bench", "stream", lines)
