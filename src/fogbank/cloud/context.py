"""What the local cloud's components share: endpoint, region, state dir, boto3 clients, each other.

Example:
    >>> ctx = CloudContext(endpoint="http://127.0.0.1:4566", state_dir=Path("/tmp/x"), router=None)  # doctest: +SKIP
    >>> ctx.client("s3").list_buckets()  # doctest: +SKIP
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import boto3
from botocore.config import Config

from fogbank.cloud.router import ACCOUNT_ID, DEFAULT_REGION, AwsRouter

if TYPE_CHECKING:
    from fogbank.cloud.cloudformation.component import CloudFormationComponent
    from fogbank.cloud.frontdoors.component import FrontDoorsComponent
    from fogbank.cloud.lambda_.component import LambdaComponent
    from fogbank.cloud.telemetry.component import TelemetryComponent

__all__ = ["DUMMY_CREDENTIALS", "CloudContext", "Component"]

DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


class Component(Protocol):
    """A part of the local cloud with a lifecycle (LocalCloud keeps its components as these).

    `start()` registers routes and starts threads; `stop()` ends them, is idempotent and never raises.
    """

    def start(self) -> None: ...

    def stop(self) -> None: ...


@dataclass
class CloudContext:
    """Shared by every component of one LocalCloud."""

    endpoint: str
    state_dir: Path
    router: AwsRouter
    region: str = DEFAULT_REGION
    account_id: str = ACCOUNT_ID
    telemetry: TelemetryComponent = field(init=False)
    lambda_: LambdaComponent = field(init=False)
    cloudformation: CloudFormationComponent = field(init=False)
    frontdoors: FrontDoorsComponent = field(init=False)
    _clients: threading.local = field(default_factory=threading.local, init=False, repr=False)

    def env(self) -> dict[str, str]:
        """Environment variables that point boto3 (and the AWS CLI) at this cloud."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
            **DUMMY_CREDENTIALS,
        }

    def client(self, service: str, region: str | None = None) -> Any:
        """A boto3 client for `service` on this cloud, cached per thread (boto3 clients are not shared)."""
        key = (service, region or self.region)
        cache: dict[tuple[str, str], Any] = getattr(self._clients, "cache", None) or {}
        self._clients.cache = cache
        if key not in cache:
            session = boto3.session.Session(
                aws_access_key_id="testing", aws_secret_access_key="testing", region_name=key[1]
            )
            cache[key] = session.client(
                service,
                endpoint_url=self.endpoint,
                config=Config(retries={"max_attempts": 1}, read_timeout=900, connect_timeout=5),
            )
        return cache[key]
