"""The local cloud's endpoint: lifecycle, boto3 unmodified, AWS-shaped errors, and the CLI."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from fogbank.cloud import LocalCloud
from fogbank.cloud.contracts import Component
from fogbank.cloud.site import CloudSite
from fogbank.cloud.wiring import CloudComponents
from fogbank.errors import CloudError


def _client(cloud: LocalCloud, service: str):  # type: ignore[no-untyped-def]
    return boto3.client(
        service,
        endpoint_url=cloud.endpoint,
        region_name="us-east-1",
        aws_access_key_id="any",
        aws_secret_access_key="any",
    )


def test_boto3_reaches_moto_services_through_the_endpoint() -> None:
    # GIVEN a running local cloud
    with LocalCloud() as cloud:
        # WHEN boto3 uses it with any credentials
        s3 = _client(cloud, "s3")
        s3.create_bucket(Bucket="fogbank-test-bucket")
        s3.put_object(Bucket="fogbank-test-bucket", Key="k", Body=b"v")
        ssm = _client(cloud, "ssm")
        ssm.put_parameter(Name="/p", Value="1", Type="String")
        # THEN the services answer as AWS does
        assert s3.get_object(Bucket="fogbank-test-bucket", Key="k")["Body"].read() == b"v"
        assert ssm.get_parameter(Name="/p")["Parameter"]["Value"] == "1"
        assert cloud.endpoint.startswith("http://127.0.0.1:")


def test_errors_keep_aws_codes() -> None:
    with LocalCloud() as cloud, pytest.raises(ClientError) as caught:
        _client(cloud, "s3").get_object(Bucket="missing-bucket", Key="k")
    assert caught.value.response["Error"]["Code"] == "NoSuchBucket"


def test_state_is_fresh_for_each_cloud() -> None:
    # GIVEN a bucket made in one cloud
    with LocalCloud() as first:
        _client(first, "s3").create_bucket(Bucket="fogbank-leftover")
    # WHEN a new cloud starts in the same process
    with LocalCloud() as second:
        buckets = _client(second, "s3").list_buckets()["Buckets"]
    # THEN it starts empty
    assert buckets == []


def test_two_clouds_in_one_process_is_a_clear_error() -> None:
    with LocalCloud() as cloud:
        with pytest.raises(CloudError, match="already running"):
            LocalCloud().start()
        assert cloud.endpoint


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"port": 65536}, "cannot bind 127.0.0.1:65536 for the local cloud (bind(): port must be 0-65535"),
        ({"port": 0, "console_port": 70000}, "cannot bind 127.0.0.1:70000 for the console"),
        (
            {"port": 0, "state_dir": Path("/proc/no-such-dir")},
            "cannot use /proc/no-such-dir as the local cloud's",
        ),
    ],
)
def test_a_cloud_that_cannot_start_says_why_and_leaves_nothing_running(
    options: dict[str, object], words: str
) -> None:
    # WHEN a cloud is started with a port out of range or a state directory it cannot make
    with pytest.raises(CloudError) as raised:
        LocalCloud(**options).start()  # type: ignore[arg-type]

    # THEN the error names the value and the next step (not an OverflowError or FileNotFoundError traceback),
    # and a cloud can start right after (the failed one is stopped)
    assert words in str(raised.value) and ("choose" in str(raised.value)), raised.value
    with LocalCloud() as cloud:
        assert cloud.endpoint


def test_stop_releases_the_port_and_state_dir() -> None:
    # GIVEN a started cloud
    cloud = LocalCloud().start()
    port, state_dir = cloud.port, cloud.context.state_dir
    # WHEN it stops (twice: stop is idempotent)
    cloud.stop()
    cloud.stop()
    # THEN its temporary state is gone and the port can be bound again
    assert not state_dir.exists()
    with LocalCloud(port=port) as again:
        assert again.port == port


def test_cli_prints_endpoint_first_and_stops_on_sigterm(tmp_path: Path) -> None:
    # GIVEN `fogbank cloud start --port 0` in the foreground
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fogbank.cli",
            "cloud",
            "start",
            "--port",
            "0",
            "--state-dir",
            str(tmp_path / "s"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline().strip()
        # THEN the first line names the endpoint on loopback
        assert first_line.startswith("endpoint: http://127.0.0.1:")
        endpoint = first_line.split(" ", 1)[1]
        s3 = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="a",
            aws_secret_access_key="b",
        )
        assert s3.list_buckets()["Buckets"] == []
        # WHEN it receives SIGTERM
        process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        while process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        # THEN it exits cleanly
        assert process.returncode == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


class _EndpointProbe:
    """A component that records, when it is stopped, whether the endpoint still accepts connections."""

    def __init__(self, site: CloudSite) -> None:
        self.site = site
        self.accepting_at_stop: bool | None = None

    def start(self) -> None:
        return None

    def stop(self) -> None:
        host, port = self.site.endpoint.removeprefix("http://").rsplit(":", 1)
        try:
            socket.create_connection((host, int(port)), timeout=2).close()
            self.accepting_at_stop = True
        except OSError:
            self.accepting_at_stop = False


class _ProbedCloud(LocalCloud):
    probes: list[_EndpointProbe] = []

    def _start_order(self, parts: CloudComponents) -> list[Component]:
        probe = _EndpointProbe(self.context.site)
        _ProbedCloud.probes.append(probe)
        return [*super()._start_order(parts), probe]


def test_stop_closes_the_endpoint_before_stopping_components() -> None:
    # GIVEN a running cloud with a component that checks the endpoint when it is stopped
    cloud = _ProbedCloud().start()
    probe = _ProbedCloud.probes[-1]

    # WHEN the cloud stops
    cloud.stop()

    # THEN the endpoint no longer accepted connections by the time components were stopped
    assert probe.accepting_at_stop is False
