"""Bucket policies whose statements depend on `aws:SecureTransport` (the CDK bootstrap bucket's, for one).

moto 5.2.5 evaluates only StringEquals conditions and treats every other condition as met, so a statement
`Deny s3:* if Bool aws:SecureTransport = false` denies every request. The local cloud's endpoint stands in for
AWS's HTTPS endpoints and is reached over loopback only, so its requests count as sent over TLS, as every SDK
request to AWS is: statements that only apply to insecure transport do not apply. Any other condition is
left to moto.

Example:
    >>> applicable({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
    False
    >>> applicable({"Effect": "Deny", "Condition": {"StringEquals": {"aws:PrincipalAccount": "1"}}})
    True
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["REQUEST_CONTEXT", "applicable", "install"]

# What the local cloud knows of every request to its endpoint.
REQUEST_CONTEXT = {"aws:securetransport": "true"}
_BOOL_OPERATORS = {"bool", "boolifexists"}


def applicable(statement: dict[str, Any]) -> bool:
    """False when one of the statement's Bool conditions on a known key does not hold for local requests."""
    for operator, tests in (statement.get("Condition") or {}).items():
        if operator.lower() not in _BOOL_OPERATORS or not isinstance(tests, dict):
            continue
        for key, expected in tests.items():
            actual = REQUEST_CONTEXT.get(key.lower())
            if actual is None:
                continue
            wanted = expected if isinstance(expected, list) else [expected]
            if actual not in (str(value).lower() for value in wanted):
                return False
    return True


def _without_inapplicable(policy: bytes) -> bytes:
    document = json.loads(policy)
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        return policy
    kept = [s for s in statements if not isinstance(s, dict) or applicable(s)]
    if len(kept) == len(statements):
        return policy
    return json.dumps({**document, "Statement": kept}).encode()


def install() -> None:
    """Make moto's bucket policy checks skip statements that cannot apply to the local endpoint (idempotent)."""
    from moto.s3.models import FakeBucket

    if getattr(FakeBucket.get_permission, "_fogbank_secure_transport", False):
        return

    def get_permission(self: Any, action: str, resource: str) -> Any:
        # moto's FakeBucket.get_permission, on the policy without the statements that cannot apply
        from moto.iam.access_control import IAMPolicy, PermissionResult

        if self.policy is None:
            return PermissionResult.NEUTRAL
        policy = _without_inapplicable(self.policy)
        return IAMPolicy(policy.decode()).is_action_permitted(action, resource)

    get_permission._fogbank_secure_transport = True  # type: ignore[attr-defined]
    FakeBucket.get_permission = get_permission  # type: ignore[method-assign]
