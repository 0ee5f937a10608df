"""Load, ahead of use, what moto loads on the first request to a service.

The first request to a service in a process imports its moto models (EC2's and ELBv2's take seconds: their
import reads botocore's endpoint and EC2 models) and moto's copy of the service's botocore model (for
serializing answers). The local cloud's first stack deploy paid all of it; `preload` does it on a
background thread while the cloud waits for its first requests.

Example:
    >>> import sys
    >>> preload(["stepfunctions"], stop=threading.Event())
    >>> "moto.stepfunctions.models" in sys.modules
    True
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

__all__ = ["preload"]


def preload(services: Iterable[str], stop: threading.Event) -> None:
    """Import moto's backend and load moto's service model for each service (signing names); stop early on `stop`.

    A service moto does not know is skipped: it is about speed only, and the first real request will say
    what is wrong.
    """
    from moto.backends import get_backend
    from moto.core.utils import get_service_model

    for service in services:
        if stop.is_set():
            return
        try:
            get_backend(service)  # type: ignore[call-overload]
            get_service_model(service)
        except Exception:
            continue
