"""What AWS checks when one of its services acts for you, decided by the same evaluator as every request.

Two kinds of callers: a service principal (`s3.amazonaws.com` invoking a function, sending to a queue) is
held to the resource's policy, with the source's ARN and account as `aws:SourceArn` / `aws:SourceAccount`;
Lambda's pollers (event source mappings) act as the function's execution role, held to the role's identity
policies (and the resource's policy). In `enforce` mode a denial is answered as AWS answers it (the caller
decides how: an API error, or no delivery); in `warn` the call goes ahead and is reported; `off` checks
nothing. Every denial is an IAM finding of the run; the caller logs what it did not do and why.

Example:
    >>> from fogbank.cloud.iam.findings import FindingLog
    >>> access = ServiceAccess("enforce", FindingLog())
    >>> access.service_may("s3.amazonaws.com", "lambda:InvokeFunction",
    ...     "arn:aws:lambda:us-east-1:123456789012:function:none", source_arn="arn:aws:s3:::b",
    ...     source_account="123456789012")
    False
    >>> access.findings.findings()[0][0].line()
    'denied: s3.amazonaws.com lambda:InvokeFunction arn:aws:lambda:us-east-1:123456789012:function:none'
"""

from __future__ import annotations

from fogbank.cloud.iam.evaluator import AccessRequest, Decision, evaluate
from fogbank.cloud.iam.findings import Finding, FindingKind, FindingLog, Mode
from fogbank.cloud.iam.policies import identity_policies, resource_policy
from fogbank.cloud.iam.principals import Principal
from fogbank.cloud.iam.request_context import global_context

__all__ = ["ServiceAccess"]


def _region_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[3] if len(parts) > 3 else ""


class ServiceAccess:
    """Decides whether a service (or Lambda's poller, as the execution role) may do `action` on `resource`.

    Each method answers whether the call goes ahead: False only in `enforce` mode for a denied call.
    """

    def __init__(self, mode: Mode, findings: FindingLog) -> None:
        self.mode = mode
        self.findings = findings

    def service_may(
        self,
        service: str,
        action: str,
        resource: str,
        *,
        source_arn: str,
        source_account: str,
        also_as: tuple[str, ...] = (),
    ) -> bool:
        """`service` (e.g. `sns.amazonaws.com`) doing `action` on `resource` for `source_arn`'s owner;
        `also_as` are other names the service goes by (`logs.<region>.amazonaws.com`)."""
        if self.mode == "off":
            return True
        found = resource_policy(action, resource)
        document = found.document if found is not None else None
        decision = Decision(False, "no_resource_allow")
        for name in (service, *also_as):
            if document is None:
                break
            principal = Principal.service_principal(name, "")
            context = global_context(
                principal, region=_region_of(resource), source_arn=source_arn, source_account=source_account
            )
            request = AccessRequest(principal, action, resource, context)
            decision = evaluate(request, [], document, resource_account="")
            if decision.allowed:
                break
        return self._outcome(decision, service, action, resource)

    def role_may(self, role_arn: str, action: str, resource: str) -> bool:
        """A session of the execution role `role_arn` (Lambda's poller) doing `action` on `resource`."""
        if self.mode == "off":
            return True
        parts = role_arn.split(":", 5)
        if len(parts) < 6 or not parts[5].startswith("role/"):
            return self._outcome(Decision(False, "no_identity_allow"), role_arn, action, resource)
        account_id, name = parts[4], parts[5].rsplit("/", 1)[-1]
        path = parts[5][len("role") : -len(name)] or "/"
        principal = Principal.assumed_role(account_id, "AROALAMBDAPOLLER", name, "AWSLambda", path)
        context = global_context(principal, region=_region_of(resource))
        found = resource_policy(action, resource)
        decision = evaluate(
            AccessRequest(principal, action, resource, context),
            identity_policies(principal),
            found.document if found is not None else None,
            resource_account=found.account_id if found is not None else None,
            resource_policy_required=found.required if found is not None else False,
        )
        return self._outcome(decision, role_arn, action, resource)

    def _outcome(self, decision: Decision, principal: str, action: str, resource: str) -> bool:
        if decision.allowed:
            return True
        kind: FindingKind = "denied" if self.mode == "enforce" else "would_deny"
        self.findings.add(Finding(kind, principal, action, resource))
        return self.mode != "enforce"
