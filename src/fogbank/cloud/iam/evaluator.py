"""AWS's policy evaluation logic for one request: explicit Deny wins, otherwise an Allow is needed.

Evaluated: identity-based policies (inline and managed) and the resource's resource-based policy.
Within one account either of them can allow, except where the resource policy must allow (KMS key
policies, role trust policies): there, a statement naming the account (`arn:aws:iam::<acct>:root`)
delegates to the identity policies. Across accounts both must allow. Not evaluated: permission
boundaries, SCPs/RCPs and session policies (see docs/local-cloud.md).

Example:
    >>> from fogbank.cloud.iam.policy import parse_policy
    >>> role = Principal.assumed_role("123456789012", "AROA1", "R", "f")
    >>> allow = parse_policy({"Statement": [{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}]})
    >>> evaluate(AccessRequest(role, "dynamodb:PutItem", "arn:aws:dynamodb:us-east-1:123456789012:table/T", {}),
    ...          [allow]).reason
    'no_identity_allow'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from fogbank.cloud.iam.conditions import Context, UnknownOperator, conditions_hold, substitute
from fogbank.cloud.iam.patterns import action_matches, arn_matches
from fogbank.cloud.iam.policy import PolicyDocument, Statement
from fogbank.cloud.iam.principals import Principal

__all__ = ["AccessRequest", "Decision", "Reason", "evaluate"]

Reason = Literal[
    "allowed",
    "explicit_deny_identity",
    "explicit_deny_resource",
    "no_identity_allow",
    "no_resource_allow",
]
_PrincipalMatch = Literal["direct", "account", "none"]


@dataclass(frozen=True)
class AccessRequest:
    """What is asked: `principal` wants `action` on `resource` (an ARN, or "*"), with condition `context`."""

    principal: Principal
    action: str
    resource: str
    context: Context


@dataclass(frozen=True)
class Decision:
    """The outcome, and why (the reason picks AWS's wording of the AccessDenied message)."""

    allowed: bool
    reason: Reason

    def explain(self, request: AccessRequest) -> str:
        """AWS's message: `User: <arn> is not authorized to perform: <action> on resource: <arn> because ...`."""
        head = (
            f"User: {request.principal.arn} is not authorized to perform: {request.action} "
            f"on resource: {request.resource}"
        )
        tails: Mapping[Reason, str] = {
            "allowed": "",
            "explicit_deny_identity": " with an explicit deny in an identity-based policy",
            "explicit_deny_resource": " with an explicit deny in a resource-based policy",
            "no_identity_allow": f" because no identity-based policy allows the {request.action} action",
            "no_resource_allow": f" because no resource-based policy allows the {request.action} action",
        }
        return head + tails[self.reason]


_ALLOWED = Decision(True, "allowed")


def _action_applies(statement: Statement, action: str) -> bool:
    if statement.actions is not None:
        return any(action_matches(pattern, action) for pattern in statement.actions)
    assert statement.not_actions is not None
    return not any(action_matches(pattern, action) for pattern in statement.not_actions)


def _resource_covered(patterns: tuple[str, ...], resource: str, context: Context) -> bool:
    for pattern in patterns:
        resolved = substitute(pattern, context)
        if resolved is not None and arn_matches(resolved, resource):
            return True
    return False


def _resource_applies(statement: Statement, resource: str, context: Context) -> bool:
    if statement.resources is not None:
        return _resource_covered(statement.resources, resource, context)
    if statement.not_resources is not None:
        return not _resource_covered(statement.not_resources, resource, context)
    return True  # resource policies may leave Resource out: the resource they are attached to


def _conditions_apply(statement: Statement, context: Context) -> bool:
    if not statement.conditions:
        return True
    try:
        return conditions_hold(statement.conditions, context)
    except UnknownOperator:
        return False  # an operator IAM does not know never makes a statement apply


def _names(principal: Principal) -> tuple[set[str], set[str]]:
    """(names that match this principal directly, names that match it only through its account)."""
    direct = {"*", principal.arn}
    if principal.role_arn is not None:
        direct.add(principal.role_arn)
    if principal.service is not None:
        direct.add(principal.service)
    account = {principal.account_root_arn, principal.account_id}
    if principal.kind in ("admin", "root"):
        return direct | account, set()
    return direct, account


def _principal_match(entries: Mapping[str, tuple[str, ...]], principal: Principal) -> _PrincipalMatch:
    direct, account = _names(principal)
    found: _PrincipalMatch = "none"
    for kind, names in entries.items():
        if kind not in ("AWS", "Service"):
            continue
        for name in names:
            if name in direct:
                return "direct"
            if name in account:
                found = "account"
    return found


def _statement_principal(statement: Statement, principal: Principal) -> _PrincipalMatch:
    if statement.principals is not None:
        return _principal_match(statement.principals, principal)
    if statement.not_principals is not None:
        excluded = _principal_match(statement.not_principals, principal)
        return "direct" if excluded == "none" else "none"
    return "none"  # a resource policy statement without Principal names nobody


def _applies(statement: Statement, request: AccessRequest) -> bool:
    return (
        _action_applies(statement, request.action)
        and _resource_applies(statement, request.resource, request.context)
        and _conditions_apply(statement, request.context)
    )


def evaluate(
    request: AccessRequest,
    identity_policies: Sequence[PolicyDocument],
    resource_policy: PolicyDocument | None = None,
    *,
    resource_account: str | None = None,
    resource_policy_required: bool = False,
) -> Decision:
    """Decide `request` as AWS would from these policies.

    `resource_policy_required` is True for KMS keys and role trust policies, whose resource policy must
    allow (directly, or by naming the account so that identity policies decide).
    """
    identity_allow = request.principal.kind == "admin"
    for policy in identity_policies:
        for statement in policy.statements:
            if not _applies(statement, request):
                continue
            if statement.effect == "Deny":
                return Decision(False, "explicit_deny_identity")
            identity_allow = True

    direct_allow = delegated_allow = False
    if resource_policy is not None:
        for statement in resource_policy.statements:
            match = _statement_principal(statement, request.principal)
            if match == "none" or not _applies(statement, request):
                continue
            if statement.effect == "Deny":
                return Decision(False, "explicit_deny_resource")
            if match == "direct":
                direct_allow = True
            else:
                delegated_allow = True

    same_account = resource_account is None or resource_account == request.principal.account_id
    if resource_policy_required or not same_account:
        if direct_allow and same_account:
            return _ALLOWED
        if not (direct_allow or delegated_allow):
            return Decision(False, "no_resource_allow")
        return _ALLOWED if identity_allow else Decision(False, "no_identity_allow")
    if identity_allow or direct_allow:
        return _ALLOWED
    return Decision(False, "no_identity_allow")
