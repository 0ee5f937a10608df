"""The fogbank exception tree.

Every message names the resource it is about and says what to do next.

    FogbankError
    ├── ConfigError          bad [tool.fogbank] settings or a bad feature folder
    ├── SynthError           CDK synth failed
    ├── LayerBuildError      pip could not build the layer
    ├── DeployError          a stack failed to deploy or delete
    ├── TargetError          the target (local cloud or AWS) is unreachable or lacks credentials
    ├── CloudError           the local cloud could not start or stop
    ├── FetchTimeoutError    a data_fetcher deadline passed before the data arrived
    └── RepoError            the maintainers' workflow (config, git, GitHub)

Example:
    >>> from fogbank.errors import FogbankError, ConfigError
    >>> issubclass(ConfigError, FogbankError)
    True
"""

from __future__ import annotations

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
]


class FogbankError(Exception):
    """Root of every error fogbank raises on purpose."""


class ConfigError(FogbankError):
    """A setting, a feature folder or an input file is wrong."""


class SynthError(FogbankError):
    """CDK synth of a feature failed."""


class LayerBuildError(FogbankError):
    """Building the Lambda layer of the library under test failed."""


class DeployError(FogbankError):
    """A stack failed to deploy, update or delete."""


class TargetError(FogbankError):
    """The deploy target cannot be reached or has no credentials."""


class CloudError(FogbankError):
    """The local cloud failed to start, serve or stop."""


class FetchTimeoutError(FogbankError, TimeoutError):
    """A data_fetcher helper's deadline passed before the awaited data arrived."""


class RepoError(FogbankError):
    """The maintainers' workflow failed: config, git or GitHub."""
