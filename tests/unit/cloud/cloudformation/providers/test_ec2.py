"""A public subnet's network deployed by the in-process engine into moto's EC2, and deleted in order."""

from __future__ import annotations

from typing import Any

from ...conftest import Clients
from ..conftest import body, delete, deploy

NETWORK = body(
    {
        "Vpc": {
            "Type": "AWS::EC2::VPC",
            "Properties": {
                "CidrBlock": "10.10.0.0/16",
                "EnableDnsHostnames": True,
                "Tags": [{"Key": "Name", "Value": "shop"}],
            },
        },
        "Public": {
            "Type": "AWS::EC2::Subnet",
            "Properties": {
                "VpcId": {"Ref": "Vpc"},
                "CidrBlock": "10.10.1.0/24",
                "AvailabilityZone": "us-east-1a",
                "MapPublicIpOnLaunch": True,
            },
        },
        "Web": {
            "Type": "AWS::EC2::SecurityGroup",
            "Properties": {
                "GroupDescription": "web",
                "VpcId": {"Ref": "Vpc"},
                "SecurityGroupIngress": [
                    {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"}
                ],
            },
        },
        "Ssh": {
            "Type": "AWS::EC2::SecurityGroupIngress",
            "Properties": {
                "GroupId": {"Ref": "Web"},
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "CidrIp": "10.0.0.0/8",
            },
        },
        "Gateway": {"Type": "AWS::EC2::InternetGateway", "Properties": {}},
        "Attach": {
            "Type": "AWS::EC2::VPCGatewayAttachment",
            "Properties": {"VpcId": {"Ref": "Vpc"}, "InternetGatewayId": {"Ref": "Gateway"}},
        },
        "Routes": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
        "Default": {
            "Type": "AWS::EC2::Route",
            "DependsOn": "Attach",
            "Properties": {
                "RouteTableId": {"Ref": "Routes"},
                "DestinationCidrBlock": "0.0.0.0/0",
                "GatewayId": {"Ref": "Gateway"},
            },
        },
        "Assoc": {
            "Type": "AWS::EC2::SubnetRouteTableAssociation",
            "Properties": {"SubnetId": {"Ref": "Public"}, "RouteTableId": {"Ref": "Routes"}},
        },
    },
    Outputs={
        "Vpc": {"Value": {"Ref": "Vpc"}},
        "Cidr": {"Value": {"Fn::GetAtt": ["Vpc", "CidrBlock"]}},
        "Subnet": {"Value": {"Ref": "Public"}},
        "Group": {"Value": {"Fn::GetAtt": ["Web", "GroupId"]}},
        "Routes": {"Value": {"Ref": "Routes"}},
    },
)


def test_a_public_subnet_with_its_gateway_routes_and_security_group(cfn: Any, aws: Clients) -> None:
    ec2 = aws("ec2")
    # WHEN the network is deployed
    outputs = deploy(cfn, "net", NETWORK)

    # THEN EC2 has each part wired as the template says
    assert outputs["Cidr"] == "10.10.0.0/16"
    (subnet,) = ec2.describe_subnets(SubnetIds=[outputs["Subnet"]])["Subnets"]
    assert (subnet["VpcId"], subnet["CidrBlock"], subnet["MapPublicIpOnLaunch"]) == (
        outputs["Vpc"],
        "10.10.1.0/24",
        True,
    )
    (group,) = ec2.describe_security_groups(GroupIds=[outputs["Group"]])["SecurityGroups"]
    assert sorted(p["FromPort"] for p in group["IpPermissions"]) == [22, 443]
    (table,) = ec2.describe_route_tables(RouteTableIds=[outputs["Routes"]])["RouteTables"]
    assert any(
        r.get("DestinationCidrBlock") == "0.0.0.0/0" and r.get("GatewayId", "").startswith("igw-")
        for r in table["Routes"]
    )
    assert [a["SubnetId"] for a in table["Associations"] if "SubnetId" in a] == [outputs["Subnet"]]
    (gateway,) = ec2.describe_internet_gateways(
        Filters=[{"Name": "attachment.vpc-id", "Values": [outputs["Vpc"]]}]
    )["InternetGateways"]
    assert gateway["Attachments"][0]["State"] == "available"

    # WHEN the stack is deleted THEN everything goes, in dependency order (no DependencyViolation)
    assert delete(cfn, "net")["StackStatus"] == "DELETE_COMPLETE"
    assert ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [outputs["Vpc"]]}])["Vpcs"] == []
