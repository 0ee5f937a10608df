"""S3's side of the permission checks AWS makes for bucket notifications (moto 5.2.5), for `service_calls`.

PutBucketNotificationConfiguration validates each Lambda, SQS and SNS destination: its resource policy must
allow `s3.amazonaws.com` (aws:SourceArn the bucket, aws:SourceAccount its owner) to invoke / send / publish,
else AWS's `InvalidArgument: Unable to validate the following destination configurations` with an
ArgumentNameN / ArgumentValueN pair per destination. Each later delivery is checked again (AWS drops an event
its destination no longer allows). `install(checks)` patches moto; `checks` is `service_calls`' list, empty
while no cloud is attached (then nothing is checked).

Example:
    >>> [action for _, _, action, _ in S3_DESTINATIONS]
    ['lambda:InvokeFunction', 'sqs:SendMessage', 'sns:Publish']
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fogbank.cloud.aws_state.service_calls import ServiceChecks

__all__ = ["S3_DESTINATIONS", "install"]

_log = logging.getLogger("fogbank.cloud.iam")
_checks: list[ServiceChecks] = []
_installed: dict[str, Any] = {}

# S3's destinations: (configuration key, ARN key, action, AWS's reason when the destination's policy denies)
S3_DESTINATIONS = (
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
            for key, arn_key, action, reason in S3_DESTINATIONS:
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

    send_sqs = notifications._send_sqs_message
    send_sns = notifications._send_sns_message

    def send_sqs_message(account_id: str, event_body: Any, queue_name: str, region_name: str) -> None:
        queue = f"arn:aws:sqs:{region_name}:{account_id}:{queue_name}"
        if _delivery_allowed("sqs:SendMessage", queue, event_body, account_id):
            send_sqs(account_id, event_body, queue_name, region_name)

    def send_sns_message(account_id: str, event_body: Any, topic_arn: str, region_name: str) -> None:
        if _delivery_allowed("sns:Publish", topic_arn, event_body, account_id):
            send_sns(account_id, event_body, topic_arn, region_name)

    _installed.update(
        put_bucket_notification_configuration=put,
        invoke_awslambda=invoke,
        send_sqs=send_sqs,
        send_sns=send_sns,
    )
    S3Backend.put_bucket_notification_configuration = put_bucket_notification_configuration  # type: ignore[method-assign,assignment]
    notifications._invoke_awslambda = invoke_awslambda
    notifications._send_sqs_message = send_sqs_message
    notifications._send_sns_message = send_sns_message


def _bucket_of(event_body: Any) -> str:
    """The bucket an S3 notification (or S3's s3:TestEvent) is about."""
    if "Records" in event_body:
        return str(event_body["Records"][0]["s3"]["bucket"]["name"])
    return str(event_body.get("Bucket", ""))


def _delivery_allowed(action: str, destination: str, event_body: Any, owner: str) -> bool:
    if not _checks:
        return True
    bucket = _bucket_of(event_body)
    if _s3_may(action, destination, bucket, owner):
        return True
    _log.warning(
        "S3 did not send a notification of bucket %s to %s: its policy no longer allows s3.amazonaws.com to "
        "call %s from the bucket (AWS drops the event)",
        bucket,
        destination,
        action,
    )
    return False


def install(checks: list[ServiceChecks]) -> None:
    """Patch moto once; `checks` (shared with the caller, who fills and empties it) decides each time."""
    global _checks
    _checks = checks
    if _installed:
        return
    _install_error_shapes()
    _install_bucket_notifications()
