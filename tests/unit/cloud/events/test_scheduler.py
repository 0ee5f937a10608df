"""The scheduler: fires each scheduled rule when due, on an injected clock (no test waits for real time)."""

from __future__ import annotations

import threading

from fogbank.cloud.events.scheduler import ManualClock, Scheduler, SystemClock


def test_rules_fire_when_due_and_changes_are_planned_at_once() -> None:
    # GIVEN a rate rule and a cron rule seen at t=0 (a Thursday, 00:00 UTC)
    clock = ManualClock(0.0)
    rules = [("rate-rule", "rate(5 minutes)"), ("cron-rule", "cron(0/2 * * * ? *)")]
    fired: list[tuple[str, float]] = []
    scheduler = Scheduler(lambda: list(rules), lambda arn, at: fired.append((arn, at)), clock)
    # WHEN the scheduler first looks THEN nothing is due yet; the next due time is the cron's minute 2
    assert scheduler.run_due() == 120.0 and fired == []
    # WHEN the clock reaches 300 s THEN both fire once (the cron once, though minutes 2 and 4 passed)
    clock.now_value = 300.0
    assert scheduler.run_due() == 360.0
    assert sorted(fired) == [("cron-rule", 120.0), ("rate-rule", 300.0)]
    # WHEN the rate rule is removed (deleted or disabled) THEN it is no longer planned
    rules.pop(0)
    fired.clear()
    clock.now_value = 600.0
    assert scheduler.run_due() == 720.0 and fired == [("cron-rule", 360.0)]


def test_an_expression_that_cannot_run_is_logged_once_and_never_fires(caplog: object) -> None:
    clock = ManualClock(0.0)
    scheduler = Scheduler(lambda: [("bad", "cron(0 12 15W * ? *)")], lambda arn, at: None, clock)
    assert scheduler.run_due() is None
    assert scheduler.run_due() is None
    assert "EventBridge rule bad will not fire" in caplog.text  # type: ignore[attr-defined]
    assert caplog.text.count("will not fire") == 1  # type: ignore[attr-defined]


def test_the_thread_sleeps_until_due_wakes_when_the_clock_moves_and_stops() -> None:
    # GIVEN a started scheduler on a manual clock with one rule due in a minute
    clock = ManualClock(1_000_000.0)
    fired = threading.Event()
    scheduler = Scheduler(lambda: [("r", "rate(1 minute)")], lambda arn, at: fired.set(), SystemClock())
    scheduler.start()
    try:
        scheduler.use_clock(clock)  # the thread plans again on the manual clock: due at +60 s
        # WHEN nothing moves THEN nothing fires (the thread sleeps; it does not poll)
        assert not fired.wait(0.2)
        # WHEN the clock is advanced past the due time THEN the thread wakes and fires at once
        clock.advance(60.0)
        assert fired.wait(5)
    finally:
        scheduler.stop()
    # THEN stop ended the thread
    assert not any(thread.name == "events-scheduler" for thread in threading.enumerate())
