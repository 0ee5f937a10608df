"""What `ec2.Vpc(...)` with its defaults emits deploys and deletes: EIPs, NAT gateways, routes, a function in it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fogbank.cloud import LocalCloud


def _tags(name: str) -> list[dict[str, str]]:
    return [{"Key": "Name", "Value": name}]


def _vpc_template(code: dict[str, str]) -> dict[str, Any]:
    """The shape of CDK 2.275's `ec2.Vpc(self, "Vpc")` (one zone of it) plus a function in its private subnet."""
    vpc = {"Ref": "Vpc"}
    return {
        "Resources": {
            "Vpc": {
                "Type": "AWS::EC2::VPC",
                "Properties": {
                    "CidrBlock": "10.0.0.0/16",
                    "EnableDnsHostnames": True,
                    "EnableDnsSupport": True,
                    "InstanceTenancy": "default",
                    "Tags": _tags("S/Vpc"),
                },
            },
            "PublicSubnet": {
                "Type": "AWS::EC2::Subnet",
                "Properties": {
                    "AvailabilityZone": {"Fn::Select": [0, {"Fn::GetAZs": ""}]},
                    "CidrBlock": "10.0.0.0/18",
                    "MapPublicIpOnLaunch": True,
                    "Tags": _tags("public"),
                    "VpcId": vpc,
                },
            },
            "PublicRouteTable": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": vpc}},
            "PublicAssociation": {
                "Type": "AWS::EC2::SubnetRouteTableAssociation",
                "Properties": {
                    "RouteTableId": {"Ref": "PublicRouteTable"},
                    "SubnetId": {"Ref": "PublicSubnet"},
                },
            },
            "PublicDefaultRoute": {
                "Type": "AWS::EC2::Route",
                "DependsOn": ["GatewayAttachment"],
                "Properties": {
                    "DestinationCidrBlock": "0.0.0.0/0",
                    "GatewayId": {"Ref": "Igw"},
                    "RouteTableId": {"Ref": "PublicRouteTable"},
                },
            },
            "Eip": {"Type": "AWS::EC2::EIP", "Properties": {"Domain": "vpc", "Tags": _tags("eip")}},
            "Nat": {
                "Type": "AWS::EC2::NatGateway",
                "DependsOn": ["PublicDefaultRoute", "PublicAssociation"],
                "Properties": {
                    "AllocationId": {"Fn::GetAtt": ["Eip", "AllocationId"]},
                    "SubnetId": {"Ref": "PublicSubnet"},
                    "Tags": _tags("nat"),
                },
            },
            "PrivateSubnet": {
                "Type": "AWS::EC2::Subnet",
                "Properties": {
                    "AvailabilityZone": {"Fn::Select": [0, {"Fn::GetAZs": ""}]},
                    "CidrBlock": "10.0.128.0/18",
                    "MapPublicIpOnLaunch": False,
                    "VpcId": vpc,
                },
            },
            "PrivateRouteTable": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": vpc}},
            "PrivateAssociation": {
                "Type": "AWS::EC2::SubnetRouteTableAssociation",
                "Properties": {
                    "RouteTableId": {"Ref": "PrivateRouteTable"},
                    "SubnetId": {"Ref": "PrivateSubnet"},
                },
            },
            "PrivateDefaultRoute": {
                "Type": "AWS::EC2::Route",
                "Properties": {
                    "DestinationCidrBlock": "0.0.0.0/0",
                    "NatGatewayId": {"Ref": "Nat"},
                    "RouteTableId": {"Ref": "PrivateRouteTable"},
                },
            },
            "Igw": {"Type": "AWS::EC2::InternetGateway", "Properties": {"Tags": _tags("igw")}},
            "GatewayAttachment": {
                "Type": "AWS::EC2::VPCGatewayAttachment",
                "Properties": {"InternetGatewayId": {"Ref": "Igw"}, "VpcId": vpc},
            },
            "FnSecurityGroup": {
                "Type": "AWS::EC2::SecurityGroup",
                "Properties": {
                    "GroupDescription": "function",
                    "SecurityGroupEgress": [{"CidrIp": "0.0.0.0/0", "IpProtocol": "-1"}],
                    "VpcId": vpc,
                },
            },
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"Service": "lambda.amazonaws.com"},
                                "Action": "sts:AssumeRole",
                            }
                        ],
                    },
                    "ManagedPolicyArns": [
                        "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
                    ],
                },
            },
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "DependsOn": ["PrivateDefaultRoute", "PrivateAssociation"],
                "Properties": {
                    "Code": code,
                    "Handler": "index.handler",
                    "Runtime": "python3.12",
                    "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                    "VpcConfig": {
                        "SecurityGroupIds": [{"Fn::GetAtt": ["FnSecurityGroup", "GroupId"]}],
                        "SubnetIds": [{"Ref": "PrivateSubnet"}],
                    },
                },
            },
        },
        "Outputs": {
            "Nat": {"Value": {"Ref": "Nat"}},
            "PublicIp": {"Value": {"Ref": "Eip"}},
            "Function": {"Value": {"Ref": "Fn"}},
            "Vpc": {"Value": vpc},
        },
    }


def test_default_vpc_with_nat_and_a_function_deploys_runs_and_deletes(
    cloud: LocalCloud,
    cfn: Any,
    run_stack: Callable[..., dict[str, Any]],
    upload_zip: Callable[[str, dict[str, str]], dict[str, str]],
) -> None:
    # GIVEN the resources a default CDK VPC emits, and a function in its private subnet
    code = upload_zip("vpc-fn.zip", {"index.py": "def handler(event, context):\n    return {'ok': True}\n"})
    template = _vpc_template(code)

    # WHEN the stack is created
    stack = run_stack("default-vpc", template)

    # THEN it completes; the NAT gateway holds the EIP in the public subnet, and the private route uses it
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    ec2 = cloud.client("ec2")
    (nat,) = ec2.describe_nat_gateways(NatGatewayIds=[outputs["Nat"]])["NatGateways"]
    assert nat["State"] == "available"
    assert nat["NatGatewayAddresses"][0]["PublicIp"] == outputs["PublicIp"]
    routes = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [outputs["Vpc"]]}])[
        "RouteTables"
    ]
    assert any(r.get("NatGatewayId") == outputs["Nat"] for table in routes for r in table["Routes"])
    # AND the function is in the VPC and answers
    function = cloud.client("lambda").get_function_configuration(FunctionName=outputs["Function"])
    private = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [outputs["Vpc"]]}])["Subnets"]
    assert function["VpcConfig"]["SubnetIds"][0] in {s["SubnetId"] for s in private}
    assert function["VpcConfig"]["VpcId"] == outputs["Vpc"]
    answer = cloud.client("lambda").invoke(FunctionName=outputs["Function"], Payload=b"{}")
    assert answer["Payload"].read() == b'{"ok": true}'

    # WHEN the stack is deleted
    cfn.delete_stack(StackName="default-vpc")
    cfn.get_waiter("stack_delete_complete").wait(
        StackName="default-vpc", WaiterConfig={"Delay": 0.2, "MaxAttempts": 600}
    )

    # THEN the VPC, the gateway and the address are gone
    assert ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [outputs["Vpc"]]}])["Vpcs"] == []
    gateways = ec2.describe_nat_gateways(NatGatewayIds=[outputs["Nat"]])["NatGateways"]
    assert all(g["State"] == "deleted" for g in gateways)
    assert (
        ec2.describe_addresses(Filters=[{"Name": "public-ip", "Values": [outputs["PublicIp"]]}])["Addresses"]
        == []
    )
