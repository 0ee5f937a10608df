"""LocalCloud: an AWS-compatible endpoint on 127.0.0.1 that runs Lambda functions as real processes.

Example (skipped as a doctest: it starts a local cloud):
    >>> from fogbank.cloud import LocalCloud
    >>> with LocalCloud() as cloud:  # doctest: +SKIP
    ...     boto3.client("s3", endpoint_url=cloud.endpoint).list_buckets()
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from fogbank.cloud import botocore_data
from fogbank.cloud.aws_state import server_app
from fogbank.cloud.context import CloudContext
from fogbank.cloud.contracts import Component
from fogbank.cloud.http_server import HttpServer
from fogbank.cloud.iam.findings import resolve_mode
from fogbank.cloud.router import DEFAULT_REGION, AwsRouter
from fogbank.cloud.site import AwsClients, CloudSite
from fogbank.cloud.state_dirs import create_state_dir, default_state_root, lock_state_dir, release_state_dir
from fogbank.cloud.warmup import WarmUp
from fogbank.errors import CloudError
from fogbank.heap import collection_paused

if TYPE_CHECKING:
    from fogbank.cloud.wiring import CloudComponents

__all__ = ["LOOPBACK", "LocalCloud"]

LOOPBACK = "127.0.0.1"
_active_lock = threading.Lock()
_active: LocalCloud | None = None


class LocalCloud:
    """One local cloud: the endpoint, moto's service state and fogbank's components.

    moto keeps its state per process, so one process runs one LocalCloud at a time; starting it resets
    that state. Every thread, worker process and listener it starts is ended by `stop()`.
    """

    def __init__(
        self,
        port: int = 0,
        state_dir: Path | str | None = None,
        region: str = DEFAULT_REGION,
        *,
        console_port: int | None = None,
        iam_mode: str | None = None,
    ) -> None:
        # enforce | warn | off (default: FOGBANK_IAM_MODE, else enforce)
        self.iam_mode = resolve_mode(iam_mode)
        self._requested_port = port
        self._console_port = console_port
        self._owns_state_dir = state_dir is None
        self._state_dir = Path(state_dir) if state_dir is not None else None
        self._state_lock = -1  # held on the state directory this cloud made (fogbank.cloud.state_dirs)
        self.region = region
        self._server: HttpServer | None = None
        self._thread: threading.Thread | None = None
        self._warm_up: WarmUp | None = None
        self._components: list[Component] = []
        self._ctx: CloudContext | None = None
        self._parts: CloudComponents | None = None

    # -- lifecycle ---------------------------------------------------------------------------------------
    def start(self) -> LocalCloud:
        """Bind 127.0.0.1, start the components and serve. Returns self."""
        global _active
        with _active_lock:
            if _active is not None:
                raise CloudError(
                    f"a LocalCloud is already running in this process at {_active.endpoint}; "
                    "stop it first, or reuse it (moto's state is per process)"
                )
            _active = self
        try:
            with collection_paused():  # moto's and botocore's models, loaded now, stay for the cloud's life
                self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        botocore_data.install()  # before moto's imports: they read botocore's models and endpoints too
        server_app.reset()
        try:
            if self._state_dir is None:  # not under /tmp: a function's /tmp must not show it
                self._state_dir, self._state_lock = create_state_dir()
            self._state_dir.mkdir(parents=True, exist_ok=True)
            if self._state_lock < 0 and _inside(self._state_dir, default_state_root()):
                self._state_lock = lock_state_dir(self._state_dir)  # else another cloud's sweep could take it
        except OSError as exc:
            raise CloudError(
                f"cannot use {exc.filename or self._state_dir} as the local cloud's state directory "
                f"({exc.strerror}); choose a writable --state-dir, or set FOGBANK_CACHE_DIR to a writable "
                "directory for the default one"
            ) from exc
        router = AwsRouter(server_app.create())
        try:
            self._server = HttpServer(LOOPBACK, self._requested_port, router)
        except (OSError, OverflowError) as exc:  # OverflowError: a port outside 0-65535
            raise CloudError(
                f"cannot bind {LOOPBACK}:{self._requested_port} for the local cloud "
                f"({getattr(exc, 'strerror', None) or exc}); choose another --port, or 0 for any free port"
            ) from exc
        port = self._server.server_address[1]
        site = CloudSite(endpoint=f"http://{LOOPBACK}:{port}", state_dir=self._state_dir, region=self.region)
        clients = AwsClients(site)
        from fogbank.cloud.wiring import wire  # the components import moto's models: only when starting

        self._parts = wire(
            site,
            router,
            clients,
            console_port=self._console_port,
            authorization=router,
            iam_mode=self.iam_mode,
        )
        self._ctx = CloudContext(site, self._parts, clients)
        for component in self._start_order(self._parts):
            self._components.append(component)  # before start(): a half-started component is stopped too
            component.start()
        server = self._server
        self._warm_up = WarmUp(  # after the components: their start() may import moto too
            clients,
            last_request_at=server.last_activity_at,  # not while an Invoke waits for its function
        ).start()
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fogbank-cloud",
            daemon=True,
        )
        self._thread.start()

    def _start_order(self, parts: CloudComponents) -> list[Component]:
        """The components to start, in order (see `fogbank.cloud.wiring`); tests may add a probe."""
        return parts.in_start_order()

    def stop(self) -> None:
        """Stop accepting requests, then end every component's threads, processes and listeners. Idempotent."""
        global _active
        errors: list[str] = []
        if self._server is not None:  # first: no new request may reach a component that is stopping
            if self._thread is not None and self._thread.is_alive():
                self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._warm_up is not None:
            self._warm_up.stop()
            self._warm_up = None
        for component in reversed(self._components):
            try:
                component.stop()
            except Exception as exc:  # keep stopping the rest; report at the end
                errors.append(f"{type(component).__name__}: {exc!r}")
        self._components.clear()
        if self._owns_state_dir and self._state_dir is not None:
            release_state_dir(self._state_dir, self._state_lock)
            self._state_dir, self._state_lock = None, -1
        elif self._state_lock >= 0:  # the user's directory among the default ones: kept, its lock dropped
            os.close(self._state_lock)
            self._state_lock = -1
        with _active_lock:
            if _active is self:
                _active = None
        if errors:
            raise CloudError(
                "the local cloud stopped, but some components failed to stop: " + "; ".join(errors)
            )

    def __enter__(self) -> LocalCloud:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- what users need ---------------------------------------------------------------------------------
    @property
    def context(self) -> CloudContext:
        """A read-only view for tests and tools: endpoint, region, account, clients, components.

        CloudError before start(). Components never receive it (see `fogbank.cloud.wiring`).
        """
        if self._ctx is None:
            raise CloudError("the local cloud is not started; call start() or use it as a context manager")
        return self._ctx

    @property
    def components(self) -> CloudComponents:
        """The running components (`cloud.components.lambda_.worker_pids()`); CloudError before start()."""
        if self._parts is None:
            raise CloudError("the local cloud is not started; call start() or use it as a context manager")
        return self._parts

    @property
    def account_id(self) -> str:
        """The account every resource of this cloud belongs to."""
        return self.context.account_id

    @property
    def state_dir(self) -> Path:
        """Where the cloud keeps function code, certificates and other files while it runs."""
        return self.context.state_dir

    @property
    def endpoint(self) -> str:
        """`http://127.0.0.1:<port>`."""
        return self.context.endpoint

    @property
    def console_url(self) -> str | None:
        """The web console's home page (`console_port` given at construction), else None."""
        parts = self._parts
        if parts is None or parts.console is None:
            return None
        return parts.console.url

    @property
    def port(self) -> int:
        """The TCP port the endpoint listens on (the one the OS chose when started with port 0)."""
        return int(self.endpoint.rsplit(":", 1)[1])

    def env(self) -> dict[str, str]:
        """Environment variables that point boto3 and the AWS CLI at this cloud."""
        return self.context.env()

    def apply_env(self) -> dict[str, str | None]:
        """Set `env()` in os.environ; returns the previous values for `restore_env`."""
        previous = {key: os.environ.get(key) for key in self.env()}
        os.environ.update(self.env())
        return previous

    @staticmethod
    def restore_env(previous: dict[str, str | None]) -> None:
        """Undo `apply_env`: put back each variable's previous value, or remove it if it was unset.

        Example (skipped as a doctest: it needs a running local cloud):
            >>> previous = cloud.apply_env()  # doctest: +SKIP
            >>> LocalCloud.restore_env(previous)  # doctest: +SKIP
        """
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value

    def client(self, service: str) -> Any:
        """A boto3 client for `service` on this cloud."""
        return self.context.client(service)


def _inside(path: Path, root: Path) -> bool:
    """Whether `path` is a directory directly in `root`, where default state directories live (and are swept)."""
    try:
        return path.resolve().parent == root.resolve()
    except OSError:
        return False
