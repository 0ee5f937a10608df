"""Random names and values for test inputs (the seed's `build_service_name`, `build_random_value`).

Example:
    >>> len(build_random_value(nchars=8))
    8
    >>> "-" in build_random_value(nbytes=32)
    False
    >>> build_service_name().startswith("test_service")
    True
"""

from __future__ import annotations

import secrets
import string

__all__ = ["build_random_value", "build_service_name"]


def build_random_value(nbytes: int = 10, *, nchars: int | None = None) -> str:
    """As the seed: `secrets.token_urlsafe(nbytes)` without "-" (letters, digits and "_").

    With `nchars`, exactly that many random letters and digits instead.
    """
    if nchars is not None:
        return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(nchars))
    return secrets.token_urlsafe(nbytes).replace("-", "")


def build_service_name() -> str:
    """A unique Powertools service name, e.g. `test_serviceAbC123xYz0`."""
    return f"test_service{build_random_value()}"
