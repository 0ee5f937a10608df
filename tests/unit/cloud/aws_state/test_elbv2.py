"""A load balancer's DNSName is set in moto's ELBv2 state (what DescribeLoadBalancers and GetAtt answer)."""

from __future__ import annotations

import pytest

from fogbank.cloud.aws_state.elbv2 import set_dns_name

from ..conftest import ACCOUNT, Clients


def test_the_dns_name_is_what_elbv2_answers(aws: Clients) -> None:
    # GIVEN a load balancer in two subnets
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"us-east-1{zone}")[
            "Subnet"
        ]["SubnetId"]
        for i, zone in ((1, "a"), (2, "b"))
    ]
    elbv2 = aws("elbv2")
    arn = elbv2.create_load_balancer(Name="web", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]

    # WHEN its DNS name is set to the local listener's
    set_dns_name(arn, "127.0.0.1:8080", account_id=ACCOUNT, region="us-east-1")

    # THEN DescribeLoadBalancers answers it
    assert (
        elbv2.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"][0]["DNSName"]
        == "127.0.0.1:8080"
    )


def test_an_unknown_load_balancer_is_named_in_the_error(aws: Clients) -> None:
    arn = f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:loadbalancer/app/ghost/1"
    # WHEN the DNS name of a load balancer that does not exist is set THEN the error names it and the region
    with pytest.raises(KeyError, match=r"ghost.* us-east-1"):
        set_dns_name(arn, "x", account_id=ACCOUNT, region="us-east-1")
