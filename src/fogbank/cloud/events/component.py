"""The EventBridge component: rules deliver to Lambda functions, and scheduled rules fire.

moto keeps EventBridge's state and answers its API (PutRule, PutTargets, PutEvents, ...). This component
receives the Lambda component (as `FunctionInvoker`) and where IAM records denials; on start it attaches
`TargetDelivery` to moto's rule matching (`aws_state.events.install`), has S3 send its events to the default
bus as AWS does (`aws_state.s3_events.install`) and starts the `Scheduler` thread that fires
rules with a ScheduleExpression; on stop it detaches and ends that thread.

Example:
    >>> from pathlib import Path
    >>> from fogbank.cloud.site import CloudSite
    >>> class NoLambda:
    ...     def invoke(self, *args, **kwargs): raise AssertionError("not invoked here")
    >>> events = EventsComponent(CloudSite("http://127.0.0.1:9", Path("/tmp/unused")), lambda_=NoLambda())
    >>> events.start(); events.stop()
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from fogbank.cloud.aws_state import events as events_state
from fogbank.cloud.aws_state import s3_events
from fogbank.cloud.events.checks import put_rule_refusal, put_targets_refusal
from fogbank.cloud.events.delivery import DenialNote, TargetDelivery
from fogbank.cloud.events.scheduler import Clock, Scheduler

if TYPE_CHECKING:
    from fogbank.cloud.contracts import FunctionInvoker
    from fogbank.cloud.site import CloudSite

__all__ = ["EventsComponent"]


class EventsComponent:
    """Delivers EventBridge events to Lambda targets and fires scheduled rules."""

    def __init__(
        self,
        site: CloudSite,
        *,
        lambda_: FunctionInvoker,
        denied: DenialNote | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._site = site
        self.delivery = TargetDelivery(lambda_, denied)
        self.scheduler = Scheduler(self._scheduled_rules, self._fire, clock)

    def start(self) -> None:
        events_state.install(
            self.delivery.deliver,
            self.scheduler.wake,
            refuse_rule=put_rule_refusal,
            refuse_targets=put_targets_refusal,
        )
        s3_events.install()
        self.scheduler.start()

    def stop(self) -> None:
        """Detach from moto and end the scheduler thread. Idempotent, never raises."""
        events_state.uninstall()
        self.scheduler.stop()

    @staticmethod
    def _scheduled_rules() -> list[tuple[str, str]]:
        return [(rule.arn, rule.expression) for rule in events_state.scheduled_rules() if rule.enabled]

    @staticmethod
    def _fire(rule_arn: str, due: float) -> None:
        events_state.fire_scheduled(rule_arn, str(uuid.uuid4()), due)
