"""Reach the front doors of a local cloud running in another process (`fogbank cloud start`).

`RemoteFrontDoors.attach(endpoint)` reads `GET <endpoint>/_fogbank/frontdoors`, installs the same connection
shim the cloud's own process has, and trusts the cloud's CA (REQUESTS_CA_BUNDLE and requests' default bundle
point at a temporary bundle: what this process trusted before plus the local CA). `detach()` undoes it all.

Example (skipped as a doctest: it needs a running local cloud):
    >>> doors = RemoteFrontDoors.attach("http://127.0.0.1:4566")  # doctest: +SKIP
    >>> requests.get("https://abc.execute-api.us-east-1.amazonaws.com/prod/")  # doctest: +SKIP
    >>> doors.detach()  # doctest: +SKIP
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from fogbank.cloud.frontdoors.component import DOOR_MAP_PATH
from fogbank.cloud.frontdoors.shim import ConnectionShim
from fogbank.cloud.frontdoors.tls import _bundle_text, configured_bundle
from fogbank.cloud.trust import ProcessTrust
from fogbank.errors import CloudError

__all__ = ["RemoteFrontDoors", "fetch_door_map"]


def fetch_door_map(endpoint: str, timeout: float = 10.0) -> dict[str, Any]:
    """The door map a local cloud serves at `<endpoint>/_fogbank/frontdoors` (never through a proxy)."""
    with requests.Session() as session:
        session.trust_env = False  # loopback: no proxy, no netrc
        try:
            response = session.get(endpoint.rstrip("/") + DOOR_MAP_PATH, timeout=timeout)
        except requests.RequestException as exc:
            raise CloudError(f"cannot reach the local cloud at {endpoint} ({exc}); is it running?") from exc
    if response.status_code != 200:
        raise CloudError(
            f"{endpoint}{DOOR_MAP_PATH} answered {response.status_code}; is {endpoint} a fogbank local cloud?"
        )
    door_map: dict[str, Any] = response.json()
    return door_map


@dataclass
class RemoteFrontDoors:
    """The shim and trust bundle installed in this process for a cloud in another one."""

    trust: ProcessTrust
    bundle_dir: Path

    @property
    def shim(self) -> ConnectionShim:
        return self.trust.shim

    @classmethod
    def attach(cls, endpoint: str) -> RemoteFrontDoors:
        door_map = fetch_door_map(endpoint)
        bundle_dir = Path(tempfile.mkdtemp(prefix="fogbank-doors-"))
        bundle = bundle_dir / "ca-bundle.pem"
        try:
            trusted = _bundle_text(configured_bundle(os.environ))
            bundle.write_bytes(trusted + b"\n" + door_map["ca_pem"].encode())
        except BaseException:
            shutil.rmtree(bundle_dir, ignore_errors=True)
            raise
        doors = cls(ProcessTrust(ConnectionShim.from_table(door_map["shim"])), bundle_dir)
        doors.trust.install(bundle)
        return doors

    def detach(self) -> None:
        """Remove the shim, restore the CA settings and delete the bundle. Never raises."""
        self.trust.remove()
        shutil.rmtree(self.bundle_dir, ignore_errors=True)
