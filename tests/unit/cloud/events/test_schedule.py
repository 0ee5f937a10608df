"""Schedule expressions: rate and cron, as EventBridge reads them (UTC)."""

from __future__ import annotations

import calendar
import time

import pytest

from fogbank.cloud.events.schedule import ScheduleError, ScheduleUnsupported, parse_schedule


def _at(*parts: int) -> float:
    return float(calendar.timegm((*parts, 0)[:6]))


def _text(moment: float) -> str:
    return time.strftime("%Y-%m-%d %a %H:%M", time.gmtime(moment))


@pytest.mark.parametrize(
    ("expression", "period"),
    [("rate(1 minute)", 60), ("rate(5 minutes)", 300), ("rate(1 hour)", 3600), ("rate(2 days)", 172800)],
)
def test_a_rate_fires_every_period_after_its_anchor(expression: str, period: int) -> None:
    # GIVEN a rate anchored at t=1000 WHEN asked at the anchor and later THEN the next multiple of the period
    schedule = parse_schedule(expression)
    assert schedule.next_after(1000.0, anchor=1000.0) == 1000.0 + period
    assert schedule.next_after(1000.0 + period, anchor=1000.0) == 1000.0 + 2 * period
    # AND a scheduler that was late by several periods fires once, at the next period after now
    assert schedule.next_after(1000.0 + 3.5 * period, anchor=1000.0) == 1000.0 + 4 * period


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("cron(0/15 * * * ? *)", (2026, 11, 30, 1, 7), "2026-11-30 Mon 01:15"),
        ("cron(0 2 ? * MON-FRI *)", (2026, 11, 28, 3, 0), "2026-11-30 Mon 02:00"),  # Saturday -> Monday
        ("cron(0 10 * * ? *)", (2026, 11, 30, 10, 0), "2026-12-01 Tue 10:00"),  # strictly after
        ("cron(30 23 L * ? *)", (2026, 2, 3, 0, 0), "2026-02-28 Sat 23:30"),  # last day of the month
        ("cron(0 8 1 JAN,JUL ? 2027)", (2026, 11, 30, 0, 0), "2027-01-01 Fri 08:00"),
        ("cron(5 9 ? * 1 *)", (2026, 11, 30, 0, 0), "2026-12-06 Sun 09:05"),  # 1 = Sunday
        ("cron(0 6 ? JUL-DEC MON-WED *)", (2026, 12, 3, 0, 0), "2026-12-07 Mon 06:00"),  # names in ranges
    ],
)
def test_a_cron_fires_at_the_next_matching_minute(
    expression: str, after: tuple[int, ...], expected: str
) -> None:
    assert _text(parse_schedule(expression).next_after(_at(*after))) == expected


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("rate(1 minutes)", "singular unit for 1"),
        ("rate(5 minute)", "singular unit for 1"),
        ("rate(0 minutes)", "positive"),
        ("rate(5 weeks)", "rate(value unit) or cron(6 fields)"),
        ("cron(0 12 * * ?)", "6 fields, found 5"),
        ("cron(0 12 * * * *)", "exactly one of day-of-month and day-of-week must be ?"),
        ("cron(0 25 * * ? *)", "'25' is not a value from 0 to 23"),
        ("cron(0 12 15W * ? *)", "W, # and L"),
        ("cron(0 12 ? * 6#3 *)", "W, # and L"),
        ("cron(0 12 ? * 6L *)", "L other than a day-of-month of L"),
        ("cron(0 12 10-5 * ? *)", "wraps around"),
        ("cron(0 12 ? * SAT-SUN *)", "SAT,SUN rather than SAT-SUN"),
        ("cron(0 12 ? * 7-1 *)", "wraps around"),
    ],
)
def test_expressions_eventbridge_refuses_or_that_cannot_run_are_refused_naming_them(
    expression: str, message: str
) -> None:
    with pytest.raises(ScheduleError) as raised:
        parse_schedule(expression)
    assert expression in str(raised.value) and message in str(raised.value)


@pytest.mark.parametrize(
    ("expression", "unsupported"),
    [
        ("rate(1 minutes)", False),
        ("rate(0 minutes)", False),
        ("cron(0 12 * * ?)", False),
        ("cron(0 12 15W * ? *)", True),
        ("cron(0 12 ? * SAT-SUN *)", True),  # AWS documents no wrap-around range: the local cloud says so
    ],
)
def test_what_aws_refuses_and_what_only_the_local_scheduler_cannot_run_are_told_apart(
    expression: str, unsupported: bool
) -> None:
    # GIVEN an expression WHEN parsed THEN AWS's refusals are ScheduleError, local limits ScheduleUnsupported
    with pytest.raises(ScheduleError) as raised:
        parse_schedule(expression)
    assert isinstance(raised.value, ScheduleUnsupported) is unsupported
