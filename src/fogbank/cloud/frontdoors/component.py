"""FrontDoorsComponent: the HTTP listeners of ALB, API Gateway REST and HTTP APIs, and Function URLs.

How a URL from stack outputs reaches its listener (see docs/front-doors.md):
- each load balancer gets a loopback address of its own (`127.a.b.c`, its DNSName) and each listener binds
  its template port there; a port below 1024 that cannot be bound (no root, no CAP_NET_BIND_SERVICE) is
  bound to a free port instead and mapped by the in-process connection shim;
- API Gateway and Function URLs keep their AWS URLs (`https://<id>.execute-api.<region>.amazonaws.com/...`,
  `https://<id>.lambda-url.<region>.on.aws/`): one TLS "edge" listener serves them by Host header with a
  certificate from a per-cloud CA, the shim sends connections for those names to it, and REQUESTS_CA_BUNDLE
  trusts the CA while the cloud runs. A plain-HTTP edge listener serves the same hosts for other processes.

Example (skipped as a doctest: it needs a running local cloud):
    >>> doors = FrontDoorsComponent(site, router, lambda_=lambda_component)  # doctest: +SKIP
    >>> doors.put_function_url(FunctionUrlModel(...))  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import copy
import errno
import os
import random
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fogbank.cloud.frontdoors.doors.alb import Action, AlbDoor, AlbListener, LambdaTargetGroup
from fogbank.cloud.frontdoors.doors.function_url import FunctionUrlDoor, FunctionUrlModel
from fogbank.cloud.frontdoors.doors.http_api import HttpApiDoor, HttpApiModel
from fogbank.cloud.frontdoors.doors.rest_api import RestApiDoor, RestApiModel
from fogbank.cloud.frontdoors.http import HttpRequest, HttpResponse
from fogbank.cloud.frontdoors.invoker import CloudInvoker
from fogbank.cloud.frontdoors.listener import HttpListener
from fogbank.cloud.frontdoors.shim import ConnectionShim
from fogbank.cloud.frontdoors.tls import LocalAuthority, configured_bundle
from fogbank.cloud.router import AwsRequest, AwsResponse
from fogbank.cloud.trust import ProcessTrust
from fogbank.errors import CloudError

if TYPE_CHECKING:
    from fogbank.cloud.contracts import FunctionInvoker, Routes
    from fogbank.cloud.site import CloudSite

__all__ = ["DOOR_MAP_PATH", "FrontDoorsComponent"]

# GET <endpoint>/_fogbank/frontdoors: how other processes (Lambda workers, tests using `--fogbank-endpoint`)
# reach the doors: the connection shim's table, the edge listeners and the CA (see docs/front-doors.md).
DOOR_MAP_PATH = "/_fogbank/frontdoors"


def _extra_domains(region: str) -> list[str]:
    """Domains other components serve on the edge (`serve_domain`); the edge certificate names them."""
    return [f"appsync-api.{region}.amazonaws.com"]


class FrontDoorsComponent:
    """Owns every front-door listener of one LocalCloud; providers register what they create here.

    Implements `fogbank.cloud.contracts.FrontDoorCommands`; calls functions through `lambda_` (a
    `FunctionInvoker`) after checking their resource policies.
    """

    def __init__(self, site: CloudSite, routes: Routes, *, lambda_: FunctionInvoker) -> None:
        self._site = site
        self._routes = routes
        self.invoker = CloudInvoker(site, lambda_)
        self._lock = threading.Lock()
        self.shim = ConnectionShim()
        self._trust = ProcessTrust(self.shim)
        self._edge_tls: HttpListener | None = None
        self._edge_plain: HttpListener | None = None
        self.ca_file: str | None = None
        self.bundle_file: str | None = None
        self._rest: dict[str, RestApiDoor] = {}
        self._http: dict[str, HttpApiDoor] = {}
        self._urls: dict[str, FunctionUrlDoor] = {}
        self._target_groups: dict[str, LambdaTargetGroup] = {}
        self._lb_addresses: dict[str, str] = {}
        self._alb: dict[str, tuple[AlbDoor, HttpListener, str, int]] = {}
        self._domains: dict[str, Callable[[HttpRequest], HttpResponse]] = {}
        self._authority: LocalAuthority | None = None

    # -- lifecycle ---------------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the edge listeners (TLS and plain), install the connection shim, trust the local CA."""
        region = self._site.region
        names = [f"*.execute-api.{region}.amazonaws.com", f"*.lambda-url.{region}.on.aws"]
        names += [f"*.{domain}" for domain in _extra_domains(region)]
        self._authority = LocalAuthority.create(names)
        files = self._authority.write(
            self._site.state_dir / "frontdoors-tls", trusted=configured_bundle(os.environ)
        )
        self.ca_file, self.bundle_file = str(files.ca_cert), str(files.bundle)
        self._edge_tls = HttpListener("127.0.0.1", 0, self._edge, tls=files.server_context())
        self._edge_plain = HttpListener("127.0.0.1", 0, self._edge)
        for suffix in names:
            self.shim.map_suffix(suffix[1:], 443, ("127.0.0.1", self._edge_tls.port))
        self._trust.install(files.bundle)  # the shim and the CA bundle settings: see fogbank.cloud.trust
        self._routes.add_path(DOOR_MAP_PATH, self._door_map)

    def stop(self) -> None:
        """Close every listener, remove the shim and the CA settings (`ProcessTrust`). Idempotent, never raises."""
        with self._lock:
            listeners = [entry[1] for entry in self._alb.values()] + [self._edge_tls, self._edge_plain]
            self._alb.clear()
            self._edge_tls = self._edge_plain = None
        for listener in listeners:
            if listener is not None:
                with contextlib.suppress(OSError):
                    listener.close()
        self._trust.remove()

    @property
    def edge_port(self) -> int:
        """The plain-HTTP edge port: `curl -H 'Host: <api host>' http://127.0.0.1:<port>/<stage>/...`."""
        if self._edge_plain is None:
            raise CloudError("the front doors are not started")
        return self._edge_plain.port

    @property
    def edge_tls_port(self) -> int:
        """The TLS edge port: `curl --connect-to ::127.0.0.1:<port> --cacert <ca_file> https://<api host>/`."""
        if self._edge_tls is None:
            raise CloudError("the front doors are not started")
        return self._edge_tls.port

    def door_map(self) -> dict[str, Any] | None:
        """The shim table, edge listeners and CA files other processes need; None before start().

        Example (skipped as a doctest: it needs a running local cloud):
            >>> frontdoors.door_map()["edge_tls"]  # doctest: +SKIP
            ['127.0.0.1', 40443]
        """
        with self._lock:
            tls, plain = self._edge_tls, self._edge_plain
        if tls is None or plain is None or self.ca_file is None:
            return None
        return {
            "region": self._site.region,
            "edge_tls": ["127.0.0.1", tls.port],
            "edge_plain": ["127.0.0.1", plain.port],
            "ca_file": self.ca_file,
            "ca_bundle_file": self.bundle_file,
            "shim": self.shim.table(),
        }

    def _door_map(self, request: AwsRequest) -> AwsResponse:
        """GET /_fogbank/frontdoors: `door_map()` with the CA's PEM, for other processes."""
        if request.method != "GET":
            return AwsResponse(405, b"the front-door map is read with GET")
        door_map = self.door_map()
        if door_map is None:
            return AwsResponse.json({"message": "the front doors are not started"}, 503)
        return AwsResponse.json({**door_map, "ca_pem": Path(door_map["ca_file"]).read_text()})

    # -- API Gateway and Function URLs -------------------------------------------------------------------
    def put_rest_api(self, model: RestApiModel) -> None:
        """Serve a REST API at its execute-api host (replacing any door with the same id)."""
        with self._lock:
            self._rest[model.api_id] = RestApiDoor(model, self.invoker)

    def remove_rest_api(self, api_id: str) -> None:
        """Stop serving a REST API; unknown ids are ignored (deletes are idempotent)."""
        with self._lock:
            self._rest.pop(api_id, None)

    def rest_api(self, api_id: str) -> RestApiModel | None:
        """A snapshot (a copy) of the served REST API's model, or None when it is not served."""
        with self._lock:
            door = self._rest.get(api_id)
            return copy.deepcopy(door.model) if door else None

    def change_rest_api(self, api_id: str, change: Callable[[RestApiModel], object]) -> bool:
        """Apply `change` to a copy of the served model under the lock, then serve the copy (one swap: a
        request sees the old model or the new one). False when the API is not served. `change` must not
        call other services (it runs under the lock)."""
        with self._lock:
            door = self._rest.get(api_id)
            if door is None:
                return False
            model = copy.deepcopy(door.model)
            change(model)
            door.model = model
            return True

    def put_http_api(self, model: HttpApiModel) -> None:
        """Serve an HTTP API at its execute-api host (replacing any door with the same id)."""
        with self._lock:
            self._http[model.api_id] = HttpApiDoor(model, self.invoker)

    def remove_http_api(self, api_id: str) -> None:
        """Stop serving an HTTP API; unknown ids are ignored."""
        with self._lock:
            self._http.pop(api_id, None)

    def http_api(self, api_id: str) -> HttpApiModel | None:
        """A snapshot (a copy) of the served HTTP API's model, or None when it is not served."""
        with self._lock:
            door = self._http.get(api_id)
            return copy.deepcopy(door.model) if door else None

    def change_http_api(self, api_id: str, change: Callable[[HttpApiModel], object]) -> bool:
        """As `change_rest_api`, for an HTTP API (routes, stages)."""
        with self._lock:
            door = self._http.get(api_id)
            if door is None:
                return False
            model = copy.deepcopy(door.model)
            change(model)
            door.model = model
            return True

    def put_function_url(self, model: FunctionUrlModel) -> None:
        """Serve a function URL at `<url id>.lambda-url.<region>.on.aws`."""
        with self._lock:
            self._urls[model.url_id] = FunctionUrlDoor(model, self.invoker, self._public_url_allowed)

    def remove_function_url(self, url_id: str) -> None:
        """Stop serving a function URL; unknown ids are ignored."""
        with self._lock:
            self._urls.pop(url_id, None)

    def _public_url_allowed(self, function_arn: str, auth_type: str) -> bool:
        return self.invoker.allowed(
            function_arn, "*", "lambda:InvokeFunctionUrl", None, {"lambda:FunctionUrlAuthType": auth_type}
        )

    # -- other services' HTTPS hosts (AppSync) and certificates (ElastiCache TLS) ------------------------
    def serve_domain(self, domain: str, handler: Callable[[HttpRequest], HttpResponse]) -> None:
        """Serve `<anything>.<domain>:443` on the TLS edge (and the plain edge) with `handler`.

        The domain must be one the edge certificate names (`_extra_domains`).
        """
        if self._edge_tls is None:
            raise CloudError("the front doors are not started; start them before serving a domain")
        if domain not in _extra_domains(self._site.region):
            raise CloudError(f"the edge certificate does not name *.{domain}; add it to _extra_domains")
        with self._lock:
            self._domains[domain] = handler
        self.shim.map_suffix(f".{domain}", 443, ("127.0.0.1", self._edge_tls.port))

    def stop_serving_domain(self, domain: str) -> None:
        """Stop serving `<anything>.<domain>`: its handler and its connection mapping go."""
        with self._lock:
            self._domains.pop(domain, None)
        self.shim.unmap_suffix(f".{domain}", 443)

    def issue_certificate(self, directory: Path, names: list[str], addresses: list[str]) -> tuple[Path, Path]:
        """A server certificate and key signed by this cloud's CA (which workers trust), written to `directory`."""
        if self._authority is None:
            raise CloudError("the front doors are not started; start them before issuing certificates")
        return self._authority.issue(directory, names, addresses)

    def _edge(self, request: HttpRequest) -> HttpResponse:
        host = request.host.lower()
        api_id, _, domain = host.partition(".")
        handler = self._domains.get(domain)
        if handler is not None:
            return handler(request)
        if domain == f"execute-api.{self._site.region}.amazonaws.com":
            rest, http = self._rest.get(api_id), self._http.get(api_id)
            if rest is not None:
                return rest.handle(request)
            if http is not None:
                return http.handle(request)
        elif domain == f"lambda-url.{self._site.region}.on.aws" and api_id in self._urls:
            return self._urls[api_id].handle(request)
        return HttpResponse.json(
            {"message": f"no API or function URL named {host!r} on this local cloud; deploy it first"}, 404
        )

    # -- Application Load Balancers ----------------------------------------------------------------------
    def allocate_load_balancer(self, arn: str) -> str:
        """A loopback address of its own for a load balancer (its DNSName)."""
        with self._lock:
            used = set(self._lb_addresses.values())
            while True:
                address = f"127.{random.randint(1, 254)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
                if address not in used:
                    self._lb_addresses[arn] = address
                    return address

    def release_load_balancer(self, arn: str) -> None:
        """Give a deleted load balancer's loopback address back."""
        with self._lock:
            self._lb_addresses.pop(arn, None)

    def put_target_group(self, group: LambdaTargetGroup) -> None:
        """Make a Lambda target group available to every listener's forward actions."""
        with self._lock:
            self._target_groups[group.arn] = group

    def remove_target_group(self, arn: str) -> None:
        """Forget a target group; a forward to it then answers 503, as ALB does without targets."""
        with self._lock:
            self._target_groups.pop(arn, None)

    def add_alb_listener(self, load_balancer_arn: str, listener: AlbListener) -> int:
        """Bind the listener's port on the load balancer's address; returns the port actually bound."""
        address = self._lb_addresses.get(load_balancer_arn)
        if address is None:
            raise CloudError(
                f"load balancer {load_balancer_arn} has no address on this local cloud; create it first"
            )
        door = AlbDoor(listener, self._target_groups, self.invoker)
        bound = self._bind(address, listener.port, door)
        with self._lock:
            self._alb[listener.arn] = (door, bound, address, listener.port)
        return bound.port

    def _bind(self, address: str, port: int, door: AlbDoor) -> HttpListener:
        """Serve the door on address:port; a port below 1024 without privileges is a free port in the shim."""
        try:
            return HttpListener(address, port, door.handle)
        except PermissionError:
            bound = HttpListener(address, 0, door.handle)
            self.shim.map_host(address, port, (address, bound.port))
            return bound
        except OSError as exc:
            reason = "is in use" if exc.errno == errno.EADDRINUSE else f"cannot be bound ({exc.strerror})"
            raise CloudError(f"listener port {port} on {address} {reason}; choose another Port") from exc

    def update_alb_listener(self, arn: str, port: int, default_actions: list[Action]) -> int:
        """Change a listener in place: new default actions at once; a new port is bound before the old closes.

        Returns the port actually bound. Rules stay as they are (ListenerRule resources own them).
        """
        with self._lock:
            entry = self._alb.get(arn)
        if entry is None:
            raise CloudError(f"listener {arn} is not served by this local cloud; create it first")
        door, bound, address, old_port = entry
        if port != old_port:
            new_bound = self._bind(address, port, door)
            with self._lock:
                self._alb[arn] = (door, new_bound, address, port)
            self.shim.unmap_host(address, old_port)
            bound.close()
            bound = new_bound

        def new_defaults(listener: AlbListener) -> None:
            listener.port, listener.default_actions = port, list(default_actions)

        self.change_alb_listener(arn, new_defaults)
        return bound.port

    def alb_listener(self, arn: str) -> AlbListener | None:
        """A snapshot (a copy) of the served listener, or None when it is not served."""
        with self._lock:
            entry = self._alb.get(arn)
            return copy.deepcopy(entry[0].listener) if entry else None

    def change_alb_listener(self, arn: str, change: Callable[[AlbListener], object]) -> bool:
        """As `change_rest_api`, for a listener (its rules, its default actions). False when not served."""
        with self._lock:
            entry = self._alb.get(arn)
            if entry is None:
                return False
            listener = copy.deepcopy(entry[0].listener)
            change(listener)
            entry[0].listener = listener
            return True

    def remove_alb_listener(self, arn: str) -> None:
        """Close a listener: its port is released and its open connections are ended."""
        with self._lock:
            entry = self._alb.pop(arn, None)
        if entry is not None:
            _, bound, address, port = entry
            self.shim.unmap_host(address, port)
            bound.close()
