"""What a fresh account of the local cloud has before anything is deployed, as on AWS.

- the default VPC of the cloud's region, with the same ids in every LocalCloud (see `aws_state.ec2`), so a
  `Vpc.from_lookup(is_default=True)` cached in cdk.context.json stays valid;
- AWS managed policies (`arn:aws:iam::aws:policy/...`): each is created in moto's IAM state the first time
  a request names it, before moto answers that request.

Example (in-process: the router is not served, the VPC is in moto's EC2 state):
    >>> from pathlib import Path
    >>> from fogbank.cloud.router import AwsRouter
    >>> site = CloudSite("http://127.0.0.1:4566", Path("/tmp/unused"), region="eu-south-2")
    >>> bootstrap = AccountBootstrap(site, AwsRouter(lambda environ, start_response: []))
    >>> bootstrap.start()
    >>> bootstrap.default_vpc_id  # the same in every LocalCloud of this account and region
    'vpc-f0ddb8bc1054d3398'
"""

from __future__ import annotations

from fogbank.cloud.aws_state.ec2 import ensure_stable_default_vpc
from fogbank.cloud.aws_state.iam import AWS_MANAGED_PREFIX, ensure_aws_managed_policy
from fogbank.cloud.contracts import Routes
from fogbank.cloud.router import AwsRequest
from fogbank.cloud.site import CloudSite

__all__ = ["AccountBootstrap"]


class AccountBootstrap:
    """The first step of a LocalCloud's start: the default VPC, and AWS managed policies on demand."""

    def __init__(self, site: CloudSite, routes: Routes) -> None:
        self._site = site
        self._routes = routes
        self.default_vpc_id: str | None = None

    def start(self) -> None:
        """Create the default VPC (on the fresh state) and register the managed-policy hook for "iam"."""
        self.default_vpc_id = ensure_stable_default_vpc(
            account_id=self._site.account_id, region=self._site.region
        )
        self._routes.add("iam", self._aws_managed_policies)

    def stop(self) -> None:
        """Nothing runs in the background; moto's state is reset by the next start."""

    @staticmethod
    def _aws_managed_policies(request: AwsRequest) -> None:
        """Let AWS managed policies exist (as on AWS) before moto answers a request naming one; never answers."""
        arn = request.form().get("PolicyArn", "")
        if arn.startswith(AWS_MANAGED_PREFIX):
            ensure_aws_managed_policy(request.account_id, arn)
