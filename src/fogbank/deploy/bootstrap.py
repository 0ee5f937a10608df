"""What `cdk bootstrap` leaves in an account that deploys need, made on a local cloud.

The CDK CLI expects the asset bucket `cdk-<qualifier>-assets-<account>-<region>`, and templates from
DefaultStackSynthesizer check the SSM parameter `/cdk-bootstrap/<qualifier>/version`. fogbank's own deploy layer
creates the bucket by itself; this is for the CDK CLI path (`npx cdk deploy --app cdk.out/<feature>`).

Example:
    >>> bootstrap_local(target)  # doctest: +SKIP
    BootstrapResult(bucket='cdk-hnb659fds-assets-123456789012-us-east-1', version_parameter='/cdk-bootstrap/hnb659fds/version')
"""

from __future__ import annotations

from dataclasses import dataclass

from fogbank.deploy.assets import ensure_bucket
from fogbank.deploy.targets import Target
from fogbank.errors import TargetError

__all__ = ["BOOTSTRAP_VERSION", "DEFAULT_QUALIFIER", "BootstrapResult", "bootstrap_local"]

DEFAULT_QUALIFIER = "hnb659fds"
# The version the CDK's bootstrap template of aws-cdk-lib 2.275 reports; templates require at least 6.
BOOTSTRAP_VERSION = "27"


@dataclass(frozen=True)
class BootstrapResult:
    bucket: str
    version_parameter: str


def bootstrap_local(target: Target, qualifier: str = DEFAULT_QUALIFIER) -> BootstrapResult:
    """Create the CDK asset bucket and bootstrap-version parameter on a local cloud (idempotent)."""
    if not target.is_local:
        raise TargetError(
            f"fogbank only bootstraps a local cloud; for {target.describe()} run "
            f"`npx cdk bootstrap aws://{target.account}/{target.region}`"
        )
    bucket = f"cdk-{qualifier}-assets-{target.account}-{target.region}"
    ensure_bucket(target, bucket)
    parameter = f"/cdk-bootstrap/{qualifier}/version"
    target.client("ssm").put_parameter(Name=parameter, Value=BOOTSTRAP_VERSION, Type="String", Overwrite=True)
    return BootstrapResult(bucket, parameter)
