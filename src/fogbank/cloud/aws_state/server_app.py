"""moto's server WSGI application and state reset."""

from __future__ import annotations

from typing import Any

__all__ = ["MOTO_VERSION", "create", "installed_version", "reset"]

MOTO_VERSION = "5.2.5"


def create() -> Any:
    """moto's multi-service WSGI application: what `moto_server` answers, dispatched straight to the backend."""
    from fogbank.cloud.aws_state import lambda_vpc, s3_policy, xray
    from fogbank.cloud.aws_state.moto_dispatch import MotoDispatch

    xray.install_light_package()  # before anything imports moto.xray: its package init builds an SDK recorder

    s3_policy.install()  # requests to the endpoint count as sent over TLS (see s3_policy)
    lambda_vpc.install()  # a function's VpcConfig names its subnets' VPC
    return MotoDispatch()


def reset() -> None:
    """Forget every resource in every moto backend (a fresh cloud)."""
    from moto.core.base_backend import BackendDict
    from moto.core.model_instances import reset_model_data

    BackendDict.reset()
    reset_model_data()


def installed_version() -> str:
    """The moto version importable here; fogbank's moto adapters are written against MOTO_VERSION.

    Example:
        >>> installed_version() == MOTO_VERSION
        True
    """
    import moto

    return str(moto.__version__)
