"""SQS queues and queue policies, SNS topics and subscriptions.

Example:
    >>> QueueProvider.resource_type
    'AWS::SQS::Queue'
"""

from __future__ import annotations

import json
from typing import Any

from fogbank.cloud.cloudformation.providers.base import ProviderRequest, ProviderResult, ResourceProvider
from fogbank.cloud.cloudformation.providers.common import ignore_missing, tag_list_to_map

__all__ = ["PROVIDERS", "QueuePolicyProvider", "QueueProvider", "SubscriptionProvider", "TopicProvider"]

_QUEUE_ATTRIBUTES = (
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "KmsMasterKeyId",
    "KmsDataKeyReusePeriodSeconds",
    "FifoQueue",
    "ContentBasedDeduplication",
    "SqsManagedSseEnabled",
    "DeduplicationScope",
    "FifoThroughputLimit",
)


def _attribute_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


class QueueProvider(ResourceProvider):
    """AWS::SQS::Queue; Ref is the queue URL."""

    resource_type = "AWS::SQS::Queue"
    properties = frozenset({"QueueName", "Tags", "RedrivePolicy", "RedriveAllowPolicy", *_QUEUE_ATTRIBUTES})

    def _attributes(self, props: dict[str, Any]) -> dict[str, str]:
        keys = (*_QUEUE_ATTRIBUTES, "RedrivePolicy", "RedriveAllowPolicy")
        return {key: _attribute_text(props[key]) for key in keys if key in props}

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        fifo = str(props.get("FifoQueue", "false")).lower() == "true"
        name = props.get("QueueName") or request.physical_name(80 - (5 if fifo else 0)) + (
            ".fifo" if fifo else ""
        )
        sqs = request.services.client("sqs", request.region)
        url = sqs.create_queue(
            QueueName=name, Attributes=self._attributes(props), tags=tag_list_to_map(props.get("Tags"))
        )["QueueUrl"]
        return self._result(request, url, name)

    def _result(self, request: ProviderRequest, url: str, name: str) -> ProviderResult:
        arn = f"arn:aws:sqs:{request.region}:{request.account_id}:{name}"
        return ProviderResult(physical_id=url, attributes={"Arn": arn, "QueueName": name, "QueueUrl": url})

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        from fogbank.cloud.cloudformation.providers.base import NeedsReplacement

        for key in ("QueueName", "FifoQueue"):
            if request.properties.get(key) != previous_properties.get(key):
                raise NeedsReplacement(key)
        attributes = self._attributes(request.properties)
        if attributes:
            request.services.client("sqs", request.region).set_queue_attributes(
                QueueUrl=current.physical_id, Attributes=attributes
            )
        return current

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        with ignore_missing():
            request.services.client("sqs", request.region).delete_queue(QueueUrl=current.physical_id)


class QueuePolicyProvider(ResourceProvider):
    """AWS::SQS::QueuePolicy (what CDK adds for `targets.SqsQueue` and `queue.add_to_resource_policy`): the
    queues' Policy attribute. Ref is a generated id; deleting it removes the queues' policy."""

    resource_type = "AWS::SQS::QueuePolicy"
    properties = frozenset({"PolicyDocument", "Queues"})

    def _apply(self, request: ProviderRequest, queues: list[str], policy: str) -> None:
        sqs = request.services.client("sqs", request.region)
        for url in queues:
            sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy})

    def create(self, request: ProviderRequest) -> ProviderResult:
        policy = request.properties["PolicyDocument"]
        text = policy if isinstance(policy, str) else json.dumps(policy)
        self._apply(request, list(request.properties["Queues"]), text)
        physical = request.physical_name(128)
        return ProviderResult(physical_id=physical, attributes={"Id": physical})

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        kept = set(request.properties["Queues"])
        with ignore_missing():
            self._apply(request, [q for q in previous_properties.get("Queues", []) if q not in kept], "")
        policy = request.properties["PolicyDocument"]
        self._apply(request, list(kept), policy if isinstance(policy, str) else json.dumps(policy))
        return current

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        for url in request.properties.get("Queues", []):
            with ignore_missing():
                self._apply(request, [url], "")


class TopicProvider(ResourceProvider):
    """AWS::SNS::Topic; Ref is the topic ARN."""

    resource_type = "AWS::SNS::Topic"
    properties = frozenset(
        {
            "TopicName",
            "DisplayName",
            "FifoTopic",
            "ContentBasedDeduplication",
            "KmsMasterKeyId",
            "Subscription",
            "Tags",
        }
    )

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        fifo = str(props.get("FifoTopic", "false")).lower() == "true"
        name = props.get("TopicName") or request.physical_name(256 - (5 if fifo else 0)) + (
            ".fifo" if fifo else ""
        )
        attributes = {
            key: _attribute_text(props[key])
            for key in ("DisplayName", "FifoTopic", "ContentBasedDeduplication", "KmsMasterKeyId")
            if key in props
        }
        sns = request.services.client("sns", request.region)
        tags = [{"Key": t["Key"], "Value": t["Value"]} for t in props.get("Tags", [])]
        arn = sns.create_topic(Name=name, Attributes=attributes, **({"Tags": tags} if tags else {}))[
            "TopicArn"
        ]
        for subscription in props.get("Subscription", []):
            sns.subscribe(TopicArn=arn, Protocol=subscription["Protocol"], Endpoint=subscription["Endpoint"])
        return ProviderResult(physical_id=arn, attributes={"TopicArn": arn, "TopicName": name})

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        with ignore_missing():
            request.services.client("sns", request.region).delete_topic(TopicArn=current.physical_id)


class SubscriptionProvider(ResourceProvider):
    """AWS::SNS::Subscription; Ref is the subscription ARN."""

    resource_type = "AWS::SNS::Subscription"
    properties = frozenset(
        {
            "TopicArn",
            "Protocol",
            "Endpoint",
            "RawMessageDelivery",
            "FilterPolicy",
            "FilterPolicyScope",
            "RedrivePolicy",
        }
    )

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        attributes = {
            key: _attribute_text(props[key])
            for key in ("RawMessageDelivery", "FilterPolicy", "FilterPolicyScope", "RedrivePolicy")
            if key in props
        }
        arn = request.services.client("sns", request.region).subscribe(
            TopicArn=props["TopicArn"],
            Protocol=props["Protocol"],
            Endpoint=props.get("Endpoint", ""),
            Attributes=attributes,
            ReturnSubscriptionArn=True,
        )["SubscriptionArn"]
        return ProviderResult(physical_id=arn, attributes={"Arn": arn})

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        with ignore_missing():
            request.services.client("sns", request.region).unsubscribe(SubscriptionArn=current.physical_id)


PROVIDERS: list[type[ResourceProvider]] = [
    QueueProvider,
    QueuePolicyProvider,
    TopicProvider,
    SubscriptionProvider,
]
