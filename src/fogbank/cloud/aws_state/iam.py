"""AWS managed IAM policies, created in moto's IAM state on first use.

On AWS, `arn:aws:iam::aws:policy/...` policies always exist. moto 5 loads all ~1,600 of them only when
asked (about 0.3 s per backend), so fogbank materializes just the one a request names.

Example:
    >>> ensure_aws_managed_policy("123456789012", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
    True
"""

from __future__ import annotations

import json
import threading
from functools import cache
from typing import Any

__all__ = ["AWS_MANAGED_PREFIX", "ensure_aws_managed_policy", "preload_managed_policies"]

AWS_MANAGED_PREFIX = "arn:aws:iam::aws:policy/"
_lock = threading.Lock()


@cache
def _catalog() -> dict[str, Any]:
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    parsed: dict[str, Any] = json.loads(aws_managed_policies_data)
    return parsed


def preload_managed_policies() -> None:
    """Parse moto's copy of AWS's managed policies now (about 20 ms), not on a request naming one."""
    _catalog()


def ensure_aws_managed_policy(account_id: str, arn: str) -> bool:
    """Create the AWS managed policy `arn` in the account's IAM state if AWS has it; False if AWS has no such policy."""
    if not arn.startswith(AWS_MANAGED_PREFIX):
        return False
    from moto.iam.models import AWSManagedPolicy, iam_backends

    name = arn.rsplit("/", 1)[-1]
    data = _catalog().get(name)
    if data is None:
        return False
    backend = iam_backends[account_id]["global"]
    with _lock:
        if arn not in backend.managed_policies:
            policy = AWSManagedPolicy.from_data(name, account_id, "us-east-1", data)
            backend.managed_policies[policy.arn] = policy
    return True
