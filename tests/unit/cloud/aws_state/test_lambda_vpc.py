"""A function's VpcConfig names the VPC its subnets belong to (moto's model answered a made-up id)."""

from __future__ import annotations

import boto3
from moto import mock_aws

from fogbank.cloud.aws_state.lambda_vpc import install, vpc_of_subnets


@mock_aws
def test_vpc_of_subnets_reads_ec2() -> None:
    # GIVEN a VPC with a subnet (moto's in-process EC2 state; nothing leaves the process)
    ec2 = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]

    # WHEN the VPC of the subnets is asked THEN it is that VPC; unknown subnets name none
    assert vpc_of_subnets("123456789012", "us-east-1", ["subnet-unknown", subnet]) == vpc
    assert vpc_of_subnets("123456789012", "us-east-1", ["subnet-unknown"]) == ""


def test_install_replaces_moto_vpc_config_once() -> None:
    # GIVEN / WHEN installed twice THEN moto's property is fogbank's, installed once
    from moto.awslambda.models import LambdaFunction

    install()
    first = LambdaFunction.__dict__["vpc_config"]
    install()
    assert LambdaFunction.__dict__["vpc_config"] is first
    assert getattr(first.fget, "_fogbank_vpc", False)
