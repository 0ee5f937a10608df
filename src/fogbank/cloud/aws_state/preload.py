"""Load, ahead of use, what moto loads on the first request to a service.

The first request to a service in a process imports its moto models (EC2's and ELBv2's take seconds: their
import reads botocore's endpoint and EC2 models), moto's copy of the service's botocore model (for
serializing answers), and compiles the URL rules of the backend and, for a REST service, of its operations
(Werkzeug maps: 10-75 ms each). The local cloud's first stack deploy paid all of it; `preload` does it on a
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

__all__ = ["preload", "preload_catalogs"]

_REST_PROTOCOLS = ("rest-json", "rest-xml")


def preload(services: Iterable[str], stop: threading.Event) -> None:
    """For each service (moto backend names): import moto's backend, compile its URL rules
    (`moto_dispatch.backend_routes`), load moto's service model and, for a REST service, build moto's router
    of its operations (moto 5.2.5's `ServiceOperationRouter`); stop early on `stop`.

    A service moto does not know is skipped: it is about speed only, and the first real request will say
    what is wrong.
    """
    from moto.backends import get_backend
    from moto.core.routing import get_service_router
    from moto.core.utils import get_service_model

    from fogbank.cloud.aws_state.moto_dispatch import backend_routes

    for service in services:
        if stop.is_set():
            return
        try:
            get_backend(service)  # type: ignore[call-overload]
            backend_routes(service)
            model = get_service_model(service)
            if model.protocol in _REST_PROTOCOLS:  # its URL map, built on the first request otherwise
                get_service_router(service)._get_router(model.protocol)
        except Exception:
            continue


def preload_catalogs() -> None:
    """Data moto reads on a first use that every CDK stack reaches: AWS managed policies (a Lambda's role
    names AWSLambdaBasicExecutionRole)."""
    from fogbank.cloud.aws_state.iam import preload_managed_policies

    preload_managed_policies()
