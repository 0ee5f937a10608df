"""AWS::EC2::EIP and AWS::EC2::NatGateway: refused properties, a failed create, a delete that times out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from fogbank.cloud import LocalCloud
from fogbank.cloud.cloudformation.providers import ec2_nat
from fogbank.cloud.cloudformation.providers.base import ProviderRequest, ProviderResult
from fogbank.errors import DeployError


def test_max_drain_duration_is_refused_naming_the_resource(
    run_stack: Callable[[str, dict[str, Any]], dict[str, Any]],
) -> None:
    # GIVEN a NAT gateway with MaxDrainDurationSeconds, which the local EC2 API cannot apply
    template = {
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.1.0.0/16"}},
            "Subnet": {
                "Type": "AWS::EC2::Subnet",
                "Properties": {"CidrBlock": "10.1.0.0/24", "VpcId": {"Ref": "Vpc"}},
            },
            "Nat": {
                "Type": "AWS::EC2::NatGateway",
                "Properties": {
                    "SubnetId": {"Ref": "Subnet"},
                    "ConnectivityType": "private",
                    "MaxDrainDurationSeconds": 600,
                },
            },
        }
    }

    # WHEN the stack is created
    stack = run_stack("nat-drain", template)

    # THEN it fails, naming the property and the resource
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    assert any(
        "unsupported property MaxDrainDurationSeconds of AWS::EC2::NatGateway (resource Nat)" in reason
        for reason in stack["Failures"]
    ), stack["Failures"]


def test_eip_whose_tagging_fails_is_released(
    cloud: LocalCloud, provider_request: Callable[..., ProviderRequest]
) -> None:
    # GIVEN an EIP with more tags than EC2 allows (51 user tags: CreateTags answers TagLimitExceeded)
    tags = [{"Key": f"k{i}", "Value": "v"} for i in range(51)]
    ec2 = cloud.client("ec2")
    before = {a["AllocationId"] for a in ec2.describe_addresses()["Addresses"]}

    # WHEN it is created
    with pytest.raises(Exception, match="TagLimitExceeded"):
        ec2_nat.EipProvider().create(provider_request("AWS::EC2::EIP", {"Domain": "vpc", "Tags": tags}))

    # THEN the allocated address was released
    assert {a["AllocationId"] for a in ec2.describe_addresses()["Addresses"]} == before


class _StuckDeleting:
    """The real EC2 client, except that DescribeNatGateways reports `deleting` forever.

    The local cloud deletes a gateway at once; a gateway that stays `deleting` only happens on AWS, so this
    one call is faked to reach the deadline.
    """

    def __init__(self, real: Any) -> None:
        self._real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def describe_nat_gateways(self, **kwargs: Any) -> dict[str, Any]:
        gateways = self._real.describe_nat_gateways(**kwargs)["NatGateways"]
        return {"NatGateways": [{**g, "State": "deleting"} for g in gateways]}


def test_nat_gateway_delete_past_its_deadline_fails_naming_the_gateway(
    cloud: LocalCloud, provider_request: Callable[..., ProviderRequest], monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a private NAT gateway whose delete never reports `deleted`, and a short deadline
    ec2 = cloud.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.2.0.0/24")["Subnet"]["SubnetId"]
    gateway = ec2.create_nat_gateway(SubnetId=subnet, ConnectivityType="private")["NatGateway"][
        "NatGatewayId"
    ]
    monkeypatch.setattr(ec2_nat, "_NAT_DELETE_DEADLINE_SECONDS", 0.2)
    request = provider_request(
        "AWS::EC2::NatGateway",
        {"SubnetId": subnet},
        client=lambda service: _StuckDeleting(cloud.client(service)),
    )

    # WHEN it is deleted
    with pytest.raises(DeployError) as raised:
        ec2_nat.NatGatewayProvider().delete(request, ProviderResult(physical_id=gateway))

    # THEN the error names the gateway, the resource and the next step
    message = str(raised.value)
    assert gateway in message
    assert "resource Resource" in message
    assert "retry the stack delete" in message
