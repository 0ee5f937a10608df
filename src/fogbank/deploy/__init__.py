"""The client-side deploy layer: asset publishing, CloudFormation create/update/delete, targets.

Submodules are imported on first use, so `import fogbank.deploy.targets` stays cheap (no boto3).

Example (skipped as a doctest: it needs a running local cloud and CDK synth):
    >>> from fogbank.deploy import deploy_stack, resolve_target
    >>> outputs = deploy_stack(resolve_target("local"), Path("cdk.out/my-feature"), "my-stack")  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["Target", "delete_stack", "deploy_stack", "publish_assets", "resolve_target"]

_HOMES = {
    "Target": "fogbank.deploy.targets",
    "resolve_target": "fogbank.deploy.targets",
    "deploy_stack": "fogbank.deploy.stacks",
    "delete_stack": "fogbank.deploy.stacks",
    "publish_assets": "fogbank.deploy.assets",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'fogbank.deploy' has no attribute {name!r}")
