"""CloudSite and AwsClients: where a cloud lives, and boto3 clients shared across threads."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from fogbank.cloud.site import AwsClients, CloudSite


def test_one_client_per_service_and_region_is_shared_by_every_thread(tmp_path: Path):
    # GIVEN a client factory (no cloud needs to run: building a client sends nothing)
    clients = AwsClients(CloudSite(endpoint="http://127.0.0.1:1", state_dir=tmp_path))
    seen: list[Any] = []

    def build() -> None:
        seen.append(clients("sqs"))

    # WHEN eight threads ask for the same service at once
    threads = [threading.Thread(target=build) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # THEN they all got the one client, pointed at the cloud, with the configured retries
    assert len({id(client) for client in seen}) == 1
    client = seen[0]
    assert client.meta.endpoint_url == "http://127.0.0.1:1" and client.meta.region_name == "us-east-1"
    assert client.meta.config.retries["total_max_attempts"] == 2  # max_attempts=1: one retry
    # AND another region is another client, another service another client
    assert clients("sqs", "eu-west-1").meta.region_name == "eu-west-1"
    assert clients("sqs", "eu-west-1") is not client and clients("sns") is not client


def test_env_points_boto3_at_the_cloud_with_the_local_credentials(tmp_path: Path):
    # GIVEN a site in eu-west-1
    site = CloudSite(endpoint="http://127.0.0.1:1", state_dir=tmp_path, region="eu-west-1")
    # WHEN its environment is read
    env = site.env()
    # THEN it names the endpoint, the region twice and the dummy credentials
    assert env == {
        "AWS_ENDPOINT_URL": "http://127.0.0.1:1",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
