"""No worker process outlives the local cloud: stop(), SIGTERM of `fogbank cloud start`, even SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3
import pytest
from tenacity import retry, retry_if_result, stop_after_delay, wait_exponential

from fogbank.cloud import LocalCloud
from lambda_support import ROLE_POLICY, zip_code

PID_HANDLER = {
    "app.py": "import os, time\ndef handler(e, c):\n    time.sleep(e.get('sleep', 0))\n    return os.getpid()\n"
}


def _alive(pid: int) -> bool:
    """True while /proc shows the process and it is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


@retry(stop=stop_after_delay(10), wait=wait_exponential(0.01, max=0.2), retry=retry_if_result(bool))
def _wait_until_gone(pids: list[int]) -> list[int]:
    return [pid for pid in pids if _alive(pid)]


def _deploy_and_run(lambda_client: Any, iam: Any, parallel: int) -> list[int]:
    role = iam.create_role(RoleName="cleanup-role", AssumeRolePolicyDocument=json.dumps(ROLE_POLICY))["Role"][
        "Arn"
    ]
    lambda_client.create_function(
        FunctionName="pids",
        Runtime="python3.11",
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": zip_code(PID_HANDLER)},
    )

    def call(_: int) -> int:
        payload = json.dumps({"sleep": 0.3}).encode()
        return int(json.loads(lambda_client.invoke(FunctionName="pids", Payload=payload)["Payload"].read()))

    with ThreadPoolExecutor(parallel) as pool:
        return sorted(set(pool.map(call, range(parallel))))


def test_stop_ends_every_worker() -> None:
    # GIVEN a cloud with three warm workers
    with LocalCloud() as cloud:
        pids = _deploy_and_run(cloud.client("lambda"), cloud.client("iam"), 3)
        assert len(pids) == 3 and all(_alive(pid) for pid in pids)
        assert sorted(cloud.context.lambda_.worker_pids()) == pids

    # WHEN the cloud has stopped (the with block ended)
    # THEN none of its worker processes is left
    assert not [pid for pid in pids if _alive(pid)]


@pytest.fixture
def cli_cloud(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "fogbank.cli", "cloud", "start", "--port", "0", "--state-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline().strip()
        assert first.startswith("endpoint: http://127.0.0.1:"), first
        yield process, first.split(" ", 1)[1]
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def _clients(endpoint: str) -> tuple[Any, Any]:
    session = boto3.session.Session(aws_access_key_id="t", aws_secret_access_key="t", region_name="us-east-1")
    return session.client("lambda", endpoint_url=endpoint), session.client("iam", endpoint_url=endpoint)


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_workers_end_with_the_cli_server(
    cli_cloud: tuple[subprocess.Popen[str], str], how: signal.Signals
) -> None:
    # GIVEN `fogbank cloud start` with two warm workers
    process, endpoint = cli_cloud
    pids = _deploy_and_run(*_clients(endpoint), parallel=2)
    assert pids and all(_alive(pid) for pid in pids)

    # WHEN the server gets SIGTERM (clean stop) or SIGKILL (no chance to clean up)
    os.kill(process.pid, how)
    process.wait(timeout=20)

    # THEN the workers end with it (stop() for SIGTERM, the parent-death signal for SIGKILL)
    assert _wait_until_gone(pids) == []
