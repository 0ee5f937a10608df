"""The scheduler: fires each scheduled rule when due, on an injected clock (no test waits for real time)."""

from __future__ import annotations

import calendar
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


def test_a_cron_with_no_future_minute_is_dropped_and_the_other_rules_keep_firing(caplog: object) -> None:
    # GIVEN a rate rule, a cron whose year has passed and a cron of Feb 31, seen on 2026-11-30 01:00 UTC
    start = float(calendar.timegm((2026, 11, 30, 1, 0, 0)))
    clock = ManualClock(start)
    rules = [("good", "rate(1 minute)"), ("past", "cron(0 12 1 1 ? 2020)"), ("feb31", "cron(0 0 31 2 ? *)")]
    fired: list[str] = []
    scheduler = Scheduler(lambda: rules, lambda arn, at: fired.append(arn), clock)
    # WHEN the scheduler plans THEN it does not raise: the rate rule is due in a minute
    assert scheduler.run_due() == start + 60
    # WHEN two minutes pass THEN the rate rule fired, and each never-matching rule was logged once
    clock.now_value += 120
    assert scheduler.run_due() == start + 180
    assert fired == ["good"]
    assert caplog.text.count("will not fire") == 2  # type: ignore[attr-defined]
    assert "EventBridge rule past will not fire" in caplog.text  # type: ignore[attr-defined]


def test_a_one_time_cron_is_dropped_after_its_last_firing_and_the_others_keep_firing(caplog: object) -> None:
    # GIVEN a one-time cron (2026-11-30 01:01 UTC) and a rate rule, seen at 01:00
    start = float(calendar.timegm((2026, 11, 30, 1, 0, 0)))
    clock = ManualClock(start)
    rules = [("once", "cron(1 1 30 11 ? 2026)"), ("good", "rate(1 minute)")]
    fired: list[str] = []
    scheduler = Scheduler(lambda: rules, lambda arn, at: fired.append(arn), clock)
    assert scheduler.run_due() == start + 60
    # WHEN both fire at 01:01 THEN re-planning drops the one-time cron (logged) and keeps the rate rule
    clock.now_value += 60
    assert scheduler.run_due() == start + 120
    assert sorted(fired) == ["good", "once"]
    assert "EventBridge rule once will not fire" in caplog.text  # type: ignore[attr-defined]
    # AND at 01:02 only the rate rule fires
    clock.now_value += 60
    assert scheduler.run_due() == start + 180 and fired.count("good") == 2 and fired.count("once") == 1
