"""moto's backend lookup (`xxx_backends[account_id]`) without its scan of every service in use.

Every `BackendDict[account_id]` (a moto handler's `self.backend`, IAM's visit register, fogbank's policy
lookups: several per request) first calls `_create_account_specific_backend`, which takes moto's backend
lock, lists the dict's accounts, and checks `self not in BackendDict._instances`: a scan of the services in
use that compares each with a Python-level `__eq__` (equal `_id`s, a uuid4 each BackendDict draws for
itself), about 0.3 µs per service before this one.

`create_account_specific_backend` answers at once when the account is there and this BackendDict is one of
`_instances` (found by identity, in C); otherwise it is moto's own method, which adds what is missing. A
BackendDict only equals itself (no two draw the same uuid4, and moto never copies one), so both checks
answer as moto's do.

Installed by `install()` only on the moto version it was written against (`server_app.MOTO_VERSION`);
`tests/unit/cloud/aws_state/test_moto_backends.py` pins the code it stands in for.

Example:
    >>> install()
    >>> from moto.core.base_backend import BackendDict
    >>> BackendDict._create_account_specific_backend is create_account_specific_backend
    True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fogbank.cloud.aws_state.server_app import MOTO_VERSION

__all__ = ["create_account_specific_backend", "install", "stood_in_for"]

_original: Callable[[Any, str], None] | None = None
_backend_dict: Any = None  # moto's BackendDict class (its _instances is read on every call)
_dict_contains = dict.__contains__


def create_account_specific_backend(backends: Any, account_id: str) -> None:
    """moto's `BackendDict._create_account_specific_backend(account_id)`."""
    if _dict_contains(backends, account_id) and id(backends) in map(id, _backend_dict._instances):
        return
    assert _original is not None
    _original(backends, account_id)


def install() -> None:
    """Make moto's BackendDict use `create_account_specific_backend` (idempotent; only on moto
    `MOTO_VERSION`)."""
    global _original, _backend_dict
    import moto
    from moto.core.base_backend import BackendDict

    if _original is not None or moto.__version__ != MOTO_VERSION:
        return
    _backend_dict = BackendDict
    _original = BackendDict._create_account_specific_backend
    BackendDict._create_account_specific_backend = create_account_specific_backend  # type: ignore[method-assign,assignment]


def stood_in_for() -> list[Any]:
    """The code `create_account_specific_backend` answers for (tests pin its source)."""
    from moto.core.base_backend import BackendDict

    return [
        BackendDict._create_account_specific_backend if _original is None else _original,
        BackendDict.__init__,
        BackendDict.__eq__,
        BackendDict.__getitem__,
        BackendDict.reset,
    ]
