"""moto's EventBridge state (pinned 5.2.5), as fogbank's events component needs it.

moto keeps buses, rules and targets, matches event patterns and delivers to SQS queues, log groups and buses.
It cannot deliver to Lambda functions (`Rule.send_to_targets` raises NotImplementedError for them), it delivers
for DISABLED rules, a rule with only a ScheduleExpression matches every event put on its bus, and nothing
fires schedules; to queues and log groups it sends its own template (no `account`, and Input / InputPath
ignored). `install` fixes these: a rule matches only when ENABLED and when it has an event pattern; its Lambda,
SQS and CloudWatch Logs targets go to the `deliver` hook (with the event in EventBridge's envelope), which sends
to queues and log groups with `send_to_queue` and `put_to_log_group`; event buses, archives and API
destinations stay moto's. `changed` is called after every rule change so that a scheduler can re-plan.
`scheduled_rules` lists the rules with a ScheduleExpression; `fire_scheduled` sends a "Scheduled Event" to one.
Two more of moto's differences are closed: a pattern naming an unknown match type (`{"prefx": "a"}`) matched
every event, and is now refused as AWS refuses it (InvalidEventPatternException); and moto's own S3
CreateBucket notification, which invoked matching functions directly in a shape AWS never sends, is off. The
only AWS service whose events reach the buses is S3, for buckets with an EventBridgeConfiguration
(`s3_events`). PutRule and PutTargets answer ValidationException with the messages of `install`'s refusal
hooks, and a target or rule that fails at delivery is logged, never failing PutEvents or the other rules.

Example:
    >>> envelope({"version": "0", "id": "1", "detail-type": "T", "source": "s", "account": "1",
    ...           "time": 0.0, "region": "r", "resources": [], "detail": {}, "ingestion-time": 0.0})["time"]
    '1970-01-01T00:00:00Z'
"""

from __future__ import annotations

import contextlib
import copy
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "MATCH_TYPES",
    "MatchedRule",
    "ScheduledRule",
    "envelope",
    "fifo_queue_without_deduplication",
    "fire_scheduled",
    "install",
    "is_lambda_arn",
    "put_to_log_group",
    "scheduled_rules",
    "send_to_queue",
    "target_service",
    "uninstall",
]

MATCH_TYPES = frozenset(
    {"prefix", "suffix", "equals-ignore-case", "numeric", "anything-but", "exists", "cidr", "wildcard"}
)
_ENVELOPE_KEYS = (
    "version",
    "id",
    "detail-type",
    "source",
    "account",
    "time",
    "region",
    "resources",
    "detail",
)


@dataclass(frozen=True)
class MatchedRule:
    """A rule an event matched, with its Lambda, SQS and Logs targets (as PutTargets stored them)."""

    name: str
    arn: str
    event_bus: str
    account_id: str
    region: str
    targets: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class ScheduledRule:
    """A rule with a ScheduleExpression (the scheduler's view: identity, expression, state)."""

    name: str
    arn: str
    account_id: str
    region: str
    expression: str
    enabled: bool


Deliver = Callable[[MatchedRule, dict[str, Any]], None]
Refusal = Callable[
    [Any], "str | None"
]  # the ValidationException message for a request's value, None: accepted

_hooks: dict[str, Callable[..., Any]] = {}
_log = logging.getLogger("fogbank.cloud.events")
_installed: dict[str, Any] = {}
_lock = threading.Lock()


def is_lambda_arn(arn: str) -> bool:
    """True for a Lambda function ARN (with or without a qualifier)."""
    parts = arn.split(":")
    return len(parts) >= 7 and parts[2] == "lambda" and parts[5] == "function"


def target_service(arn: str) -> str | None:
    """ "lambda", "sqs" or "logs" for a target fogbank delivers; None for one moto delivers (or refuses).

    Example:
        >>> target_service("arn:aws:logs:us-east-1:1:log-group:/aws/events/x:*"), target_service("arn:aws:sns:r:1:t")
        ('logs', None)
    """
    parts = arn.split(":")
    if is_lambda_arn(arn):
        return "lambda"
    if len(parts) == 6 and parts[2] == "sqs":
        return "sqs"
    if len(parts) >= 7 and parts[2] == "logs" and parts[5] == "log-group":
        return "logs"
    return None


def fifo_queue_without_deduplication(queue_arn: str) -> bool:
    """True for an existing FIFO queue whose ContentBasedDeduplication is off (False when there is no such queue).

    Example:
        >>> fifo_queue_without_deduplication("arn:aws:sqs:us-east-1:123456789012:no-such-queue.fifo")
        False
    """
    from moto.sqs.models import sqs_backends

    parts = queue_arn.split(":")
    if len(parts) != 6 or not parts[5].endswith(".fifo"):
        return False
    queue = sqs_backends[parts[4]][parts[3]].queues.get(parts[5])
    return queue is not None and queue.attributes.get("ContentBasedDeduplication") != "true"


def send_to_queue(queue_arn: str, body: str, group_id: str | None = None) -> None:
    """SendMessage as EventBridge does for an SQS target (moto's errors raise: no queue, FIFO without dedup)."""
    from moto.sqs.models import sqs_backends

    _arn, _partition, _service, region, account, name = queue_arn.split(":", 5)
    sqs_backends[account][region].send_message(queue_name=name, message_body=body, group_id=group_id)


def put_to_log_group(group_arn: str, stream: str, message: str) -> None:
    """One log event in `stream` (created when missing) of the group the ARN names (`:*` or not)."""
    from moto.logs.exceptions import ResourceAlreadyExistsException
    from moto.logs.models import logs_backends

    parts = group_arn.split(":")
    backend = logs_backends[parts[4]][parts[3]]
    name = parts[6]
    with contextlib.suppress(ResourceAlreadyExistsException):
        backend.create_log_stream(name, stream)
    backend.put_log_events(name, stream, [{"timestamp": int(time.time() * 1000), "message": message}])


def _enabled(rule: Any) -> bool:
    """ENABLED, or ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS (which matters only to AWS services' events)."""
    return str(rule.state).startswith("ENABLED")


def _iso(value: Any) -> str:
    if isinstance(value, (int, float)):
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(float(value)))
    return str(value)


def envelope(event: dict[str, Any]) -> dict[str, Any]:
    """The event as EventBridge sends it to a target: AWS's keys in AWS's order, `time` in ISO 8601 (moto keeps a
    number and adds `ingestion-time`, which targets never see); `replay-name` stays on replayed events."""
    shaped = {key: copy.deepcopy(event[key]) for key in _ENVELOPE_KEYS if key in event}
    shaped["time"] = _iso(event.get("time", time.time()))
    if "replay-name" in event:
        shaped["replay-name"] = event["replay-name"]
    return shaped


def _matched(rule: Any, targets: list[dict[str, Any]]) -> MatchedRule:
    return MatchedRule(
        rule.name,
        rule.arn,
        rule.event_bus_name,
        rule.account_id,
        rule.region_name,
        tuple(copy.deepcopy(targets)),
    )


def _send(rule: Any, event: dict[str, Any], transform_input: bool) -> None:
    """Lambda, SQS and Logs targets to the hook, the others to moto's own delivery, one target at a time: a target
    that fails is logged (AWS counts a FailedInvocation) and never stops the other targets, rules or PutEvents."""
    ours = [target for target in rule.targets if target_service(str(target.get("Arn", ""))) is not None]
    others = [target for target in rule.targets if target_service(str(target.get("Arn", ""))) is None]
    deliver = _hooks.get("deliver")
    if deliver is None:  # no cloud attached: moto delivers what it can, as it did before
        others = [target for target in rule.targets if not is_lambda_arn(str(target.get("Arn", "")))]
    elif ours:
        try:
            deliver(_matched(rule, ours), envelope(event))
        except Exception:
            _log.exception("EventBridge rule %s: delivering to its targets failed", rule.arn)
    for target in others:
        clone = copy.copy(rule)
        clone.targets = [target]
        try:
            _installed["send_to_targets"](clone, copy.deepcopy(event), transform_input)
        except Exception as exc:
            _log.warning(
                "EventBridge rule %s did not deliver to target %s (%s): %s: %s",
                rule.arn,
                target.get("Id"),
                target.get("Arn"),
                type(exc).__name__,
                exc,
            )


def install(
    deliver: Deliver,
    changed: Callable[[], None],
    refuse_rule: Refusal | None = None,
    refuse_targets: Refusal | None = None,
) -> None:
    """Route matched Lambda, SQS and Logs targets to `deliver`, call `changed` after rule changes; PutRule answers
    ValidationException with `refuse_rule(ScheduleExpression)`'s message when it gives one, PutTargets with
    `refuse_targets(Targets)`'s. Idempotent."""
    from moto.events import notifications
    from moto.events.models import EventPatternParser, EventsBackend, Rule
    from moto.events.responses import EventsHandler

    with _lock:
        _hooks.update(deliver=deliver, changed=changed)
        for name, hook in (("refuse_rule", refuse_rule), ("refuse_targets", refuse_targets)):
            if hook is None:
                _hooks.pop(name, None)
            else:
                _hooks[name] = hook
        if _installed:
            return
        original_send = Rule.send_to_targets

        def send_to_targets(self: Any, original_event: Any, transform_input: bool = True) -> None:
            if not _enabled(self):  # a DISABLED rule matches nothing, as on AWS
                return
            if self.scheduled_expression and not self.event_pattern.get_pattern():
                return  # a schedule-only rule is fired by its schedule, never by events put on the bus
            try:
                if not self.event_pattern.matches_event(original_event):
                    return
                _send(self, dict(original_event), transform_input)
            except Exception:  # one rule never breaks PutEvents or the rules after it
                _log.exception("EventBridge rule %s: matching or delivering an event failed", self.arn)

        _installed["send_to_targets"] = original_send
        Rule.send_to_targets = send_to_targets  # type: ignore[method-assign]
        original_validate = EventPatternParser._validate_event_pattern

        def validate(self: Any, pattern: dict[str, Any]) -> None:
            original_validate(self, pattern)
            _check_match_types(pattern)

        _installed["validate"] = original_validate
        EventPatternParser._validate_event_pattern = validate  # type: ignore[method-assign]
        _installed["notification"] = notifications._send_safe_notification
        notifications._send_safe_notification = lambda *args, **kwargs: None
        for name in ("put_rule", "delete_rule", "enable_rule", "disable_rule", "delete_event_bus"):
            _installed[name] = getattr(EventsBackend, name)
            setattr(EventsBackend, name, _notifying(_installed[name]))
        EventsBackend.put_rule = _refusing_schedules(EventsBackend.put_rule)  # type: ignore[method-assign]
        _installed["handler_put_targets"] = EventsHandler.put_targets
        EventsHandler.put_targets = _refusing_targets(EventsHandler.put_targets)  # type: ignore[method-assign]


def _refusing_schedules(method: Callable[..., Any]) -> Callable[..., Any]:
    """PutRule: a ScheduleExpression the hook refuses is a ValidationException (moto's regex let some through)."""

    def put_rule(self: Any, *args: Any, **kwargs: Any) -> Any:
        from moto.events.exceptions import ValidationException

        refuse = _hooks.get("refuse_rule")
        message = refuse(kwargs.get("scheduled_expression")) if refuse is not None else None
        if message:
            raise ValidationException(message)
        return method(self, *args, **kwargs)

    return put_rule


def _refusing_targets(method: Callable[..., Any]) -> Callable[..., Any]:
    """PutTargets (the API, not moto's own archive rules): targets the hook refuses are a ValidationException."""

    def put_targets(self: Any) -> Any:
        from moto.events.exceptions import ValidationException

        refuse = _hooks.get("refuse_targets")
        message = refuse(list(self._get_param("Targets") or [])) if refuse is not None else None
        if message:
            raise ValidationException(message)
        return method(self)

    return put_targets


def _check_match_types(pattern: dict[str, Any]) -> None:
    """Refuse a filter object whose match type EventBridge does not know (moto let it match everything)."""
    from moto.events.exceptions import InvalidEventPatternException

    for key, value in pattern.items():
        if key == "$or" and isinstance(value, list):
            for alternative in value:
                if isinstance(alternative, dict):
                    _check_match_types(alternative)
        elif isinstance(value, dict):
            _check_match_types(value)
        elif isinstance(value, list):
            for item in value:
                unknown = [name for name in item if name not in MATCH_TYPES] if isinstance(item, dict) else []
                if unknown:
                    raise InvalidEventPatternException(reason=f"Unrecognized match type {unknown[0]}")


def _notifying(method: Callable[..., Any]) -> Callable[..., Any]:
    def changing(self: Any, *args: Any, **kwargs: Any) -> Any:
        answer = method(self, *args, **kwargs)
        changed = _hooks.get("changed")
        if changed is not None:
            changed()
        return answer

    return changing


def uninstall() -> None:
    """Detach the hooks (moto's patched methods stay; with no hook, Lambda targets are not delivered)."""
    with _lock:
        _hooks.clear()


def _rules() -> list[Any]:
    from moto.events.models import events_backends

    found: list[Any] = []
    for _account, regions in list(events_backends.items()):
        for _region, backend in list(regions.items()):
            for bus in list(backend.event_buses.values()):
                found.extend(list(bus.rules.values()))
    return found


def scheduled_rules() -> list[ScheduledRule]:
    """Every rule with a ScheduleExpression, in every account and region of moto's state."""
    return [
        ScheduledRule(
            rule.name,
            rule.arn,
            rule.account_id,
            rule.region_name,
            rule.scheduled_expression,
            _enabled(rule),
        )
        for rule in _rules()
        if rule.scheduled_expression
    ]


def fire_scheduled(rule_arn: str, event_id: str, at: float) -> bool:
    """Send the "Scheduled Event" of `at` (epoch seconds) to the rule's targets; False when the rule is gone or
    disabled. Lambda, SQS and Logs targets go to the `deliver` hook, the others to moto's own delivery."""
    for rule in _rules():
        if rule.arn != rule_arn:
            continue
        if not _enabled(rule) or not rule.scheduled_expression:
            return False
        event = {
            "version": "0",
            "id": event_id,
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": rule.account_id,
            "time": float(int(at)),
            "region": rule.region_name,
            "resources": [rule.arn],
            "detail": {},
            "ingestion-time": time.time(),
        }
        _send(rule, event, True)
        return True
    return False
