"""What `ec2.Vpc(...)` adds for private subnets with egress: AWS::EC2::EIP and AWS::EC2::NatGateway.

Both go through the local cloud's EC2 API (AllocateAddress / CreateNatGateway and their deletes). Nothing
routes packets on loopback: the gateway exists so that the stack's routes, outputs and deletes behave as on
AWS. Deleting a NAT gateway waits for it to reach `deleted` (as CloudFormation does) before its address is
released.

Example:
    >>> NatGatewayProvider.resource_type
    'AWS::EC2::NatGateway'
"""

from __future__ import annotations

import time
from typing import Any

from botocore.exceptions import ClientError

from fogbank.cloud.cloudformation.providers.base import ProviderRequest, ProviderResult, ResourceProvider
from fogbank.cloud.cloudformation.providers.common import is_missing, tags_of
from fogbank.errors import DeployError

__all__ = ["PROVIDERS", "EipProvider", "NatGatewayProvider"]

# How long a deleted NAT gateway may take to report `deleted` before its delete fails.
_NAT_DELETE_DEADLINE_SECONDS = 30.0
# Between two DescribeNatGateways while it is `deleting`: doubling from 10 ms up to 2 s (no fixed interval).
_FIRST_PAUSE_SECONDS, _LONGEST_PAUSE_SECONDS = 0.01, 2.0


def _ec2(request: ProviderRequest) -> Any:
    return request.services.client("ec2", request.region)


def _stack_tags(request: ProviderRequest) -> list[dict[str, str]]:
    return [
        *tags_of(request.properties),
        {"Key": "aws:cloudformation:stack-name", "Value": request.stack_name},
        {"Key": "aws:cloudformation:logical-id", "Value": request.logical_id},
    ]


class EipProvider(ResourceProvider):
    """AWS::EC2::EIP in a VPC; Ref is the public IP, GetAtt AllocationId and PublicIp."""

    resource_type = "AWS::EC2::EIP"
    properties = frozenset({"Domain", "Tags", "NetworkBorderGroup", "PublicIpv4Pool"})

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        arguments = {"Domain": props.get("Domain", "vpc")}
        for key in ("NetworkBorderGroup", "PublicIpv4Pool"):
            if key in props:
                arguments[key] = props[key]
        ec2 = _ec2(request)
        address = ec2.allocate_address(**arguments)
        allocation_id, public_ip = address["AllocationId"], address["PublicIp"]
        try:
            ec2.create_tags(Resources=[allocation_id], Tags=_stack_tags(request))
        except Exception:
            ec2.release_address(AllocationId=allocation_id)  # the address must not outlive a failed create
            raise
        return ProviderResult(
            physical_id=public_ip,
            attributes={"AllocationId": allocation_id, "PublicIp": public_ip},
        )

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        try:
            _ec2(request).release_address(AllocationId=current.attributes["AllocationId"])
        except ClientError as exc:
            if not is_missing(exc):
                raise


class NatGatewayProvider(ResourceProvider):
    """AWS::EC2::NatGateway (public or private); Ref and GetAtt NatGatewayId."""

    resource_type = "AWS::EC2::NatGateway"
    properties = frozenset(
        {
            "SubnetId",
            "AllocationId",
            "ConnectivityType",
            "PrivateIpAddress",
            "Tags",
        }
    )

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        arguments: dict[str, Any] = {"SubnetId": props["SubnetId"]}
        for key in ("AllocationId", "ConnectivityType", "PrivateIpAddress"):
            if key in props:
                arguments[key] = props[key]
        arguments["TagSpecifications"] = [{"ResourceType": "natgateway", "Tags": _stack_tags(request)}]
        gateway = _ec2(request).create_nat_gateway(**arguments)["NatGateway"]
        gateway_id = gateway["NatGatewayId"]
        return ProviderResult(physical_id=gateway_id, attributes={"NatGatewayId": gateway_id})

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        ec2 = _ec2(request)
        try:
            ec2.delete_nat_gateway(NatGatewayId=current.physical_id)
        except ClientError as exc:
            if is_missing(exc):
                return
            raise
        deadline = time.monotonic() + _NAT_DELETE_DEADLINE_SECONDS
        pause = _FIRST_PAUSE_SECONDS
        # The local cloud answers `deleted` at once; the pause grows only for an EC2 that does not.
        while True:
            gateways = ec2.describe_nat_gateways(NatGatewayIds=[current.physical_id])["NatGateways"]
            if not gateways or gateways[0]["State"] == "deleted":
                return
            left = deadline - time.monotonic()
            if left <= 0:
                break
            time.sleep(min(pause, left))
            pause = min(pause * 2, _LONGEST_PAUSE_SECONDS)
        raise DeployError(
            f"NAT gateway {current.physical_id} (resource {request.logical_id}) is not deleted after "
            f"{_NAT_DELETE_DEADLINE_SECONDS:g} s; check it with DescribeNatGateways, then retry the stack delete"
        )


PROVIDERS: list[type[ResourceProvider]] = [EipProvider, NatGatewayProvider]
