"""CloudContext: boto3 clients for the components, shared across threads."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from fogbank.cloud.context import CloudContext


def test_one_client_per_service_and_region_is_shared_by_every_thread(tmp_path: Path):
    # GIVEN a context (no cloud needs to run: building a client sends nothing)
    ctx = CloudContext(endpoint="http://127.0.0.1:1", state_dir=tmp_path, router=None)  # type: ignore[arg-type]
    seen: list[Any] = []

    def build() -> None:
        seen.append(ctx.client("sqs"))

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
    assert ctx.client("sqs", "eu-west-1").meta.region_name == "eu-west-1"
    assert ctx.client("sqs", "eu-west-1") is not client and ctx.client("sns") is not client
