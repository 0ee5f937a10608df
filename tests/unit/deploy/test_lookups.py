"""CDK context lookups answered against the target, in the shape the CDK CLI writes to cdk.context.json.
EC2 and SSM (AWS) are answered by botocore's Stubber, which also checks each request against the service
model; a lookup against a running local cloud is tested in tests/integration/framework/test_deploy.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.stub import Stubber

from fogbank.deploy.lookups import resolve_missing_context
from fogbank.deploy.targets import Target, local_target
from fogbank.errors import SynthError

VPC_KEY = (
    "vpc-provider:account=123456789012:filter.isDefault=true:region=eu-west-1:returnAsymmetricSubnets=true"
)


@pytest.fixture
def target() -> Target:
    # the account is given, so no STS call is made; the Stubbers below answer every other call
    return local_target("http://127.0.0.1:9", region="eu-west-1", account_id="123456789012")


@pytest.fixture
def ec2(target: Target) -> Iterator[Stubber]:
    with Stubber(target.client("ec2")) as stubber:
        yield stubber


def subnet(
    subnet_id: str, zone: str, cidr: str, *, public_ip: bool = False, tags: dict[str, str] | None = None
):
    item: dict[str, Any] = {"SubnetId": subnet_id, "AvailabilityZone": zone, "CidrBlock": cidr, "VpcId": "vpc-1",
                            "MapPublicIpOnLaunch": public_ip}  # fmt: skip
    if tags:
        item["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
    return item


def stub_vpc(
    ec2: Stubber, subnets: list[dict[str, Any]], tables: list[dict[str, Any]], gateways: bool = True
) -> None:
    by_vpc = {"Filters": [{"Name": "vpc-id", "Values": ["vpc-1"]}]}
    ec2.add_response("describe_vpcs", {"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "OwnerId": "123456789012"}]},
                     {"Filters": [{"Name": "isDefault", "Values": ["true"]}]})  # fmt: skip
    ec2.add_response("describe_subnets", {"Subnets": subnets}, by_vpc)
    ec2.add_response("describe_route_tables", {"RouteTables": tables}, by_vpc)
    if gateways:
        ec2.add_response("describe_vpn_gateways", {"VpnGateways": []}, {"Filters": [
            {"Name": "attachment.vpc-id", "Values": ["vpc-1"]}, {"Name": "state", "Values": ["available"]}]})  # fmt: skip


# a main table routing to an internet gateway (public), and one table of its own for the private subnets
TABLES = [
    {"RouteTableId": "rtb-main", "Associations": [{"Main": True}],
     "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1"}]},
    {"RouteTableId": "rtb-private", "Associations": [{"SubnetId": "subnet-c"}, {"SubnetId": "subnet-d"}],
     "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local"}]},
]  # fmt: skip


def test_a_vpc_lookup_groups_subnets_as_the_cdk_cli_does(target: Target, ec2: Stubber) -> None:
    # GIVEN a default VPC: two subnets on the main table (routes to an internet gateway), two on a private table
    subnets = [
        subnet("subnet-b", "eu-west-1b", "10.0.1.0/24"),
        subnet("subnet-a", "eu-west-1a", "10.0.0.0/24"),
        subnet("subnet-d", "eu-west-1b", "10.0.3.0/24"),
        subnet("subnet-c", "eu-west-1a", "10.0.2.0/24"),
    ]
    stub_vpc(ec2, subnets, TABLES)
    missing = [{"key": VPC_KEY, "provider": "vpc-provider", "props": {"filter": {"isDefault": "true"}}}]
    # WHEN the lookup is answered
    values = resolve_missing_context(target, missing)
    # THEN the value is the symmetric shape Vpc.from_lookup reads, subnets ordered by zone
    assert values == {
        VPC_KEY: {
            "vpcId": "vpc-1",
            "vpcCidrBlock": "10.0.0.0/16",
            "ownerAccountId": "123456789012",
            "availabilityZones": ["eu-west-1a", "eu-west-1b"],
            "publicSubnetIds": ["subnet-a", "subnet-b"],
            "publicSubnetNames": ["Public"],
            "publicSubnetRouteTableIds": ["rtb-main", "rtb-main"],
            "privateSubnetIds": ["subnet-c", "subnet-d"],
            "privateSubnetNames": ["Private"],
            "privateSubnetRouteTableIds": ["rtb-private", "rtb-private"],
        }
    }
    ec2.assert_no_pending_responses()


def test_cdk_subnet_tags_win_and_asymmetric_groups_are_listed(target: Target, ec2: Stubber) -> None:
    # GIVEN subnets tagged by a CDK-made VPC: an isolated group named "db" on the main (public) table
    tags = {"aws-cdk:subnet-type": "Isolated", "aws-cdk:subnet-name": "db"}
    stub_vpc(ec2, [subnet("subnet-a", "eu-west-1a", "10.0.0.0/24", tags=tags)], TABLES, gateways=False)
    props = {"filter": {"isDefault": "true"}, "returnAsymmetricSubnets": True, "returnVpnGateways": False}
    # WHEN answered
    value = resolve_missing_context(target, [{"key": "k", "provider": "vpc-provider", "props": props}])["k"]
    # THEN the tags decide type and name (not the route), in the asymmetric shape
    assert value["subnetGroups"] == [
        {"name": "db", "type": "Isolated",
         "subnets": [{"subnetId": "subnet-a", "cidr": "10.0.0.0/24", "availabilityZone": "eu-west-1a",
                      "routeTableId": "rtb-main"}]}
    ]  # fmt: skip
    assert value["availabilityZones"] == []


def test_a_filter_matching_no_vpc_says_how_to_narrow_or_create_it(target: Target, ec2: Stubber) -> None:
    # GIVEN no VPC tagged as asked
    ec2.add_response("describe_vpcs", {"Vpcs": []}, {"Filters": [{"Name": "tag:Name", "Values": ["main"]}]})
    missing = [{"key": "k", "provider": "vpc-provider", "props": {"filter": {"tag:Name": "main"}}}]
    # WHEN answered THEN the error gives the filter, the count and what to do
    with pytest.raises(SynthError, match=r"found 0 VPCs on local .*it needs exactly one: narrow the filter"):
        resolve_missing_context(target, missing)


def test_availability_zones_and_ssm_parameters(target: Target, ec2: Stubber) -> None:
    # GIVEN two available zones, one SSM parameter, and a parameter that does not exist
    ec2.add_response("describe_availability_zones", {"AvailabilityZones": [{"ZoneName": "eu-west-1a"}, {"ZoneName": "eu-west-1b"}]},
                     {"Filters": [{"Name": "state", "Values": ["available"]}]})  # fmt: skip
    with Stubber(target.client("ssm")) as ssm:
        ssm.add_response(
            "get_parameter",
            {"Parameter": {"Name": "/app/id", "Value": "ami-1", "Type": "String"}},
            {"Name": "/app/id"},
        )
        ssm.add_client_error("get_parameter", "ParameterNotFound", expected_params={"Name": "/app/missing"})
        missing = [
            {"key": "az", "provider": "availability-zones", "props": {}},
            {"key": "p", "provider": "ssm", "props": {"parameterName": "/app/id"}},
        ]
        # WHEN answered THEN each value has the CDK CLI's shape
        assert resolve_missing_context(target, missing) == {"az": ["eu-west-1a", "eu-west-1b"], "p": "ami-1"}
        # AND a missing parameter says to create it or resolve it at deploy time
        with pytest.raises(
            SynthError, match=r"SSM parameter /app/missing not found .*value_for_string_parameter"
        ):
            resolve_missing_context(
                target, [{"key": "q", "provider": "ssm", "props": {"parameterName": "/app/missing"}}]
            )


def test_an_unsupported_lookup_is_named_with_its_key_and_the_way_around(target: Target) -> None:
    # GIVEN a hosted-zone lookup / WHEN answered THEN the error names provider and key and what to do instead
    missing = [{"key": "hosted-zone:x", "provider": "hosted-zone", "props": {}}]
    with pytest.raises(
        SynthError, match=r"context lookup hosted-zone \(key hosted-zone:x\) is unsupported.*cdk synth"
    ):
        resolve_missing_context(target, missing)
