"""ELBv2's stored load balancers in moto (pinned 5.2.5): make DescribeLoadBalancers agree with the doors.

Moto names every load balancer `<name>-1.<region>.elb.amazonaws.com`; on the local cloud a load balancer is
reached at its own loopback address, so that address becomes its DNSName in moto's state too.

Example (skipped as a doctest: it needs a load balancer in moto's state):
    >>> set_dns_name(lb_arn, "127.3.4.5", account_id="123456789012", region="us-east-1")  # doctest: +SKIP
"""

from __future__ import annotations

__all__ = ["set_dns_name"]


def set_dns_name(load_balancer_arn: str, dns_name: str, *, account_id: str, region: str) -> None:
    """Store `dns_name` as the load balancer's DNSName (what DescribeLoadBalancers and GetAtt return)."""
    from moto.elbv2.models import elbv2_backends

    balancer = elbv2_backends[account_id][region].load_balancers.get(load_balancer_arn)
    if balancer is None:
        raise KeyError(f"load balancer {load_balancer_arn} is not in the ELBv2 state of {region}")
    balancer.dns_name = dns_name
