"""The process-wide settings a local cloud changes while it runs, installed and removed here only.

While a cloud (or `RemoteFrontDoors`, for a cloud in another process) is attached, this process:
- sends connections for the front doors' AWS host names to loopback listeners (`ConnectionShim`: patches
  `socket.create_connection`, `socket.getaddrinfo` and urllib3's `create_connection`);
- trusts the cloud's CA: `REQUESTS_CA_BUNDLE` points at a bundle of what it trusted before plus the local CA,
  and so does requests' default bundle (`requests.adapters.DEFAULT_CA_BUNDLE_PATH`, read by
  `HTTPAdapter.cert_verify` on every request in the pinned requests 2.34.2; tests/unit/cloud/frontdoors/
  test_tls.py fails if a new version stops doing so), for `Session.send` without environment merge.

`remove()` puts every previous value back (also on a failed start), so nothing outlives the cloud; the
settings of several clouds in one process stack and come off in any order.

Example:
    >>> from fogbank.cloud.frontdoors.shim import ConnectionShim
    >>> trust = ProcessTrust(ConnectionShim())
    >>> before = os.environ.get(CA_BUNDLE_ENV)
    >>> trust.install(Path("/tmp/bundle.pem"))
    >>> os.environ[CA_BUNDLE_ENV], requests_adapters.DEFAULT_CA_BUNDLE_PATH
    ('/tmp/bundle.pem', '/tmp/bundle.pem')
    >>> trust.remove()
    >>> os.environ.get(CA_BUNDLE_ENV) == before
    True
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import requests.adapters as requests_adapters

from fogbank.cloud.frontdoors.shim import ConnectionShim
from fogbank.errors import CloudError

__all__ = ["CA_BUNDLE_ENV", "ProcessTrust"]

CA_BUNDLE_ENV = "REQUESTS_CA_BUNDLE"


class ProcessTrust:
    """Install the connection shim and the CA bundle settings for this process; `remove` reverses both.

    Several clouds in one process stack: the newest installed bundle is in effect, removing one (in any
    order) puts the newest remaining one back, and removing the last restores what the process had before.
    """

    def __init__(self, shim: ConnectionShim) -> None:
        self.shim = shim
        self._bundle: Path | None = None

    @property
    def installed(self) -> bool:
        return self._bundle is not None

    def install(self, bundle: Path) -> None:
        """Install the shim and trust `bundle`; CloudError when already installed (remove it first)."""
        if self._bundle is not None:
            raise CloudError("the local cloud's trust settings are already installed in this process")
        self._bundle = bundle
        self.shim.install()
        _BUNDLES.push(self, bundle)

    def remove(self) -> None:
        """Uninstall the shim and restore both CA settings. Idempotent, never raises."""
        self.shim.uninstall()
        if self._bundle is None:
            return
        self._bundle = None
        _BUNDLES.discard(self)


class _BundleStack:
    """The CA bundles of the installed clouds, newest last, and the settings from before the first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._installed: list[tuple[ProcessTrust, Path]] = []
        self._before: tuple[str | None, str] = (None, "")  # (REQUESTS_CA_BUNDLE, DEFAULT_CA_BUNDLE_PATH)

    def push(self, owner: ProcessTrust, bundle: Path) -> None:
        with self._lock:
            if not self._installed:
                self._before = (os.environ.get(CA_BUNDLE_ENV), requests_adapters.DEFAULT_CA_BUNDLE_PATH)
            self._installed.append((owner, bundle))
            self._apply(str(bundle), str(bundle))

    def discard(self, owner: ProcessTrust) -> None:
        with self._lock:
            self._installed = [(trust, bundle) for trust, bundle in self._installed if trust is not owner]
            if self._installed:
                newest = str(self._installed[-1][1])
                self._apply(newest, newest)
            else:
                self._apply(*self._before)

    @staticmethod
    def _apply(env: str | None, default: str) -> None:
        requests_adapters.DEFAULT_CA_BUNDLE_PATH = default
        if env is None:
            os.environ.pop(CA_BUNDLE_ENV, None)
        else:
            os.environ[CA_BUNDLE_ENV] = env


_BUNDLES = _BundleStack()
