"""`fogbank cloud bootstrap`: what `npx cdk bootstrap` does, run for you on a local cloud.

The CDK CLI's own bootstrap template (cdk_bootstrap/bootstrap-template.yaml, unmodified, from the pinned CLI)
is deployed as the `CDKToolkit` stack with the parameters the CLI passes by default: the staging bucket
`cdk-<qualifier>-assets-<account>-<region>`, the container asset repository, the publishing, lookup, deploy
and execution roles, and the `/cdk-bootstrap/<qualifier>/version` parameter. `npx cdk bootstrap` against the
local cloud gives the same stack; either way `npx cdk deploy` then works with any synthesizer.

Example (skipped as a doctest: it needs a running local cloud):
    >>> bootstrap_local(target)  # doctest: +SKIP
    BootstrapResult(bucket='cdk-hnb659fds-assets-123456789012-us-east-1', version_parameter='/cdk-bootstrap/hnb659fds/version', stack_status='CREATE_COMPLETE')
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

from botocore.exceptions import ClientError, WaiterError

from fogbank.deploy.targets import Target
from fogbank.errors import DeployError, TargetError

__all__ = [
    "DEFAULT_QUALIFIER",
    "TOOLKIT_STACK_NAME",
    "BootstrapResult",
    "bootstrap_local",
    "bootstrap_template",
]

DEFAULT_QUALIFIER = "hnb659fds"
# The CDK CLI whose bootstrap template cdk_bootstrap/ holds (fogbank.deploy.cdk_cli installs it).
CDK_CLI_VERSION = "2.1148.1"
TOOLKIT_STACK_NAME = "CDKToolkit"
_STABLE = {"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE"}


@dataclass(frozen=True)
class BootstrapResult:
    bucket: str
    version_parameter: str
    stack_status: str


def bootstrap_template() -> str:
    """The CDK CLI's bootstrap template, as shipped with the pinned aws-cdk CLI."""
    return (files("fogbank.deploy") / "cdk_bootstrap" / "bootstrap-template.yaml").read_text(encoding="utf-8")


def _parameters(qualifier: str) -> list[dict[str, str]]:
    """The parameters `cdk bootstrap` passes when given no options (the others keep the template's defaults)."""
    values = {
        "FileAssetsBucketKmsKeyId": "AWS_MANAGED_KEY",
        "TrustedAccounts": "",
        "TrustedAccountsForLookup": "",
        "CloudFormationExecutionPolicies": "arn:aws:iam::aws:policy/AdministratorAccess",
        "Qualifier": qualifier,
        "PublicAccessBlockConfiguration": "true",
    }
    return [{"ParameterKey": key, "ParameterValue": value} for key, value in values.items()]


def bootstrap_local(target: Target, qualifier: str = DEFAULT_QUALIFIER) -> BootstrapResult:
    """Deploy the CDK bootstrap stack `CDKToolkit` on a local cloud; a stack that is already there is kept."""
    if not target.is_local:
        raise TargetError(
            f"fogbank only bootstraps a local cloud; for {target.describe()} run "
            f"`npx cdk bootstrap aws://{target.account}/{target.region}`"
        )
    cfn = target.client("cloudformation")
    try:
        (stack,) = cfn.describe_stacks(StackName=TOOLKIT_STACK_NAME)["Stacks"]
    except ClientError as exc:
        if "does not exist" not in str(exc):
            raise
        stack = None
    if stack is None or stack["StackStatus"] not in _STABLE:
        if stack is not None:
            raise DeployError(
                f"the local cloud's {TOOLKIT_STACK_NAME} stack is {stack['StackStatus']}; delete it "
                f"(aws cloudformation delete-stack --stack-name {TOOLKIT_STACK_NAME}) and bootstrap again"
            )
        cfn.create_stack(
            StackName=TOOLKIT_STACK_NAME,
            TemplateBody=bootstrap_template(),
            Parameters=_parameters(qualifier),
            Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"],
        )
        try:
            cfn.get_waiter("stack_create_complete").wait(
                StackName=TOOLKIT_STACK_NAME, WaiterConfig={"Delay": 1, "MaxAttempts": 300}
            )
        except WaiterError as exc:
            raise DeployError(
                f"bootstrapping the local cloud failed: {TOOLKIT_STACK_NAME} did not complete ({exc}); see "
                f"`aws cloudformation describe-stack-events --stack-name {TOOLKIT_STACK_NAME}`"
            ) from exc
        (stack,) = cfn.describe_stacks(StackName=TOOLKIT_STACK_NAME)["Stacks"]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    return BootstrapResult(
        bucket=outputs.get("BucketName", f"cdk-{qualifier}-assets-{target.account}-{target.region}"),
        version_parameter=f"/cdk-bootstrap/{qualifier}/version",
        stack_status=stack["StackStatus"],
    )
