"""The explicit wiring of one local cloud: which component receives which contract, in which order.

Each component receives what it uses as typed protocols (`fogbank.cloud.contracts`) in its constructor;
nothing is attached after construction. The order below is the start order (stop runs in reverse):

    bootstrap       AccountBootstrap(site, routes)                     default VPC, AWS managed policies
    telemetry       TelemetryComponent(site, routes)                   is a TelemetrySink
    iam             IamComponent(site, authorization, mode, telemetry) authorizes every signed request
    lambda_         LambdaComponent(site, routes, telemetry=..., credentials=iam...)  is a FunctionInvoker
    frontdoors      FrontDoorsComponent(site, routes, lambda_=...)     is the FrontDoorCommands
    appsync         AppSyncComponent(site, lambda_=..., edge=frontdoors)   GraphQL APIs on the TLS edge
    elasticache     ElastiCacheComponent(site, certificates=frontdoors)  cache server processes
    appconfig       AppConfigComponent(site, routes)
    events          EventsComponent(site, lambda_=..., denied=iam...)  EventBridge rules -> Lambda, schedules
    cloudformation  CloudFormationComponent(site, routes, clients=..., lambda_=..., frontdoors=...,
                                            appsync=..., elasticache=...)
    console         ConsoleComponent(site, clients, port)               only with a console port; reads the
                                                                        cloud through its public APIs

Example:
    >>> [field.name for field in fields(CloudComponents)]
    ['bootstrap', 'telemetry', 'iam', 'lambda_', 'frontdoors', 'appsync', 'elasticache', 'appconfig', 'events', 'cloudformation', 'console']
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from fogbank.cloud.appconfig.component import AppConfigComponent
from fogbank.cloud.appsync.component import AppSyncComponent
from fogbank.cloud.bootstrap import AccountBootstrap
from fogbank.cloud.cloudformation.component import CloudFormationComponent
from fogbank.cloud.console.component import ConsoleComponent
from fogbank.cloud.console.server import DEFAULT_CONSOLE_PORT
from fogbank.cloud.contracts import Authorization, ClientFactory, Component, Routes
from fogbank.cloud.elasticache.component import ElastiCacheComponent
from fogbank.cloud.events.component import EventsComponent
from fogbank.cloud.frontdoors.component import FrontDoorsComponent
from fogbank.cloud.iam.component import IamComponent
from fogbank.cloud.iam.findings import Mode
from fogbank.cloud.lambda_.component import LambdaComponent
from fogbank.cloud.site import CloudSite
from fogbank.cloud.telemetry.component import TelemetryComponent

__all__ = ["CloudComponents", "wire"]


@dataclass(frozen=True)
class CloudComponents:
    """The components of one LocalCloud, in start order."""

    bootstrap: AccountBootstrap
    telemetry: TelemetryComponent
    iam: IamComponent
    lambda_: LambdaComponent
    frontdoors: FrontDoorsComponent
    appsync: AppSyncComponent
    elasticache: ElastiCacheComponent
    appconfig: AppConfigComponent
    events: EventsComponent
    cloudformation: CloudFormationComponent
    console: ConsoleComponent | None = None

    def in_start_order(self) -> list[Component]:
        """Every component, in the order LocalCloud starts them (not `astuple`: that deep-copies)."""
        parts = [getattr(self, field.name) for field in fields(self)]
        return [part for part in parts if part is not None]


def wire(
    site: CloudSite,
    routes: Routes,
    clients: ClientFactory,
    *,
    authorization: Authorization,
    iam_mode: Mode = "enforce",
    console_port: int | None = None,
) -> CloudComponents:
    """Build every component, handing each the contracts it uses. Nothing is started yet.

    `authorization` is where IAM installs the per-request authorizer (the router); `iam_mode` is
    enforce, warn or off. `console_port` (0: any free port; the default port falls back to a free one when
    taken) adds the web console; None leaves it out.
    """
    telemetry = TelemetryComponent(site, routes)
    iam = IamComponent(site, authorization, mode=iam_mode, telemetry=telemetry)
    # The front doors invoke functions, and functions' environments need the doors' map: bound late.
    # Each execution environment runs as a session of its function's execution role.
    lambda_ = LambdaComponent(
        site,
        routes,
        telemetry=telemetry,
        door_map=lambda: frontdoors.door_map(),
        credentials=iam.execution_role_credentials,
    )
    frontdoors = FrontDoorsComponent(site, routes, lambda_=lambda_)
    appsync = AppSyncComponent(site, lambda_=lambda_, edge=frontdoors)
    elasticache = ElastiCacheComponent(site, certificates=frontdoors)
    return CloudComponents(
        bootstrap=AccountBootstrap(site, routes),
        telemetry=telemetry,
        iam=iam,
        lambda_=lambda_,
        frontdoors=frontdoors,
        appsync=appsync,
        elasticache=elasticache,
        appconfig=AppConfigComponent(site, routes),
        events=EventsComponent(site, lambda_=lambda_, denied=iam.note_service_denial),
        cloudformation=CloudFormationComponent(
            site,
            routes,
            clients=clients,
            lambda_=lambda_,
            frontdoors=frontdoors,
            appsync=appsync,
            elasticache=elasticache,
        ),
        console=None
        if console_port is None
        else ConsoleComponent(
            site, clients, console_port, any_port_if_taken=console_port == DEFAULT_CONSOLE_PORT
        ),
    )
