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
# Enough pooled connections for every thread that shares a client (CloudFormation workers, request threads).
_CLIENT_CONFIG = Config(
    retries={"max_attempts": 1}, read_timeout=900, connect_timeout=5, max_pool_connections=64
)


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
    _clients: dict[tuple[str, str], Any] = field(default_factory=dict, init=False, repr=False)
    _clients_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _session: Any = field(default=None, init=False, repr=False)

    def env(self) -> dict[str, str]:
        """Environment variables that point boto3 (and the AWS CLI) at this cloud."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
            **DUMMY_CREDENTIALS,
        }

    def client(self, service: str, region: str | None = None) -> Any:
        """A boto3 client for `service` on this cloud, shared by every thread (botocore clients are thread-safe).

        One boto3 session builds them all, so each service model is read from disk once per process; building
        a client per thread from its own session cost 0.1-0.5 s each and dominated a first deploy.
        """
        key = (service, region or self.region)
        found = self._clients.get(key)
        if found is not None:
            return found
        with self._clients_lock:
            if key not in self._clients:
                if self._session is None:
                    self._session = boto3.session.Session(
                        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=self.region
                    )
                self._clients[key] = self._session.client(
                    service,
                    region_name=key[1],
                    endpoint_url=self.endpoint,
                    config=_CLIENT_CONFIG,
                )
            return self._clients[key]
