"""What PutRule and PutTargets refuse: AWS's refusals, and what the local cloud refuses loudly instead of ignoring.

A schedule expression EventBridge refuses (`rate(1 minutes)`, `rate(0 minutes)`, a 5-field cron) gets AWS's
`Parameter ScheduleExpression is not valid.`; one AWS documents but the local scheduler cannot run (cron `W`,
`#`, day-of-week `L`, a range that wraps) is refused naming what is not supported. A target is refused, naming
it, when the local EventBridge does not deliver to it (anything but Lambda functions, SQS queues, CloudWatch Logs
groups and event buses), when it uses settings the local cloud does not apply (DeadLetterConfig, RetryPolicy,
...), when its Input, InputPath or InputTransformer is one AWS refuses, and when it is an SQS FIFO queue without
content-based deduplication (AWS documents that such a queue must have it). The CloudFormation provider runs the
same checks before it calls the API, so a stack fails naming the resource.

Example:
    >>> put_rule_refusal("rate(1 minutes)")
    'Parameter ScheduleExpression is not valid.'
    >>> put_targets_refusal([{"Id": "t", "Arn": "arn:aws:sns:us-east-1:123456789012:topic"}])[:30]
    'target t (arn:aws:sns:us-east-'
"""

from __future__ import annotations

from typing import Any

from fogbank.cloud.aws_state.events import fifo_queue_without_deduplication, target_service
from fogbank.cloud.events.schedule import ScheduleError, ScheduleUnsupported, parse_schedule
from fogbank.cloud.events.transform import InputError, check_target_input

__all__ = ["DELIVERED", "TargetError", "check_targets", "put_rule_refusal", "put_targets_refusal"]

DELIVERED = "Lambda functions, SQS queues, CloudWatch Logs groups and event buses"
_TARGET_KEYS = frozenset({"Id", "Arn", "Input", "InputPath", "InputTransformer", "SqsParameters", "RoleArn"})


class TargetError(ValueError):
    """A target the local EventBridge refuses (the message names the target and the next step)."""


def put_rule_refusal(expression: str | None) -> str | None:
    """The ValidationException message PutRule answers for this ScheduleExpression; None when it is accepted."""
    if not expression:
        return None
    try:
        parse_schedule(expression)
    except ScheduleUnsupported as exc:
        return f"Parameter ScheduleExpression is not supported by the local cloud: {exc}. Test it on AWS"
    except ScheduleError:
        return "Parameter ScheduleExpression is not valid."
    return None


def put_targets_refusal(targets: list[dict[str, Any]]) -> str | None:
    """The ValidationException message PutTargets answers for these targets; None when all are accepted."""
    try:
        check_targets(targets)
    except TargetError as exc:
        return str(exc)
    return None


def check_targets(targets: list[dict[str, Any]]) -> None:
    """Raise TargetError for the first target the local EventBridge refuses (see the module's docstring)."""
    for target in targets:
        _check_target(target)


def _check_target(target: dict[str, Any]) -> None:
    target_id, arn = target.get("Id"), str(target.get("Arn", ""))
    unknown = sorted(set(target) - _TARGET_KEYS)
    if unknown:
        raise TargetError(
            f"target {target_id} uses {', '.join(unknown)}, which the local cloud's EventBridge does not apply (no "
            "retries or dead-letter queues, no ECS/Batch/Kinesis/HTTP parameters). Remove them, or test them on AWS"
        )
    parts = arn.split(":")
    event_bus = len(parts) >= 6 and parts[2] == "events" and parts[5].startswith("event-bus/")
    if target_service(arn) is None and not event_bus:
        raise TargetError(
            f"target {target_id} ({arn}) is not delivered by the local cloud's EventBridge, which delivers to "
            f"{DELIVERED} (AWS accepts this target). Remove it, or test this target on AWS"
        )
    try:
        check_target_input(target)
    except InputError as exc:
        raise TargetError(str(exc)) from None
    if target_service(arn) == "sqs" and fifo_queue_without_deduplication(arn):
        raise TargetError(
            f"target {target_id} ({arn}) is a FIFO queue without content-based deduplication; EventBridge "
            "requires it for a FIFO queue target. Set ContentBasedDeduplication on the queue"
        )
