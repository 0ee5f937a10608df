"""The permission checks AWS makes when its services call a Lambda function for you, added to moto (5.2.5).

moto creates event source mappings, subscriptions, bucket notifications and subscription filters without
asking whether they may work, and delivers through them regardless. `install(checks)` adds what AWS checks:

- CreateEventSourceMapping (SQS, Kinesis, DynamoDB Streams): the function's execution role must allow the
  actions Lambda's poller uses on the source (AWS's `InvalidParameterValueException` otherwise), and each
  delivery is made only while it still does (the records stay in the queue or stream, as on AWS). An SQS
  mapping's FilterCriteria is checked (`esm_checks`) and applied by `sqs_lambda`; on a stream it is refused.
  Its batching window holds messages until the batch is full or the window has passed, and a failed batch's
  messages stay invisible for the visibility timeout and are then polled again (`sqs_windows`).
- PutBucketNotificationConfiguration: each Lambda, SQS and SNS destination's resource policy must allow
  `s3.amazonaws.com` from the bucket (`s3_destinations`), at configuration and at each delivery.
- An SNS delivery to a Lambda subscription: the function's policy must allow `sns.amazonaws.com` from the
  topic; otherwise SNS's delivery fails and the function is not invoked (AWS accepts the subscription)
  (`sns_lambda`, which also sends AWS's event).
- PutSubscriptionFilter to a function: its policy must allow `logs.amazonaws.com` (or
  `logs.<region>.amazonaws.com`) from the log group (AWS's `InvalidParameterException`), and each delivery of
  the group's events is checked again; only the events the filter's pattern matches are delivered (moto sent
  every event).

`checks` decides (the IAM component's `ServiceAccess`: enforce, warn or off); this module only knows where
moto makes these calls and how AWS answers. `uninstall` restores moto.

Example:
    >>> ESM_ACTIONS["sqs"]
    ('sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes')
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from fogbank.cloud.aws_state import (
    esm_checks,
    event_source_links,
    s3_destinations,
    sns_lambda,
    sqs_lambda,
    sqs_windows,
)

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


_source_service = esm_checks.source_service


def _denied_action(role_arn: str, source_arn: str) -> str | None:
    """The first action the poller needs that the role may not do on the source; None when it may."""
    for action in ESM_ACTIONS.get(_source_service(source_arn), ()):
        if not _checks[0].role_may(role_arn, action, source_arn):
            return action
    return None


def _mapping_active(backend: Any, function_arn: str, source_arn: str) -> bool:
    """Whether an enabled mapping from `source_arn` to the function still exists: moto's DeleteEventSourceMapping
    leaves the source pointing at the function, and its streams ignore `Enabled`."""
    return any(
        esm.function_arn == function_arn and esm.event_source_arn == source_arn and esm.enabled
        for esm in list(backend._event_source_mappings.values())
    )


def _poller_may(backend: Any, function_arn: str, source_arn: str) -> bool:
    if not _mapping_active(backend, function_arn, source_arn):
        return False  # no poller: nothing to deliver, nothing to report
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
    update = LambdaBackend.update_event_source_mapping
    send_sqs = LambdaBackend.send_sqs_batch
    send_kinesis = LambdaBackend.send_kinesis_message
    send_dynamodb = LambdaBackend.send_dynamodb_items

    def create_event_source_mapping(self: Any, spec: dict[str, Any]) -> Any:
        source_arn = str(spec.get("EventSourceArn") or "")
        esm_checks.check_filter_criteria(spec.get("FilterCriteria"), source_arn)
        esm_checks.check_window(spec, source_arn)
        esm_checks.check_batch_size(spec, source_arn)
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
        esm_checks.check_visibility_timeout(self, spec, source_arn)
        if source_arn and spec.get("FunctionName"):
            event_source_links.refuse_duplicate(self, source_arn, str(spec["FunctionName"]))
        esm = create(self, spec)
        event_source_links.relink(esm)  # a second mapping of a Kinesis stream no longer replaces the first
        if _source_service(source_arn) == "sqs" and esm.enabled:
            sqs_windows.poll_soon(self, esm)  # messages already in the queue
        return esm

    def update_event_source_mapping(self: Any, uuid: str, spec: dict[str, Any]) -> Any:
        esm = self._event_source_mappings.get(uuid)
        if "FilterCriteria" in spec:
            esm_checks.check_filter_criteria(spec["FilterCriteria"], str(esm.event_source_arn) if esm else "")
        if esm is not None:
            esm_checks.check_window(spec, str(esm.event_source_arn))
            esm_checks.check_batch_size(spec, str(esm.event_source_arn), esm)
        updated = update(self, uuid, spec)
        if esm is not None:
            event_source_links.relink(esm)  # a new FunctionName: the source calls the new function
        if esm is not None and _source_service(str(esm.event_source_arn)) == "sqs" and esm.enabled:
            sqs_windows.poll_soon(self, esm)  # e.g. enabled again: the messages sent meanwhile
        return updated

    def send_sqs_batch(self: Any, function_arn: str, messages: Any, queue_arn: str) -> bool:
        if _poller_may(self, function_arn, queue_arn):
            if not sqs_windows.holds(self, function_arn, messages, queue_arn):
                if (
                    not sqs_windows.in_timed_poll()
                ):  # a send's poll: SendMessage does not wait for the function
                    sqs_windows.deliver_later(
                        self, function_arn, list(messages), queue_arn, sqs_lambda.deliver_batch
                    )
                    messages[
                        :
                    ] = []  # invisible while the function runs; the delivery deletes or retries them
                    return False
                if sqs_lambda.deliver_batch(self, function_arn, messages, queue_arn):
                    return True
                sqs_windows.retry_later(self, function_arn, messages, queue_arn)
                messages[:] = []  # they stay invisible until their visibility timeout (moto: visible at once)
                return False
            _unreceive(queue_arn, {message.id for message in messages})  # they wait for the window
            return False  # moto makes them visible again
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
        update_event_source_mapping=update,
        send_sqs_batch=send_sqs,
        send_kinesis_message=send_kinesis,
        send_dynamodb_items=send_dynamodb,
    )
    LambdaBackend.create_event_source_mapping = create_event_source_mapping  # type: ignore[method-assign]
    LambdaBackend.update_event_source_mapping = update_event_source_mapping  # type: ignore[method-assign]
    LambdaBackend.send_sqs_batch = send_sqs_batch  # type: ignore[method-assign]
    LambdaBackend.send_kinesis_message = send_kinesis_message  # type: ignore[method-assign]
    LambdaBackend.send_dynamodb_items = send_dynamodb_items  # type: ignore[method-assign]


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
            if not _logs_may(destination_arn, group_arn, self.region_name, self.account_id):
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

    from moto.awslambda.models import LambdaBackend

    send = LambdaBackend.send_log_event

    def send_log_event(
        self: Any,
        function_arn: str,
        filter_name: str,
        log_group_name: str,
        log_stream_name: str,
        log_events: list[dict[str, Any]],
    ) -> None:
        log_events = _matching_events(self, log_group_name, filter_name, log_events)
        if not log_events:
            return  # moto sent every event whatever the filter's pattern
        if _checks:
            group_arn = f"arn:aws:logs:{self.region_name}:{self.account_id}:log-group:{log_group_name}:*"
            if not _logs_may(function_arn, group_arn, self.region_name, self.account_id):
                _log.warning(
                    "CloudWatch Logs did not deliver log events of %s to %s (subscription filter %s): the "
                    "function's policy no longer allows logs.amazonaws.com to invoke it (AWS drops them)",
                    log_group_name,
                    function_arn,
                    filter_name,
                )
                return
        send(self, function_arn, filter_name, log_group_name, log_stream_name, log_events)

    _installed.update(put_subscription_filter=put, send_log_event=send)
    LogsBackend.put_subscription_filter = put_subscription_filter  # type: ignore[method-assign]
    LambdaBackend.send_log_event = send_log_event  # type: ignore[method-assign]


def _matching_events(
    lambda_backend: Any, log_group_name: str, filter_name: str, log_events: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The events the subscription filter's pattern matches (CloudWatch Logs' own filter-pattern syntax)."""
    from moto.logs.models import logs_backends

    from fogbank.cloud.telemetry.filter_pattern import FilterPatternError, compile_filter_pattern

    group = logs_backends[lambda_backend.account_id][lambda_backend.region_name].groups.get(log_group_name)
    subscription = group.subscription_filters.get(filter_name) if group is not None else None
    if subscription is None:
        return []  # deleted since: nothing to deliver
    try:
        pattern = compile_filter_pattern(str(subscription.filter_pattern or ""))
    except FilterPatternError as exc:
        _log.warning("subscription filter %s of %s delivers nothing: %s", filter_name, log_group_name, exc)
        return []
    return [event for event in log_events if pattern.matches(str(event["message"]))]


def _logs_may(function_arn: str, group_arn: str, region: str, account_id: str) -> bool:
    return _checks[0].service_may(
        "logs.amazonaws.com",
        "lambda:InvokeFunction",
        function_arn,
        source_arn=group_arn,
        source_account=account_id,
        also_as=(f"logs.{region}.amazonaws.com",),
    )


def install(checks: ServiceChecks) -> None:
    """Make moto ask `checks` where AWS checks permissions. Idempotent; the last `checks` given decides."""
    _checks[:] = [checks]
    if _installed:
        return
    _install_event_source_mappings()
    s3_destinations.install(_checks)
    sns_lambda.install(_checks)
    _install_subscription_filters()


def uninstall() -> None:
    """Detach `checks` (moto then checks nothing again) and cancel pending batching windows; the patched methods
    stay, inert."""
    _checks.clear()
    sqs_windows.stop()
