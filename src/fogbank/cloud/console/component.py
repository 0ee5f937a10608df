"""The console as a component of a LocalCloud: started after every other component, stopped first.

It receives the cloud's site (endpoint, region) and its `ClientFactory` (boto3 clients on the endpoint), and
nothing else: it reads only through the cloud's public AWS APIs.

Example (skipped as a doctest: it starts a local cloud):
    >>> cloud = LocalCloud(console_port=0).start()  # doctest: +SKIP
    >>> cloud.console_url  # doctest: +SKIP
    'http://127.0.0.1:45123/_fogbank/console/'
"""

from __future__ import annotations

from typing import Protocol

from fogbank.cloud.console.server import ConsoleServer
from fogbank.cloud.contracts import ClientFactory
from fogbank.errors import CloudError

__all__ = ["ConsoleComponent"]


class _Site(Protocol):
    @property
    def endpoint(self) -> str: ...

    @property
    def region(self) -> str: ...


class ConsoleComponent:
    """Serves the web console on 127.0.0.1:`port` (0: any free port) while the cloud runs.

    With `any_port_if_taken`, a taken `port` (e.g. the default 4580 used by another cloud) falls back to a
    free one instead of failing the cloud's start.
    """

    def __init__(
        self, site: _Site, clients: ClientFactory, port: int, *, any_port_if_taken: bool = False
    ) -> None:
        self._site = site
        self._clients = clients
        self._port = port
        self._any_port_if_taken = any_port_if_taken
        self._server: ConsoleServer | None = None

    def start(self) -> None:
        server = ConsoleServer(self._site.endpoint, self._site.region, port=self._port, clients=self._clients)
        try:
            self._server = server.start()
        except CloudError:
            if not self._any_port_if_taken or self._port == 0:
                raise
            self._server = ConsoleServer(
                self._site.endpoint, self._site.region, port=0, clients=self._clients
            ).start()

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.stop()

    @property
    def url(self) -> str:
        """The console's home page; CloudError before start()."""
        if self._server is None:
            raise CloudError("the console is not started")
        return self._server.url
