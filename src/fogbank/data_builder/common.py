"""Random names and values for test inputs (the seed's `build_service_name`, `build_random_value`).

Example:
    >>> len(build_random_value(nchars=8))
    8
    >>> build_service_name().startswith("test_service")
    True
"""

from __future__ import annotations

import secrets
import string

__all__ = ["build_random_value", "build_service_name"]


def build_random_value(nchars: int = 10) -> str:
    """`nchars` random letters and digits."""
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(nchars))


def build_service_name() -> str:
    """A unique Powertools service name, e.g. `test_serviceAbC123xYz0`."""
    return f"test_service{build_random_value()}"
