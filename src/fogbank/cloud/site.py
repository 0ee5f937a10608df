"""Where one local cloud lives (endpoint, region, account, state dir) and its boto3 client factory.

Plain values every component may receive; neither holds a component.

Example:
    >>> site = CloudSite(endpoint="http://127.0.0.1:4566", state_dir=Path("/tmp/x"))
    >>> site.env()["AWS_ENDPOINT_URL"], site.region
    ('http://127.0.0.1:4566', 'us-east-1')
    >>> AwsClients(site)("s3").meta.endpoint_url
    'http://127.0.0.1:4566'
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from fogbank.cloud.router import ACCOUNT_ID, DEFAULT_REGION
from fogbank.local_credentials import LOCAL_BOTO3_CREDENTIALS, LOCAL_CREDENTIALS_ENV

__all__ = ["AwsClients", "CloudSite"]

# Enough pooled connections for every thread that shares a client (CloudFormation workers, request threads).
_CLIENT_CONFIG = Config(
    retries={"max_attempts": 1}, read_timeout=900, connect_timeout=5, max_pool_connections=64
)


@dataclass(frozen=True)
class CloudSite:
    """The endpoint, state directory, region and account of one LocalCloud."""

    endpoint: str
    state_dir: Path
    region: str = DEFAULT_REGION
    account_id: str = ACCOUNT_ID

    def env(self) -> dict[str, str]:
        """Environment variables that point boto3 (and the AWS CLI) at this cloud."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
            **LOCAL_CREDENTIALS_ENV,
        }


class AwsClients:
    """boto3 clients on one cloud: one per (service, region), shared by every thread.

    botocore clients are thread-safe. One boto3 session builds them all, so each service model is read from
    disk once per process; building a client per thread from its own session cost 0.1-0.5 s each and
    dominated a first deploy. Satisfies `fogbank.cloud.contracts.ClientFactory`.
    """

    def __init__(self, site: CloudSite) -> None:
        self._site = site
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        self._session: boto3.session.Session | None = None

    def __call__(self, service: str, region: str | None = None) -> Any:
        key = (service, region or self._site.region)
        found = self._clients.get(key)
        if found is not None:
            return found
        with self._lock:
            if key not in self._clients:
                if self._session is None:
                    self._session = boto3.session.Session(
                        region_name=self._site.region, **LOCAL_BOTO3_CREDENTIALS
                    )
                self._clients[key] = self._session.client(
                    service, region_name=key[1], endpoint_url=self._site.endpoint, config=_CLIENT_CONFIG
                )
            return self._clients[key]
