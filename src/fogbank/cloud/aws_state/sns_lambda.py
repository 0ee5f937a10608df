"""The event SNS sends a subscribed Lambda function, as AWS builds it, from moto's (5.2.5) subscription.

moto's `send_sns_message` sends a fixed sample (`TopicArn` and `EventSubscriptionArn` "arn:aws:sns:EXAMPLE",
a 1970 timestamp, a fixed MessageId, made-up MessageAttributes). `lambda_event` builds the record AWS sends:
the subscription's and topic's ARNs, the published message (its `lambda` or `default` entry for
MessageStructure json), the message id Publish answered, its attributes (`{"Type", "Value"}`), `Subject`
(null when none), and moto's signed notification fields (Timestamp, SignatureVersion, Signature,
SigningCertUrl, which moto serves) with an UnsubscribeUrl naming the subscription.

`install(checks)` makes moto's lambda subscriptions deliver that event, and only when the function's policy
allows `sns.amazonaws.com` with aws:SourceArn the topic (AWS accepts the subscription, and its delivery fails:
no invocation, one warning, a finding). `checks` is `service_calls`' list (empty: nothing is checked).

Example:
    >>> unsubscribe_url("arn:aws:sns:eu-west-1:123456789012:t:1f2e")
    'https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:eu-west-1:123456789012:t:1f2e'
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fogbank.cloud.aws_state.service_calls import ServiceChecks

__all__ = ["install", "lambda_event", "unsubscribe_url"]

_log = logging.getLogger("fogbank.cloud.iam")
_checks: list[ServiceChecks] = []
_installed: dict[str, Any] = {}


def unsubscribe_url(subscription_arn: str) -> str:
    region = subscription_arn.split(":")[3]
    return f"https://sns.{region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={subscription_arn}"


def lambda_event(
    subscription: Any,
    message: str,
    message_id: str,
    subject: str | None,
    message_attributes: dict[str, Any] | None,
) -> dict[str, Any]:
    """The `{"Records": [...]}` event of one delivery of `message` through the moto `subscription`."""
    signed = subscription.get_post_data(message, message_id, subject)
    record = {
        "EventSource": "aws:sns",
        "EventVersion": "1.0",
        "EventSubscriptionArn": subscription.arn,
        "Sns": {
            "Type": "Notification",
            "MessageId": message_id,
            "TopicArn": subscription.topic.arn,
            "Subject": subject or None,
            "Message": message,
            "Timestamp": signed["Timestamp"],
            "SignatureVersion": signed["SignatureVersion"],
            "Signature": signed["Signature"],
            "SigningCertUrl": signed["SigningCertURL"],
            "UnsubscribeUrl": unsubscribe_url(subscription.arn),
            "MessageAttributes": dict(message_attributes or {}),
        },
    }
    return {"Records": [record]}


def _allowed(subscription: Any, message_id: str) -> bool:
    if not _checks:
        return True
    topic = str(subscription.topic.arn)
    if _checks[0].service_may(
        "sns.amazonaws.com",
        "lambda:InvokeFunction",
        str(subscription.endpoint),
        source_arn=topic,
        source_account=topic.split(":")[4],
    ):
        return True
    _log.warning(
        "SNS did not deliver message %s of topic %s to %s: the function's policy does not allow "
        "sns.amazonaws.com to invoke it with aws:SourceArn the topic (on AWS the delivery fails). Add an "
        "AWS::Lambda::Permission (Principal sns.amazonaws.com, SourceArn the topic), as CDK's LambdaSubscription "
        "does",
        message_id,
        topic,
        subscription.endpoint,
    )
    return False


def install(checks: list[ServiceChecks]) -> None:
    """Patch moto's Subscription.publish once; `checks` (shared with the caller) decides each delivery."""
    global _checks
    _checks = checks
    if _installed:
        return
    from moto.awslambda.utils import get_backend
    from moto.sns.models import Subscription

    publish = Subscription.publish

    def deliver(
        self: Any,
        message: str,
        message_id: str,
        subject: str | None = None,
        message_attributes: dict[str, Any] | None = None,
        group_id: str | None = None,
        deduplication_id: str | None = None,
        message_structure: str | None = None,
    ) -> None:
        if self.protocol != "lambda":
            publish(
                self,
                message,
                message_id,
                subject,
                message_attributes,
                group_id,
                deduplication_id,
                message_structure,
            )
            return
        matcher = self._filter_policy_matcher
        if matcher is not None and not matcher.matches(message_attributes, message):
            return
        if not _allowed(self, message_id):
            return
        if message_structure == "json":
            message = self._parse_message_structure(message, self.protocol)
        event = lambda_event(self, message, message_id, subject, message_attributes)
        parts = str(self.endpoint).split(":")
        qualifier = parts[7] if len(parts) == 8 else None
        backend = get_backend(self.account_id, parts[3])
        function = backend._lambdas.get_function_by_name_or_arn_with_qualifier(parts[6], qualifier)
        function.invoke(json.dumps(event), {}, {})

    _installed.update(publish=publish)
    Subscription.publish = deliver  # type: ignore[method-assign]
