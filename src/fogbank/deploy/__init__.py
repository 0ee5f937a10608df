"""The client-side deploy layer: asset publishing, CloudFormation create/update/delete, targets.

Example:
    >>> from fogbank.deploy import deploy_stack, resolve_target
    >>> outputs = deploy_stack(resolve_target("local"), Path("cdk.out/my-feature"), "my-stack")  # doctest: +SKIP
"""

from __future__ import annotations

from fogbank.deploy.assets import publish_assets
from fogbank.deploy.stacks import delete_stack, deploy_stack
from fogbank.deploy.targets import Target, resolve_target

__all__ = ["Target", "delete_stack", "deploy_stack", "publish_assets", "resolve_target"]
