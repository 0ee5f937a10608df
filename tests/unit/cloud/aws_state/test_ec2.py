"""The default VPC gets ids seeded by account and region: the same on every start of a fresh cloud."""

from __future__ import annotations

import boto3
from moto import mock_aws

from fogbank.cloud.aws_state.ec2 import ensure_stable_default_vpc

from ..conftest import ACCOUNT


def _default_vpcs(*regions: str) -> list[tuple[str, list[str]]]:
    """Per region: (the id returned, the VPCs EC2's API calls default), in a fresh EC2 state as a new cloud has."""
    found = []
    with mock_aws():
        for region in regions:
            vpc_id = ensure_stable_default_vpc(account_id=ACCOUNT, region=region)
            ec2 = boto3.client("ec2", region_name=region, aws_access_key_id="t", aws_secret_access_key="t")
            defaults = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
            found.append((vpc_id, [vpc["VpcId"] for vpc in defaults]))
    return found


def test_the_default_vpc_id_is_stable_per_region_and_is_the_default_vpc() -> None:
    # WHEN two fresh states make us-east-1's default VPC (the first also eu-west-1's)
    (first, defaults), (other, _) = _default_vpcs("us-east-1", "eu-west-1")
    ((second, _),) = _default_vpcs("us-east-1")
    # THEN the id is the same each time for a region, differs between regions, and is EC2's default VPC
    assert first == second and first.startswith("vpc-")
    assert other != first
    assert defaults == [first]
