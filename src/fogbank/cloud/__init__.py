"""The local cloud: fogbank's embedded default target.

Example (skipped as a doctest: it starts a local cloud):
    >>> from fogbank.cloud import LocalCloud
    >>> with LocalCloud() as cloud:  # doctest: +SKIP
    ...     print(cloud.endpoint)
"""

from fogbank.cloud.server import LocalCloud

__all__ = ["LocalCloud"]
