"""The permission checks AWS makes when its services call a Lambda function for you, added to moto (5.2.5).

moto creates event source mappings, subscriptions, bucket notifications and subscription filters without
asking whether they may work, and delivers through them regardless. `install(checks)` adds what AWS checks:

- CreateEventSourceMapping (SQS, Kinesis, DynamoDB Streams): the function's execution role must allow the
  actions Lambda's poller uses on the source (AWS's `InvalidParameterValueException` otherwise), and each
  delivery is made only while it still does (the records stay in the queue or stream, as on AWS).
- PutBucketNotificationConfiguration: each Lambda, SQS and SNS destination's resource policy must allow
  `s3.amazonaws.com` (aws:SourceArn the bucket, aws:SourceAccount its owner) to invoke / send / publish
  (AWS's `InvalidArgument: Unable to validate the following destination configurations`).
- An SNS delivery to a Lambda subscription: the function's policy must allow `sns.amazonaws.com` from the
  topic; otherwise SNS's delivery fails and the function is not invoked (AWS accepts the subscription).
- PutSubscriptionFilter to a function: its policy must allow `logs.amazonaws.com` (or
  `logs.<region>.amazonaws.com`) from the log group (AWS's `InvalidParameterException`).

`checks` decides (the IAM component's `ServiceAccess`: enforce, warn or off); this module only knows where
moto makes these calls and how AWS answers. `uninstall` restores moto.

Example:
    >>> ESM_ACTIONS["sqs"]
    ('sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes')
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

__all__ = ["ESM_ACTIONS", "ServiceChecks", "install", "uninstall"]

_log = logging.getLogger("fogbank.cloud.iam")

# What Lambda's poller needs on each source (the actions AWS names in CreateEventSourceMapping's errors and
# in its managed policies AWSLambdaSQSQueueExecutionRole, AWSLambdaKinesisExecutionRole and
# AWSLambdaDynamoDBExecutionRole), in the order AWS reports the first one missing.
ESM_ACTIONS: dict[str, tuple[str, ...]] = {
    "sqs": ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"),
    "kinesis": (
        "kinesis:GetRecords",
        "kinesis:GetShardIterator",
        "kinesis:DescribeStream",
        "kinesis:ListShards",
        "kinesis:ListStreams",
    ),
    "dynamodb": (
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:DescribeStream",
        "dynamodb:ListStreams",
    ),
}
_STREAM_MESSAGE = (
    "Cannot access stream {arn}. Please ensure the role can perform the GetRecords, GetShardIterator, "
    "DescribeStream, ListShards, and ListStreams Actions on your stream in IAM."
)
_installed: dict[str, Any] = {}
_checks: list[ServiceChecks] = []


class ServiceChecks(Protocol):
    """Decides whether a call a service makes for you goes ahead (and records it when it is denied)."""

    def service_may(
        self,
        service: str,
        action: str,
        resource: str,
        *,
        source_arn: str,
        source_account: str,
        also_as: tuple[str, ...] = (),
    ) -> bool: ...

    def role_may(self, role_arn: str, action: str, resource: str) -> bool: ...


def _source_service(source_arn: str) -> str:
    return source_arn.split(":")[2] if source_arn.count(":") >= 5 else ""


def _denied_action(role_arn: str, source_arn: str) -> str | None:
    """The first action the poller needs that the role may not do on the source; None when it may."""
    for action in ESM_ACTIONS.get(_source_service(source_arn), ()):
        if not _checks[0].role_may(role_arn, action, source_arn):
            return action
    return None


def _poller_may(backend: Any, function_arn: str, source_arn: str) -> bool:
    if not _checks:
        return True
    try:
        function = backend._lambdas.get_function_by_name_or_arn_with_qualifier(function_arn, None)
    except Exception:  # a function deleted since: moto's own call reports it
        return True
    action = _denied_action(str(function.role), source_arn)
    if action is None:
        return True
    _log.warning(
        "Lambda did not poll %s for %s: its execution role %s may not call %s on it (the event source "
        "mapping's records stay in the source, as on AWS). Grant it, e.g. with the managed policy for the "
        "source or CDK's grant that the event source construct adds",
        source_arn,
        function_arn,
        function.role,
        action,
    )
    return False


def _unreceive(queue_arn: str, message_ids: set[str]) -> None:
    """Undo the receive moto made for a poller that may not receive (it counts towards redrive policies)."""
    from moto.sqs.models import sqs_backends

    _, _, _, region, account_id, name = queue_arn.split(":", 5)
    queue = sqs_backends[account_id][region].queues.get(name)
    for message in list(queue._messages) if queue is not None else []:
        if message.id in message_ids:  # moto handed out copies: the originals are in the queue
            message.approximate_receive_count = max(0, message.approximate_receive_count - 1)
            if message.approximate_receive_count == 0:
                message.approximate_first_receive_timestamp = None


def _install_event_source_mappings() -> None:
    from moto.awslambda.exceptions import InvalidParameterValueException
    from moto.awslambda.models import LambdaBackend

    create = LambdaBackend.create_event_source_mapping
    send_sqs = LambdaBackend.send_sqs_batch
    send_kinesis = LambdaBackend.send_kinesis_message
    send_dynamodb = LambdaBackend.send_dynamodb_items

    def create_event_source_mapping(self: Any, spec: dict[str, Any]) -> Any:
        source_arn = str(spec.get("EventSourceArn") or "")
        if _checks and source_arn and spec.get("FunctionName"):
            function = self._lambdas.get_function_by_name_or_arn_with_qualifier(spec["FunctionName"])
            action = _denied_action(str(function.role), source_arn)
            if action is not None:
                if _source_service(source_arn) == "sqs":
                    message = (
                        f"The function execution role does not have permissions to call "
                        f"{action.split(':', 1)[1]} on SQS"
                    )
                else:
                    message = _STREAM_MESSAGE.format(arn=source_arn)
                raise InvalidParameterValueException(message)
        return create(self, spec)

    def send_sqs_batch(self: Any, function_arn: str, messages: Any, queue_arn: str) -> bool:
        if _poller_may(self, function_arn, queue_arn):
            return bool(send_sqs(self, function_arn, messages, queue_arn))
        _unreceive(queue_arn, {message.id for message in messages})
        return False  # moto makes them visible again

    def send_kinesis_message(
        self: Any, function_name: str, kinesis_stream: str, *args: Any, **kw: Any
    ) -> None:
        if _poller_may(self, function_name, kinesis_stream):
            send_kinesis(self, function_name, kinesis_stream, *args, **kw)

    def send_dynamodb_items(self: Any, function_arn: str, items: list[Any], source: str) -> Any:
        if _poller_may(self, function_arn, source):
            return send_dynamodb(self, function_arn, items, source)
        return None  # the records stay in the stream

    _installed.update(
        create_event_source_mapping=create,
        send_sqs_batch=send_sqs,
        send_kinesis_message=send_kinesis,
        send_dynamodb_items=send_dynamodb,
    )
    LambdaBackend.create_event_source_mapping = create_event_source_mapping  # type: ignore[method-assign]
    LambdaBackend.send_sqs_batch = send_sqs_batch  # type: ignore[method-assign]
    LambdaBackend.send_kinesis_message = send_kinesis_message  # type: ignore[method-assign]
    LambdaBackend.send_dynamodb_items = send_dynamodb_items  # type: ignore[method-assign]


# S3's destinations: (configuration key, ARN key, action, AWS's reason when the destination's policy denies)
_S3_DESTINATIONS = (
    (
        "CloudFunctionConfiguration",
        "CloudFunction",
        "lambda:InvokeFunction",
        "Not authorized to invoke function [{arn}]",
    ),
    (
        "QueueConfiguration",
        "Queue",
        "sqs:SendMessage",
        "Permissions on the destination queue do not allow S3 to publish notifications from this bucket",
    ),
    (
        "TopicConfiguration",
        "Topic",
        "sns:Publish",
        "Permissions on the destination topic do not allow S3 to publish notifications from this bucket",
    ),
)


def _s3_may(action: str, destination: str, bucket: str, owner: str) -> bool:
    return _checks[0].service_may(
        "s3.amazonaws.com", action, destination, source_arn=f"arn:aws:s3:::{bucket}", source_account=owner
    )


def _destinations_not_validated(base: type[Exception], rejected: list[tuple[str, str]]) -> Exception:
    """AWS's InvalidArgument, with an ArgumentNameN / ArgumentValueN pair per destination it could not validate
    (S3's model has no such error shape: the error carries its own, which `_error_model` hands moto)."""
    from moto.core.errors import ErrorShape
    from moto.core.model import ShapeResolver

    error = base("InvalidArgument", "Unable to validate the following destination configurations")
    members: dict[str, Any] = {}
    for index, (name, value) in enumerate(rejected, start=1):
        members[f"ArgumentName{index}"] = {"shape": "String"}
        members[f"ArgumentValue{index}"] = {"shape": "String"}
        setattr(error, f"ArgumentName{index}", name)
        setattr(error, f"ArgumentValue{index}", value)
    model = {"type": "structure", "exception": True, "members": members, "error": {"code": "InvalidArgument"}}
    error._fogbank_error_shape = ErrorShape(  # type: ignore[attr-defined]
        "InvalidArgument", model, ShapeResolver({"String": {"type": "string"}})
    )
    return error


def _install_error_shapes() -> None:
    from moto.core import serialize

    error_model = serialize.get_error_model  # type: ignore[attr-defined]

    def get_error_model(exception: Exception, default_service_model: Any) -> Any:
        own = getattr(exception, "_fogbank_error_shape", None)
        return own if own is not None else error_model(exception, default_service_model)

    _installed.update(get_error_model=error_model)
    serialize.get_error_model = get_error_model  # type: ignore[attr-defined]


def _install_bucket_notifications() -> None:
    from moto.s3 import notifications
    from moto.s3.exceptions import S3ClientError
    from moto.s3.models import S3Backend

    put = S3Backend.put_bucket_notification_configuration
    invoke = notifications._invoke_awslambda

    def put_bucket_notification_configuration(self: Any, bucket_name: str, config: dict[str, Any]) -> None:
        if _checks and config:
            rejected: list[tuple[str, str]] = []
            for key, arn_key, action, reason in _S3_DESTINATIONS:
                for destination in config.get(key) or ():
                    arn = str(destination[arn_key])
                    if not _s3_may(action, arn, bucket_name, self.account_id):
                        name = f"{arn}, null" if arn_key == "CloudFunction" else arn
                        rejected.append((name, reason.format(arn=arn)))
            if rejected:
                _log.warning(
                    "PutBucketNotificationConfiguration of bucket %s refused (InvalidArgument, as on AWS): %s. "
                    "Allow s3.amazonaws.com with aws:SourceArn the bucket in each destination's policy (an "
                    "AWS::Lambda::Permission, a queue or topic policy), as CDK's notification destinations do",
                    bucket_name,
                    "; ".join(f"{name}: {value}" for name, value in rejected),
                )
                raise _destinations_not_validated(S3ClientError, rejected)
        put(self, bucket_name, config)

    def invoke_awslambda(account_id: str, event_body: Any, fn_arn: str, region_name: str) -> None:
        if _checks:
            bucket = str(event_body["Records"][0]["s3"]["bucket"]["name"])
            if not _s3_may("lambda:InvokeFunction", fn_arn, bucket, account_id):
                _log.warning(
                    "S3 did not invoke %s for a notification of bucket %s: the function's policy no longer "
                    "allows s3.amazonaws.com to invoke it from the bucket (AWS drops the event)",
                    fn_arn,
                    bucket,
                )
                return
        invoke(account_id, event_body, fn_arn, region_name)

    _installed.update(put_bucket_notification_configuration=put, invoke_awslambda=invoke)
    S3Backend.put_bucket_notification_configuration = put_bucket_notification_configuration  # type: ignore[method-assign,assignment]
    notifications._invoke_awslambda = invoke_awslambda


def _install_sns_deliveries() -> None:
    from moto.sns.models import Subscription

    publish = Subscription.publish

    def deliver(self: Any, message: str, message_id: str, *args: Any, **kwargs: Any) -> None:
        if _checks and self.protocol == "lambda":
            attributes = kwargs.get("message_attributes", args[1] if len(args) > 1 else None)
            matcher = self._filter_policy_matcher
            if matcher is None or matcher.matches(attributes, message):
                topic = str(self.topic.arn)
                if not _checks[0].service_may(
                    "sns.amazonaws.com",
                    "lambda:InvokeFunction",
                    str(self.endpoint),
                    source_arn=topic,
                    source_account=topic.split(":")[4],
                ):
                    _log.warning(
                        "SNS did not deliver message %s of topic %s to %s: the function's policy does not allow "
                        "sns.amazonaws.com to invoke it with aws:SourceArn the topic (on AWS the delivery fails). "
                        "Add an AWS::Lambda::Permission (Principal sns.amazonaws.com, SourceArn the topic), as "
                        "CDK's LambdaSubscription does",
                        message_id,
                        topic,
                        self.endpoint,
                    )
                    return
        publish(self, message, message_id, *args, **kwargs)

    _installed.update(sns_publish=publish)
    Subscription.publish = deliver  # type: ignore[method-assign]


def _install_subscription_filters() -> None:
    from moto.logs.exceptions import InvalidParameterException
    from moto.logs.models import LogsBackend

    put = LogsBackend.put_subscription_filter

    def put_subscription_filter(
        self: Any,
        log_group_name: str,
        filter_name: str,
        filter_pattern: str,
        destination_arn: str,
        role_arn: str,
    ) -> None:
        if _checks and destination_arn.split(":")[2:3] == ["lambda"] and log_group_name in self.groups:
            group_arn = f"arn:aws:logs:{self.region_name}:{self.account_id}:log-group:{log_group_name}:*"
            if not _checks[0].service_may(
                "logs.amazonaws.com",
                "lambda:InvokeFunction",
                destination_arn,
                source_arn=group_arn,
                source_account=self.account_id,
                also_as=(f"logs.{self.region_name}.amazonaws.com",),
            ):
                _log.warning(
                    "PutSubscriptionFilter %s of %s refused (InvalidParameterException, as on AWS): the policy of "
                    "%s does not allow logs.amazonaws.com to invoke it with aws:SourceArn %s. Add an "
                    "AWS::Lambda::Permission for it, as CDK's LambdaDestination does",
                    filter_name,
                    log_group_name,
                    destination_arn,
                    group_arn,
                )
                raise InvalidParameterException(
                    "Could not execute the lambda function. Make sure you have given CloudWatch Logs permission "
                    "to execute your function."
                )
        put(self, log_group_name, filter_name, filter_pattern, destination_arn, role_arn)

    _installed.update(put_subscription_filter=put)
    LogsBackend.put_subscription_filter = put_subscription_filter  # type: ignore[method-assign]


def install(checks: ServiceChecks) -> None:
    """Make moto ask `checks` where AWS checks permissions. Idempotent; the last `checks` given decides."""
    _checks[:] = [checks]
    if _installed:
        return
    _install_event_source_mappings()
    _install_error_shapes()
    _install_bucket_notifications()
    _install_sns_deliveries()
    _install_subscription_filters()


def uninstall() -> None:
    """Detach `checks` (moto then checks nothing again); the patched methods stay, inert."""
    _checks.clear()
