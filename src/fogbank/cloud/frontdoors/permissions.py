"""Whether a function's resource policy (AWS::Lambda::Permission) lets a front door invoke it.

Example:
    >>> policy = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"},
    ...           "Action": "lambda:InvokeFunction",
    ...           "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:execute-api:us-east-1:1:abc/*/*/*"}}}]}
    >>> policy_allows(policy, "apigateway.amazonaws.com", "lambda:InvokeFunction",
    ...               "arn:aws:execute-api:us-east-1:1:abc/prod/GET/items")
    True
"""

from __future__ import annotations

import fnmatch
import json
from typing import Any

__all__ = ["function_policy", "policy_allows"]


def function_policy(lambda_client: Any, function: str) -> dict[str, Any]:
    """The function's resource policy through the Lambda API; an empty policy when it has none."""
    try:
        answer = lambda_client.get_policy(FunctionName=function)
    except lambda_client.exceptions.ResourceNotFoundException:
        return {"Statement": []}
    policy = json.loads(answer["Policy"])
    return policy if isinstance(policy, dict) else {"Statement": []}


def policy_allows(
    policy: dict[str, Any],
    principal: str,
    action: str,
    source_arn: str | None = None,
    context: dict[str, str] | None = None,
) -> bool:
    """True when an Allow statement names `principal` (a service, or "*") and `action`, and its conditions hold."""
    statements = policy.get("Statement") or []
    if isinstance(statements, dict):
        statements = [statements]
    values = {"aws:sourcearn": source_arn or "", **{k.lower(): v for k, v in (context or {}).items()}}
    for statement in statements:
        if statement.get("Effect") != "Allow":
            continue
        if not _principal_matches(statement.get("Principal"), principal):
            continue
        actions = statement.get("Action") or []
        actions = [actions] if isinstance(actions, str) else actions
        if not any(fnmatch.fnmatchcase(action, pattern) for pattern in actions):
            continue
        if _conditions_hold(statement.get("Condition") or {}, values):
            return True
    return False


def _principal_matches(value: Any, principal: str) -> bool:
    if value == "*":
        return True
    if isinstance(value, str):
        return value == principal
    if isinstance(value, dict):
        for key in ("Service", "AWS"):
            names = value.get(key) or []
            names = [names] if isinstance(names, str) else names
            if principal in names or "*" in names:
                return True
    return False


def _conditions_hold(conditions: dict[str, Any], values: dict[str, str]) -> bool:
    for operator, tests in conditions.items():
        for key, expected in tests.items():
            actual = values.get(key.lower())
            if actual is None:
                return False
            options = [expected] if isinstance(expected, str) else list(expected)
            if operator in ("ArnLike", "StringLike"):
                ok = any(fnmatch.fnmatchcase(actual, option) for option in options)
            elif operator in ("ArnEquals", "StringEquals"):
                ok = actual in options
            else:
                return False  # an operator we do not evaluate never grants access
            if not ok:
                return False
    return True
