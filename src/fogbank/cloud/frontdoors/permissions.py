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
    resource: str | None = None,
) -> bool:
    """True when the function's resource policy lets `principal` (a service, or "*") do `action`.

    Evaluated by the local cloud's IAM evaluator (`fogbank.cloud.iam`): Deny statements, wildcards and
    every condition operator apply as on AWS. `resource` is the function's ARN (statements' Resource).
    """
    from fogbank.cloud.iam.evaluator import AccessRequest, evaluate
    from fogbank.cloud.iam.policy import PolicyError, parse_policy
    from fogbank.cloud.iam.principals import Principal

    if not policy.get("Statement"):
        return False
    try:
        document = parse_policy(policy, "function policy")
    except PolicyError:
        return False
    caller = Principal.service_principal(principal, "")
    values: dict[str, tuple[str, ...]] = {key.lower(): (value,) for key, value in (context or {}).items()}
    if source_arn:
        values["aws:sourcearn"] = (source_arn,)
        if source_arn.count(":") >= 4:
            values["aws:sourceaccount"] = (source_arn.split(":")[4],)
    request = AccessRequest(caller, action, resource or _statement_resource(document), values)
    return evaluate(request, [], document, resource_account="").allowed


def _statement_resource(document: Any) -> str:
    """The function ARN the policy is attached to (its statements' Resource), for callers that lack it."""
    for statement in document.statements:
        if statement.resources:
            return str(statement.resources[0])
    return "*"
