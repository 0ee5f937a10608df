"""A function's VpcConfig names the VPC of its subnets (moto 5.2.5 answers a made-up "vpc-123abc").

GetFunction and GetFunctionConfiguration then say which VPC a function is in, as Lambda does, so a test can
check that a function built with `vpc=ec2.Vpc(...)` landed in that VPC.

Example (moto's EC2 state, in-process):
    >>> from moto.ec2.models import ec2_backends
    >>> from fogbank.cloud.aws_state.ec2 import ensure_stable_default_vpc
    >>> vpc_id = ensure_stable_default_vpc(account_id="123456789012", region="eu-south-2")
    >>> subnets = ec2_backends["123456789012"]["eu-south-2"].describe_subnets()
    >>> subnet_id = next(subnet.id for subnet in subnets if subnet.vpc_id == vpc_id)
    >>> vpc_of_subnets("123456789012", "eu-south-2", ["subnet-unknown", subnet_id]) == vpc_id
    True
    >>> vpc_of_subnets("123456789012", "eu-south-2", [])  # a function outside a VPC
    ''

Example (skipped as a doctest: it needs a running local cloud):
    >>> install()  # doctest: +SKIP
    >>> lam.get_function_configuration(FunctionName="in-vpc")["VpcConfig"]["VpcId"]  # doctest: +SKIP
    'vpc-0a1b2c3d'
"""

from __future__ import annotations

from typing import Any

__all__ = ["install", "vpc_of_subnets"]


def vpc_of_subnets(account_id: str, region: str, subnet_ids: list[str]) -> str:
    """The VPC id of the first subnet EC2 knows, or "" (what Lambda shows for a function outside a VPC)."""
    from moto.ec2.models import ec2_backends

    backend = ec2_backends[account_id][region]
    for subnet_id in subnet_ids:
        try:
            return str(backend.get_subnet(subnet_id).vpc_id)
        except Exception:
            continue
    return ""


def install() -> None:
    """Make moto's LambdaFunction.vpc_config derive VpcId from the subnets (idempotent)."""
    from moto.awslambda.models import LambdaFunction

    current = LambdaFunction.__dict__.get("vpc_config")
    if isinstance(current, property) and getattr(current.fget, "_fogbank_vpc", False):
        return

    def vpc_config(self: Any) -> dict[str, Any] | None:
        if not self._vpc_config:
            return None
        config = dict(self._vpc_config)
        config["VpcId"] = vpc_of_subnets(self.account_id, self.region, list(config.get("SubnetIds") or []))
        return config

    vpc_config._fogbank_vpc = True  # type: ignore[attr-defined]
    LambdaFunction.vpc_config = property(vpc_config)  # type: ignore[method-assign,assignment]
