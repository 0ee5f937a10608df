"""A read-only view of a running LocalCloud for tests and tools: `LocalCloud.context`.

Components never receive it: each gets typed protocols in its constructor (`fogbank.cloud.contracts`,
wired in `fogbank.cloud.wiring`). The view keeps the attribute names tests and tools used before
(`ctx.endpoint`, `ctx.account_id`, `ctx.telemetry`, `ctx.lambda_`, `ctx.frontdoors`, `ctx.client(...)`).

Example (skipped as a doctest: it starts a local cloud):
    >>> with LocalCloud() as cloud:  # doctest: +SKIP
    ...     cloud.context.lambda_.worker_pids()
    []
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fogbank.cloud.contracts import ClientFactory, Component
from fogbank.cloud.site import CloudSite
from fogbank.local_credentials import LOCAL_CREDENTIALS_ENV

if TYPE_CHECKING:
    from fogbank.cloud.appconfig.component import AppConfigComponent
    from fogbank.cloud.cloudformation.component import CloudFormationComponent
    from fogbank.cloud.frontdoors.component import FrontDoorsComponent
    from fogbank.cloud.iam.component import IamComponent
    from fogbank.cloud.lambda_.component import LambdaComponent
    from fogbank.cloud.telemetry.component import TelemetryComponent
    from fogbank.cloud.wiring import CloudComponents

__all__ = ["DUMMY_CREDENTIALS", "CloudContext", "Component"]

DUMMY_CREDENTIALS = LOCAL_CREDENTIALS_ENV  # kept for imports of the old name; see fogbank.local_credentials


@dataclass(frozen=True)
class CloudContext:
    """Where a running cloud lives, its boto3 clients and its components (for tests and tools only)."""

    site: CloudSite
    components: CloudComponents
    clients: ClientFactory

    @property
    def endpoint(self) -> str:
        return self.site.endpoint

    @property
    def state_dir(self) -> Path:
        return self.site.state_dir

    @property
    def region(self) -> str:
        return self.site.region

    @property
    def account_id(self) -> str:
        return self.site.account_id

    @property
    def telemetry(self) -> TelemetryComponent:
        return self.components.telemetry

    @property
    def iam(self) -> IamComponent:
        return self.components.iam

    @property
    def lambda_(self) -> LambdaComponent:
        return self.components.lambda_

    @property
    def frontdoors(self) -> FrontDoorsComponent:
        return self.components.frontdoors

    @property
    def cloudformation(self) -> CloudFormationComponent:
        return self.components.cloudformation

    @property
    def appconfig(self) -> AppConfigComponent:
        return self.components.appconfig

    def env(self) -> dict[str, str]:
        """Environment variables that point boto3 (and the AWS CLI) at this cloud."""
        return self.site.env()

    def client(self, service: str, region: str | None = None) -> Any:
        """A boto3 client for `service` on this cloud, cached per thread."""
        return self.clients(service, region)
