"""The contracts between the local cloud's components: what each one receives in its constructor.

No component reaches another through a shared object. `fogbank.cloud.wiring.wire` builds them in an explicit
order and hands each one the protocols below (see docs/architecture.md, "Components"):

    TelemetryComponent(site, routes)
    IamComponent(site, authorization: Authorization, mode, telemetry: TelemetrySink)
    LambdaComponent(site, routes, telemetry: TelemetrySink, credentials=iam.execution_role_credentials)
    FrontDoorsComponent(site, routes, invoker: DoorInvoker)        # CloudInvoker(site, lambda_: FunctionInvoker)
    AppConfigComponent(site, routes)
    EventsComponent(site, lambda_: FunctionInvoker, denied=iam.note_service_denial)
    CloudFormationComponent(site, routes, clients: ClientFactory, invoker: FunctionInvoker,
                            frontdoors: FrontDoorCommands)         # providers get a ProviderServices bundle

A component that needs another's behaviour names a Protocol here; a test can pass a fake that satisfies it.

Example:
    >>> from fogbank.cloud.router import AwsRouter
    >>> isinstance(AwsRouter(lambda environ, start_response: []), Routes)
    True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:
    from pathlib import Path

    from fogbank.cloud.appsync.model import GraphqlApiModel
    from fogbank.cloud.elasticache.component import CacheEndpoint
    from fogbank.cloud.frontdoors.doors.alb import Action, AlbListener, LambdaTargetGroup
    from fogbank.cloud.frontdoors.doors.function_url import FunctionUrlModel
    from fogbank.cloud.frontdoors.doors.http_api import HttpApiModel
    from fogbank.cloud.frontdoors.doors.rest_api import RestApiModel
    from fogbank.cloud.frontdoors.http import HttpRequest, HttpResponse
    from fogbank.cloud.lambda_.api import InvokeResult
    from fogbank.cloud.router import Handler
    from fogbank.cloud.telemetry.records import InvocationRecord, LogLine

__all__ = [
    "AppSyncCommands",
    "Authorization",
    "CacheCommands",
    "CertificateIssuer",
    "ClientFactory",
    "Component",
    "CustomResourceResponses",
    "EdgeDomains",
    "FrontDoorCommands",
    "FunctionInvoker",
    "InvocationType",
    "ProviderServices",
    "Routes",
    "TelemetrySink",
]

InvocationType = Literal["RequestResponse", "Event", "DryRun"]


class Component(Protocol):
    """A part of the local cloud with a lifecycle (LocalCloud starts them in order, stops them in reverse).

    `start()` registers routes and starts threads; `stop()` ends them, is idempotent and never raises.
    """

    def start(self) -> None: ...

    def stop(self) -> None: ...


@runtime_checkable
class Routes(Protocol):
    """Where a component registers its request handlers (the endpoint's `AwsRouter`)."""

    def add(self, service: str, handler: Handler) -> None:
        """Give `handler` a look at every request signed for `service` (None from it = "not mine")."""

    def add_path(self, prefix: str, handler: Handler) -> None:
        """Route every request whose path starts with `prefix` to `handler` (unsigned, fogbank-internal)."""


@runtime_checkable
class Authorization(Protocol):
    """Where the IAM component installs the per-request authorizer (the endpoint's `AwsRouter`)."""

    def set_authorizer(self, authorizer: Handler | None) -> None:
        """Call `authorizer` once per signed request before any handler (None: no authorization)."""


class ClientFactory(Protocol):
    """A boto3 client for a service on this cloud (cached per thread): `clients("s3", "eu-west-1")`."""

    def __call__(self, service: str, region: str | None = None) -> Any: ...


class TelemetrySink(Protocol):
    """What Lambda hands to telemetry (implemented by `TelemetryComponent`)."""

    def put_log_lines(
        self, log_group: str, log_stream: str, lines: Sequence[LogLine], *, region: str | None = None
    ) -> None:
        """Store lines in CloudWatch Logs of `region` (default: the cloud's) and turn EMF lines into metrics;
        queryable on return."""

    def record_invocation(self, record: InvocationRecord) -> None:
        """Emit Lambda's own X-Ray segments for one invocation (nothing unless tracing is Active)."""

    @property
    def xray_daemon_address(self) -> str:
        """`127.0.0.1:<udp port>` for AWS_XRAY_DAEMON_ADDRESS (available once telemetry started)."""
        ...


class FunctionInvoker(Protocol):
    """The in-process Invoke (implemented by `LambdaComponent`); API errors come back as non-2xx results."""

    def invoke(
        self,
        function: str,
        payload: bytes,
        *,
        invocation_type: InvocationType = "RequestResponse",
        trace_header: str | None = None,
        qualifier: str | None = None,
        on_event_outcome: Callable[[InvokeResult], None] | None = None,
    ) -> InvokeResult: ...


class CustomResourceResponses(Protocol):
    """The ResponseURL mailbox of custom resources (implemented by the CloudFormation component)."""

    def open(self) -> str:
        """A new token; the handler PUTs its answer to `response_url(token)`."""

    def response_url(self, token: str) -> str:
        """The ResponseURL for `token` on this cloud's endpoint."""

    def wait(self, token: str, timeout: float) -> dict[str, Any] | None:
        """The parsed response, None at the deadline; FailedWithoutResponse after `fail` and no answer."""

    def fail(self, token: str, failure: str) -> bool:
        """Record that the invocation ended without answering (wakes `wait` after a grace period)."""


class FrontDoorCommands(Protocol):
    """What resource providers may do to the front doors (implemented by `FrontDoorsComponent`).

    Every command runs under the component's lock. The reads (`rest_api`, `http_api`, `alb_listener`) return
    snapshots (copies); a provider changes a served model only with `change_*`, which applies its function
    to a copy under the lock and serves the copy.
    """

    def put_rest_api(self, model: RestApiModel) -> None: ...

    def remove_rest_api(self, api_id: str) -> None: ...

    def rest_api(self, api_id: str) -> RestApiModel | None: ...

    def change_rest_api(self, api_id: str, change: Callable[[RestApiModel], object]) -> bool: ...

    def put_http_api(self, model: HttpApiModel) -> None: ...

    def remove_http_api(self, api_id: str) -> None: ...

    def http_api(self, api_id: str) -> HttpApiModel | None: ...

    def change_http_api(self, api_id: str, change: Callable[[HttpApiModel], object]) -> bool: ...

    def put_function_url(self, model: FunctionUrlModel) -> None: ...

    def remove_function_url(self, url_id: str) -> None: ...

    def allocate_load_balancer(self, arn: str) -> str: ...

    def release_load_balancer(self, arn: str) -> None: ...

    def put_target_group(self, group: LambdaTargetGroup) -> None: ...

    def remove_target_group(self, arn: str) -> None: ...

    def add_alb_listener(self, load_balancer_arn: str, listener: AlbListener) -> int: ...

    def update_alb_listener(self, arn: str, port: int, default_actions: list[Action]) -> int: ...

    def remove_alb_listener(self, arn: str) -> None: ...

    def alb_listener(self, arn: str) -> AlbListener | None: ...

    def change_alb_listener(self, arn: str, change: Callable[[AlbListener], object]) -> bool: ...


class EdgeDomains(Protocol):
    """HTTPS host names other components serve on the front doors' TLS edge (implemented by FrontDoorsComponent)."""

    def serve_domain(self, domain: str, handler: Callable[[HttpRequest], HttpResponse]) -> None:
        """Send requests for `<anything>.<domain>` on the edge to `handler` (the edge certificate names it)."""

    def stop_serving_domain(self, domain: str) -> None: ...


class CertificateIssuer(Protocol):
    """Server certificates signed by the local cloud's CA, which workers trust (implemented by FrontDoorsComponent)."""

    def issue_certificate(self, directory: Path, names: list[str], addresses: list[str]) -> tuple[Path, Path]:
        """Write a certificate for host `names` and IP `addresses` and its key; returns (cert, key) paths."""
        ...


class AppSyncCommands(Protocol):
    """What the AppSync providers may do to the served GraphQL APIs (implemented by AppSyncComponent)."""

    def put_api(self, api: GraphqlApiModel) -> None: ...

    def remove_api(self, api_id: str) -> None: ...

    def api(self, api_id: str) -> GraphqlApiModel | None: ...


class CacheCommands(Protocol):
    """What the ElastiCache providers may do to cache servers (implemented by ElastiCacheComponent)."""

    def create_cache(
        self, cache_id: str, *, tls: bool, port: int = 6379, parameters: dict[str, str] | None = None
    ) -> CacheEndpoint: ...

    def delete_cache(self, cache_id: str) -> None: ...

    def put_parameter_group(self, name: str, parameters: dict[str, str]) -> None: ...

    def remove_parameter_group(self, name: str) -> None: ...

    def parameter_group(self, name: str) -> dict[str, str] | None: ...


@dataclass(frozen=True)
class ProviderServices:
    """What CloudFormation resource providers may use besides their request: the bundle the engine passes.

    - `client(service, region)`: boto3 clients on this cloud's public APIs (most providers need nothing else);
    - `invoker`: the in-process Lambda Invoke (custom resources);
    - `frontdoors`: the front-door commands (API Gateway, ELBv2, Function URL providers);
    - `custom_resources`: the ResponseURL mailbox (custom resources);
    - `appsync`: the served GraphQL APIs (AppSync providers);
    - `elasticache`: the cache servers (ElastiCache providers).
    """

    clients: ClientFactory
    invoker: FunctionInvoker
    frontdoors: FrontDoorCommands
    custom_resources: CustomResourceResponses
    appsync: AppSyncCommands
    elasticache: CacheCommands

    def client(self, service: str, region: str | None = None) -> Any:
        """A boto3 client for `service` on this cloud (in `region`, default the cloud's)."""
        return self.clients(service, region)
