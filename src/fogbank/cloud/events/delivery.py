"""How EventBridge hands a matched event to a rule's Lambda, SQS and CloudWatch Logs targets.

Each target receives the input its settings ask for (`transform.target_input`). A Lambda target is invoked only
when the function's resource policy allows `events.amazonaws.com` to call `lambda:InvokeFunction` from this rule
(aws:SourceArn = the rule's ARN, aws:SourceAccount = its account), as AWS checks it; then asynchronously
(InvocationType Event) through the Lambda component. Without the permission AWS does not invoke and counts a
FailedInvocation; here the target is not invoked either, one warning in the cloud's log names the rule, the
target and the permission that is missing, and the IAM findings (if given) record the denial. A queue gets the
input as its message body (SqsParameters.MessageGroupId for FIFO queues), a log group one log event in the
stream named after the event id. Queue and log group resource policies are not evaluated.

Example:
    >>> principal_of_events()
    'events.amazonaws.com'
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from fogbank.cloud.aws_state.events import MatchedRule, put_to_log_group, send_to_queue, target_service
from fogbank.cloud.aws_state.lambda_policy import resource_policy
from fogbank.cloud.events.transform import InputError, RuleContext, target_input
from fogbank.cloud.frontdoors.permissions import policy_allows

if TYPE_CHECKING:
    from typing import Any

    from fogbank.cloud.contracts import FunctionInvoker
    from fogbank.cloud.lambda_.api import InvokeResult

__all__ = ["DenialNote", "TargetDelivery", "principal_of_events"]

_log = logging.getLogger("fogbank.cloud.events")
_PRINCIPAL = "events.amazonaws.com"
_ACTION = "lambda:InvokeFunction"

# (principal, action, resource) of a denied invocation, for the IAM findings of the run
DenialNote = Callable[[str, str, str], None]


def principal_of_events() -> str:
    """The service principal EventBridge invokes as."""
    return _PRINCIPAL


class TargetDelivery:
    """Delivers matched events to targets: functions through `lambda_` (the Lambda component's Invoke), queues and
    log groups into their service's state."""

    def __init__(self, lambda_: FunctionInvoker, denied: DenialNote | None = None) -> None:
        self._lambda = lambda_
        self._denied = denied

    def deliver(self, rule: MatchedRule, event: dict[str, Any]) -> None:
        context = RuleContext(rule.name, rule.arn)
        for target in rule.targets:
            try:
                self._deliver_one(rule, target, event, context)
            except Exception:  # one target never stops the others (AWS counts a FailedInvocation)
                _log.exception("EventBridge rule %s did not deliver to target %s", rule.arn, target.get("Id"))

    def allowed(self, rule: MatchedRule, function_arn: str) -> bool:
        policy = resource_policy(function_arn, account_id=rule.account_id, region=rule.region)
        return policy_allows(policy, _PRINCIPAL, _ACTION, rule.arn, resource=function_arn)

    def _deliver_one(
        self, rule: MatchedRule, target: dict[str, Any], event: dict[str, Any], context: RuleContext
    ) -> None:
        arn = str(target["Arn"])
        target_id = str(target.get("Id", ""))
        service = target_service(arn)
        if service == "lambda":
            self._invoke(rule, target, event, context)
            return
        try:
            body = target_input(target, event, context)
            if service == "sqs":
                group = (target.get("SqsParameters") or {}).get("MessageGroupId")
                send_to_queue(arn, body, str(group) if group else None)
            else:
                put_to_log_group(arn, str(event.get("id", "")), body)
        except Exception as exc:  # AWS counts a FailedInvocation; the local cloud says why
            _log.warning(
                "EventBridge rule %s did not deliver to target %s (%s): %s", rule.arn, target_id, arn, exc
            )

    def _invoke(
        self, rule: MatchedRule, target: dict[str, Any], event: dict[str, Any], context: RuleContext
    ) -> None:
        function_arn = str(target["Arn"])
        target_id = str(target.get("Id", ""))
        if not self.allowed(rule, function_arn):
            _log.warning(
                "EventBridge rule %s did not invoke target %s (%s): FailedInvocation, the function's resource "
                "policy does not allow %s to call %s with aws:SourceArn %s. Add an AWS::Lambda::Permission "
                "(Principal %s, SourceArn the rule's ARN), as targets.LambdaFunction does in CDK",
                rule.arn,
                target_id,
                function_arn,
                _PRINCIPAL,
                _ACTION,
                rule.arn,
                _PRINCIPAL,
            )
            if self._denied is not None:
                self._denied(_PRINCIPAL, _ACTION, function_arn)
            return
        try:
            payload = target_input(target, event, context).encode()
        except InputError as exc:
            _log.warning("EventBridge rule %s did not invoke target %s: %s", rule.arn, target_id, exc)
            return

        def outcome(result: InvokeResult) -> None:
            if result.error_code is not None:
                _log.warning(
                    "EventBridge rule %s: invoking target %s (%s) failed: %s",
                    rule.arn,
                    target_id,
                    function_arn,
                    result.payload.decode("utf-8", "replace"),
                )

        result = self._lambda.invoke(function_arn, payload, invocation_type="Event", on_event_outcome=outcome)
        if result.error_code is not None:
            _log.warning(
                "EventBridge rule %s did not invoke target %s (%s): %s %s",
                rule.arn,
                target_id,
                function_arn,
                result.error_code,
                result.payload.decode("utf-8", "replace"),
            )
