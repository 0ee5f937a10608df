"""A Lambda function's resource policy read in-process from moto (pinned 5.2.5), for the front doors.

The same backend call as the GetPolicy API (`LambdaBackend.get_policy`), without the signed HTTP round trip
through the local cloud that every front-door request used to pay. No cache: every call sees the policy as
AddPermission / RemovePermission left it.

Example:
    >>> resource_policy("arn:aws:lambda:eu-north-1:123456789012:function:none", account_id="1", region="x")
    {'Statement': []}
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["resource_policy"]


def resource_policy(function: str, *, account_id: str, region: str) -> dict[str, Any]:
    """The function's policy document; `{"Statement": []}` when the function or its policy does not exist.

    `function` is a name or an ARN (with a qualifier, as GetPolicy takes it); an ARN's own region and account
    win over the defaults given.
    """
    from moto.awslambda.exceptions import LambdaClientError
    from moto.awslambda.models import lambda_backends

    parts = function.split(":")
    if function.startswith("arn:") and len(parts) >= 7:
        region, account_id = parts[3], parts[4]
    backend = lambda_backends[account_id][region]
    try:  # what `backend.get_policy` looks up, without its exception for a function that has no policy
        found = backend._lambdas.get_function_by_name_or_arn_with_qualifier(function, None)
    except LambdaClientError as exc:
        if exc.code != 404:  # only "no such function" and "no policy" mean: nothing is allowed
            raise
        return {"Statement": []}
    if not found.policy.statements:
        return {"Statement": []}
    policy = json.loads(json.loads(found.policy.wire_format())["Policy"])
    return policy if isinstance(policy, dict) else {"Statement": []}
