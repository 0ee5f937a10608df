"""The timer that fires scheduled rules: one thread that sleeps until the next rule is due.

It reads the rules (`rules()`) whenever it wakes: at a due time, or when `wake()` says they changed. A rate
rule's first firing is one period after the scheduler first saw it; a cron rule fires at each matching minute.
A rule that was due while the cloud could not fire it fires once, not once per missed period. Time comes from a
`Clock`: the wall clock in a cloud, a `ManualClock` in tests (`advance` moves it and wakes the scheduler, so a
test proves firing without waiting a real minute).

Example:
    >>> clock = ManualClock(0.0)
    >>> fired = []
    >>> scheduler = Scheduler(lambda: [("rule-arn", "rate(1 minute)")], lambda arn, at: fired.append((arn, at)), clock)
    >>> scheduler.run_due()      # the first look: due in one minute
    60.0
    >>> clock.now_value = 60.0
    >>> scheduler.run_due(), fired
    (120.0, [('rule-arn', 60.0)])
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

from fogbank.cloud.events.schedule import ScheduleError, parse_schedule

__all__ = ["Clock", "ManualClock", "Scheduler", "SystemClock"]

_log = logging.getLogger(__name__)


class Clock(Protocol):
    """Where the scheduler reads the time (UTC epoch seconds)."""

    def now(self) -> float: ...


class SystemClock:
    """The wall clock."""

    def now(self) -> float:
        return time.time()


class ManualClock:
    """A clock that moves only when told (tests); `advance` also wakes the scheduler it is attached to."""

    def __init__(self, start: float) -> None:
        self.now_value = start
        self._listeners: list[Callable[[], None]] = []

    def now(self) -> float:
        return self.now_value

    def attach(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def advance(self, seconds: float) -> None:
        self.now_value += seconds
        for listener in self._listeners:
            listener()


class Scheduler:
    """Fires `fire(rule_arn, due_time)` for each scheduled rule when it is due.

    `rules()` returns `(rule ARN, schedule expression)` for every ENABLED scheduled rule.
    """

    def __init__(
        self,
        rules: Callable[[], list[tuple[str, str]]],
        fire: Callable[[str, float], None],
        clock: Clock | None = None,
    ) -> None:
        self._rules = rules
        self._fire = fire
        self.clock: Clock = clock or SystemClock()
        self._plan: dict[tuple[str, str], float] = {}  # (arn, expression) -> next due time
        self._refused: set[tuple[str, str]] = set()
        self._planning = threading.Lock()  # one plan at a time: the thread's, or a test's use_clock
        self._wake = threading.Condition()
        self._woken = False
        self._stopping = False
        self._thread: threading.Thread | None = None

    def use_clock(self, clock: Clock) -> None:
        """Read time from `clock` from now on (a test's ManualClock); the plan is made again on it."""
        with self._planning:
            self.clock = clock
            self._plan.clear()
        if isinstance(clock, ManualClock):
            clock.attach(self.wake)
        self.wake()

    def start(self) -> None:
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="events-scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        with self._wake:
            self._stopping = True
            self._wake.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def wake(self) -> None:
        """The rules (or the clock) changed: plan again now."""
        with self._wake:
            self._woken = True
            self._wake.notify_all()

    def run_due(self) -> float | None:
        """Fire every rule that is due, plan the next firings; the next due time (None: no scheduled rule)."""
        with self._planning:
            return self._run_due()

    def _run_due(self) -> float | None:
        now = self.clock.now()
        current = {(arn, expression) for arn, expression in self._rules()}
        for key in list(self._plan):
            if key not in current:
                del self._plan[key]
        for key in current:
            if key not in self._plan and key not in self._refused:
                self._plan_next(key, now, anchor=now)
        for key, due in list(self._plan.items()):
            if due <= now:
                try:
                    self._fire(key[0], due)
                except Exception:
                    _log.exception("firing the scheduled rule %s failed", key[0])
                self._plan_next(key, now, anchor=due)
        return min(self._plan.values(), default=None)

    def _plan_next(self, key: tuple[str, str], now: float, anchor: float) -> None:
        """Plan the rule's next firing; a rule that cannot run, or whose cron has no future minute (a past year,
        Feb 31, a one-time cron after its firing), is logged once and dropped: the others keep firing."""
        self._plan.pop(key, None)
        try:
            self._plan[key] = parse_schedule(key[1]).next_after(now, anchor=anchor)
        except ScheduleError as exc:
            self._refused.add(key)
            _log.error("EventBridge rule %s will not fire: %s", key[0], exc)

    def _run(self) -> None:
        while True:
            with self._wake:
                if self._stopping:
                    return
                self._woken = False
            try:
                due = self.run_due()
            except Exception:
                _log.exception("the EventBridge scheduler failed to plan; it retries at the next change")
                due = None
            with self._wake:
                if self._stopping:
                    return
                if not self._woken:
                    timeout = (
                        None if due is None else min(max(0.0, due - self.clock.now()), threading.TIMEOUT_MAX)
                    )
                    self._wake.wait(timeout)
