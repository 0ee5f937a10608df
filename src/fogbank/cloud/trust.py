"""The process-wide settings a local cloud changes while it runs, installed and removed here only.

While a cloud (or `RemoteFrontDoors`, for a cloud in another process) is attached, this process:
- sends connections for the front doors' AWS host names to loopback listeners (`ConnectionShim`: patches
  `socket.create_connection`, `socket.getaddrinfo` and urllib3's `create_connection`);
- trusts the cloud's CA: `REQUESTS_CA_BUNDLE` points at a bundle of what it trusted before plus the local CA,
  and so does requests' default bundle (`requests.adapters.DEFAULT_CA_BUNDLE_PATH`, read by
  `HTTPAdapter.cert_verify` on every request in the pinned requests 2.34.2; tests/unit/cloud/frontdoors/
  test_tls.py fails if a new version stops doing so), for `Session.send` without environment merge.

`remove()` puts every previous value back (also on a failed start), so nothing outlives the cloud.

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
from pathlib import Path

import requests.adapters as requests_adapters

from fogbank.cloud.frontdoors.shim import ConnectionShim
from fogbank.errors import CloudError

__all__ = ["CA_BUNDLE_ENV", "ProcessTrust"]

CA_BUNDLE_ENV = "REQUESTS_CA_BUNDLE"


class ProcessTrust:
    """Install the connection shim and the CA bundle settings for this process; `remove` reverses both."""

    def __init__(self, shim: ConnectionShim) -> None:
        self.shim = shim
        self._previous: tuple[str | None, str] | None = None  # (REQUESTS_CA_BUNDLE, DEFAULT_CA_BUNDLE_PATH)

    @property
    def installed(self) -> bool:
        return self._previous is not None

    def install(self, bundle: Path) -> None:
        """Install the shim and trust `bundle`; CloudError when already installed (remove it first)."""
        if self._previous is not None:
            raise CloudError("the local cloud's trust settings are already installed in this process")
        self._previous = (os.environ.get(CA_BUNDLE_ENV), requests_adapters.DEFAULT_CA_BUNDLE_PATH)
        self.shim.install()
        os.environ[CA_BUNDLE_ENV] = str(bundle)
        requests_adapters.DEFAULT_CA_BUNDLE_PATH = str(bundle)

    def remove(self) -> None:
        """Uninstall the shim and restore both CA settings. Idempotent, never raises."""
        self.shim.uninstall()
        if self._previous is None:
            return
        previous_env, previous_default = self._previous
        self._previous = None
        requests_adapters.DEFAULT_CA_BUNDLE_PATH = previous_default
        if previous_env is None:
            os.environ.pop(CA_BUNDLE_ENV, None)
        else:
            os.environ[CA_BUNDLE_ENV] = previous_env
