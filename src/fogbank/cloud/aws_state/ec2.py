"""EC2's default VPC in moto (pinned 5.2.5), created with the same ids in every LocalCloud.

AWS's default VPC keeps its ids for the life of the account, and the CDK CLI (and fogbank's synth) caches what
`Vpc.from_lookup(is_default=True)` found in cdk.context.json. moto draws the default VPC's ids at random
when the EC2 state of a region is first used; drawing them from a seeded generator instead keeps a cached
lookup valid for the next LocalCloud.

Example (the same id in every process):
    >>> ensure_stable_default_vpc(account_id="123456789012", region="eu-south-2")
    'vpc-f0ddb8bc1054d3398'
"""

from __future__ import annotations

__all__ = ["ensure_stable_default_vpc"]


def ensure_stable_default_vpc(*, account_id: str, region: str) -> str:
    """Create the region's EC2 state (and its default VPC) with ids seeded by account and region.

    Call it on a fresh state, before anything else touches EC2 in that region; returns the default VPC id.
    """
    from moto.ec2.models import ec2_backends
    from moto.moto_api._internal import mock_random

    saved = mock_random.getstate()
    mock_random.seed(f"fogbank-default-vpc:{account_id}:{region}")
    try:
        backend = ec2_backends[account_id][region]
    finally:
        mock_random.setstate(saved)
    return str(backend.default_vpc.id)
