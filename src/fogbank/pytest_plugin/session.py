"""The per-process deploy target of a pytest session: a LocalCloud started on first use, or AWS.

Example (skipped as a doctest: it starts a local cloud):
    >>> targets = SessionTargets(default_name="local")  # doctest: +SKIP
    >>> targets.get(None).endpoint_url  # doctest: +SKIP
    'http://127.0.0.1:40123'
    >>> targets.close()  # doctest: +SKIP
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from fogbank.errors import TargetError
from fogbank.heap import collection_paused

if TYPE_CHECKING:
    from fogbank.cloud import LocalCloud
    from fogbank.cloud.frontdoors.remote import RemoteFrontDoors
    from fogbank.deploy.targets import Target

__all__ = ["SessionTargets"]


class SessionTargets:
    """Hands out the session's target; for `local` it owns one LocalCloud per worker process."""

    def __init__(self, default_name: str, endpoint: str | None = None, iam_mode: str | None = None) -> None:
        self.default_name = default_name
        self.endpoint = endpoint
        self.iam_mode = iam_mode  # enforce | warn | off; None: FOGBANK_IAM_MODE, else enforce
        self._lock = threading.Lock()
        self._cloud: LocalCloud | None = None
        self._previous_env: dict[str, str | None] | None = None
        self._remote_doors: RemoteFrontDoors | None = None
        self._targets: dict[str, Target] = {}
        self._starting: threading.Thread | None = None  # prestart(): the local cloud starting

    @property
    def cloud(self) -> LocalCloud | None:
        """The LocalCloud, if one was started."""
        return self._cloud

    def prestart(self) -> None:
        """Start this process's LocalCloud on a background thread, if the session's target is a LocalCloud of
        its own (local, no endpoint) and it is not started yet. Returns at once; `get()` waits for it. A start
        that fails there is tried again by `get()`, which then raises its error.
        """
        with self._lock:
            if self.default_name != "local" or self.endpoint is not None:
                return
            if "local" in self._targets or self._starting is not None:
                return
            self._starting = threading.Thread(
                target=self._prestart_local, name="fogbank-cloud-prestart", daemon=True
            )
            self._starting.start()

    def _prestart_local(self) -> None:
        with self._lock:
            if "local" in self._targets:
                return
            try:
                self._targets["local"] = self._start_local()
            except Exception:  # get() starts it again and raises the error where the target is needed
                return

    def _wait_for_prestart(self) -> None:
        starting = self._starting
        if starting is not None:
            starting.join()

    def get(self, name: str | None) -> Target:
        """The target called `name` (default: the session's), starting the local cloud when needed."""
        name = name or self.default_name
        self._wait_for_prestart()
        with self._lock:
            if name in self._targets:
                return self._targets[name]
            if name == "aws":
                from fogbank.deploy.targets import aws_target

                target = aws_target()
                self._attach_rehearsal_doors()
            elif name == "local":
                target = self._start_local()
            else:
                raise TargetError(f"target {name!r} is unknown; choose local or aws")
            self._targets[name] = target
            return target

    def _attach_rehearsal_doors(self) -> None:
        """The aws target rehearsed on a local cloud (AWS_ENDPOINT_URL on loopback): its front doors' AWS host
        names must reach its listeners. Only name resolution and the CA change; the deploy path is AWS's."""
        endpoint = os.environ.get("AWS_ENDPOINT_URL", "")
        host = urlparse(endpoint).hostname or ""
        if host not in ("127.0.0.1", "localhost", "::1"):
            return
        from fogbank.cloud.frontdoors.remote import RemoteFrontDoors

        self._remote_doors = RemoteFrontDoors.attach(endpoint)

    def _start_local(self) -> Target:
        from fogbank.cloud import LocalCloud
        from fogbank.deploy.targets import local_target
        from fogbank.local_credentials import LOCAL_CREDENTIALS_ENV

        if self.endpoint is not None:  # a running local cloud (`fogbank cloud start`), shared and kept
            from fogbank.cloud.frontdoors.remote import RemoteFrontDoors

            # its API Gateway and Function URLs (AWS host names) reach its listeners, not the internet
            self._remote_doors = RemoteFrontDoors.attach(self.endpoint)
            region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
            env = {"AWS_ENDPOINT_URL": self.endpoint, "AWS_REGION": region, "AWS_DEFAULT_REGION": region}
            env |= LOCAL_CREDENTIALS_ENV
            self._previous_env = {key: os.environ.get(key) for key in env}
            os.environ.update(env)
            return local_target(self.endpoint, region=region)
        with collection_paused():  # moto's models and the components stay for the run (fogbank.heap)
            cloud = LocalCloud(iam_mode=self.iam_mode).start()
        self._cloud = cloud
        self._previous_env = cloud.apply_env()
        return local_target(cloud.endpoint, region=cloud.region, account_id=cloud.account_id)

    def close(self) -> None:
        """Stop the local cloud (if started) and restore the environment. Idempotent."""
        self._wait_for_prestart()
        with self._lock:
            cloud, self._cloud = self._cloud, None
            previous, self._previous_env = self._previous_env, None
            doors, self._remote_doors = self._remote_doors, None
            self._targets.clear()
        try:
            if cloud is not None:
                cloud.stop()
        finally:
            if doors is not None:
                doors.detach()
            for key, value in (previous or {}).items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
