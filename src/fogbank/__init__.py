"""fogbank: end-to-end tests for AWS Lambda projects, on a local cloud or on AWS.

Example:
    >>> import fogbank
    >>> isinstance(fogbank.__version__, str)
    True
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from fogbank.call_once import call_once
from fogbank.errors import (
    CloudError,
    ConfigError,
    DeployError,
    FetchTimeoutError,
    FogbankError,
    LayerBuildError,
    RepoError,
    SynthError,
    TargetError,
)

try:
    __version__ = version("fogbank")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

__all__ = [
    "CloudError",
    "ConfigError",
    "DeployError",
    "FetchTimeoutError",
    "FogbankError",
    "LayerBuildError",
    "RepoError",
    "SynthError",
    "TargetError",
    "__version__",
    "call_once",
]
