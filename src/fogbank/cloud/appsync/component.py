"""AppSyncComponent: serves every deployed GraphQL API at its AWS URL through the front doors' TLS edge.

Example (skipped as a doctest: it needs a running local cloud):
    >>> appsync = AppSyncComponent(site, lambda_=lambda_component, edge=frontdoors)  # doctest: +SKIP
    >>> appsync.put_api(GraphqlApiModel("abc", "demo", "us-east-1", "123456789012", ("API_KEY",)))  # doctest: +SKIP
    >>> requests.post("https://abc.appsync-api.us-east-1.amazonaws.com/graphql", ...)  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import threading
from typing import TYPE_CHECKING

from fogbank.cloud.appsync.door import GraphqlDoor
from fogbank.cloud.appsync.errors import rejection
from fogbank.cloud.appsync.execution import ResolverInvoker
from fogbank.cloud.appsync.model import GraphqlApiModel
from fogbank.cloud.frontdoors.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from fogbank.cloud.contracts import EdgeDomains
    from fogbank.cloud.site import CloudSite

__all__ = ["AppSyncComponent", "appsync_domain"]


def appsync_domain(region: str) -> str:
    """`appsync-api.<region>.amazonaws.com`: GraphQL APIs are `<api id>.<this>`."""
    return f"appsync-api.{region}.amazonaws.com"


class AppSyncComponent:
    """Owns the served GraphQL APIs of one LocalCloud; the AppSync providers register APIs here.

    Satisfies `fogbank.cloud.contracts.AppSyncCommands`. `lambda_` runs the resolvers (direct Lambda), `edge`
    serves `*.appsync-api.<region>.amazonaws.com` on the front doors' TLS edge.
    """

    def __init__(self, site: CloudSite, *, lambda_: ResolverInvoker, edge: EdgeDomains) -> None:
        self._region = site.region
        self._invoker = lambda_
        self._edge = edge
        self._lock = threading.Lock()
        self._doors: dict[str, GraphqlDoor] = {}
        self._started = False

    def start(self) -> None:
        self._edge.serve_domain(appsync_domain(self._region), self.handle)
        self._started = True

    def stop(self) -> None:
        if self._started:
            self._started = False
            with contextlib.suppress(Exception):  # stop never raises; the edge may already be gone
                self._edge.stop_serving_domain(appsync_domain(self._region))
        with self._lock:
            self._doors.clear()

    def put_api(self, api: GraphqlApiModel) -> None:
        """Serve an API at `https://<api id>.appsync-api.<region>.amazonaws.com/graphql`."""
        with self._lock:
            self._doors[api.api_id] = GraphqlDoor(api, self._invoker)

    def remove_api(self, api_id: str) -> None:
        """Stop serving an API; unknown ids are ignored (deletes are idempotent)."""
        with self._lock:
            self._doors.pop(api_id, None)

    def api(self, api_id: str) -> GraphqlApiModel | None:
        """The served API's model (providers add its schema, keys, data sources and resolvers), or None."""
        door = self._doors.get(api_id)
        return door.api if door else None

    def handle(self, request: HttpRequest) -> HttpResponse:
        api_id = request.host.lower().partition(".")[0]
        door = self._doors.get(api_id)
        if door is None:
            return rejection(
                404,
                "NotFoundException",
                f"GraphQL API {api_id} not found on this local cloud; deploy it first",
            )
        return door.handle(request)
