"""EventBridge schedule expressions: `rate(value unit)` and `cron(minutes hours day-of-month month day-of-week year)`.

All times are UTC epoch seconds. A rate fires every period after the moment the rule was first seen; a cron fires
at each matching minute. Cron fields take `*`, lists `a,b`, ranges `a-b`, steps `*/n` and `a/n`, month names
(JAN-DEC) and day names (SUN-SAT, 1 = Sunday); `?` in day-of-month or day-of-week (exactly one of them), `L` (last
day of the month) in day-of-month. `W`, `#` and `L` in day-of-week are refused with a clear error.

Example:
    >>> parse_schedule("rate(5 minutes)").next_after(0.0, anchor=0.0)
    300.0
    >>> import calendar, time
    >>> start = calendar.timegm((2026, 11, 30, 1, 7, 0))
    >>> time.strftime("%Y-%m-%d %H:%M", time.gmtime(parse_schedule("cron(0/15 * * * ? *)").next_after(start)))
    '2026-11-30 01:15'
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

__all__ = [
    "CronSchedule",
    "RateSchedule",
    "Schedule",
    "ScheduleError",
    "ScheduleUnsupported",
    "parse_schedule",
]

_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_CRON = re.compile(r"^cron\((.*)\)$")
_UNSUPPORTED = re.compile(r"#|\dW|^LW$|\dL|^L$")  # nearest weekday, nth weekday, last weekday of the month
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
_MONTHS = {name.upper(): number for number, name in enumerate(calendar.month_abbr) if name}
_DAYS = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}


class ScheduleError(ValueError):
    """A schedule expression EventBridge would refuse, or one the local cloud cannot run (names which)."""


class ScheduleUnsupported(ScheduleError):
    """A cron expression AWS documents (W, #, L in day-of-week) or may accept (a range that wraps, SAT-SUN) that
    the local scheduler cannot run."""


@dataclass(frozen=True)
class RateSchedule:
    """Every `period` seconds from the anchor (when the rule was first seen)."""

    period: int

    def next_after(self, now: float, anchor: float | None = None) -> float:
        start = now if anchor is None else anchor
        if now < start + self.period:
            return start + self.period
        elapsed = int((now - start) // self.period) + 1
        return start + elapsed * self.period


@dataclass(frozen=True)
class CronSchedule:
    """The minutes whose fields all match (UTC)."""

    minutes: frozenset[int]
    hours: frozenset[int]
    days_of_month: frozenset[int] | None  # None: `?`
    last_day_of_month: bool
    months: frozenset[int]
    days_of_week: frozenset[int] | None  # None: `?`; 1 = Sunday
    years: frozenset[int]

    def next_after(self, now: float, anchor: float | None = None) -> float:
        """The first matching minute strictly after `now`; ScheduleError when none comes within 200 years."""
        start = datetime.datetime.fromtimestamp(int(now) // 60 * 60 + 60, tz=datetime.UTC)
        day = start.date()
        for _ in range(366 * 200):
            if self._day_matches(day):
                first = start.hour * 60 + start.minute if day == start.date() else 0
                for minute_of_day in range(first, 24 * 60):
                    hour, minute = divmod(minute_of_day, 60)
                    if hour in self.hours and minute in self.minutes:
                        moment = datetime.datetime(
                            day.year, day.month, day.day, hour, minute, tzinfo=datetime.UTC
                        )
                        return moment.timestamp()
            day += datetime.timedelta(days=1)
        raise ScheduleError(
            "the cron expression matches no future minute (its years have passed, or no date matches, as Feb 31)"
        )

    def _day_matches(self, day: datetime.date) -> bool:
        if day.year not in self.years or day.month not in self.months:
            return False
        if self.days_of_week is not None:
            return (day.isoweekday() % 7) + 1 in self.days_of_week
        last = calendar.monthrange(day.year, day.month)[1]
        if self.last_day_of_month and day.day == last:
            return True
        return self.days_of_month is not None and day.day in self.days_of_month


Schedule = RateSchedule | CronSchedule


def parse_schedule(expression: str) -> Schedule:
    """A rate or cron schedule; ScheduleError (naming the expression and the problem) otherwise."""
    rate = _RATE.match(expression)
    if rate is not None:
        value, unit = int(rate.group(1)), rate.group(2)
        if value < 1:
            raise ScheduleError(f"{expression}: the rate value must be a positive number")
        if (value == 1) != (not unit.endswith("s")):
            raise ScheduleError(f"{expression}: use the singular unit for 1 and the plural otherwise")
        return RateSchedule(value * _UNIT_SECONDS[unit.rstrip("s")])
    cron = _CRON.match(expression)
    if cron is None:
        raise ScheduleError(f"{expression}: a schedule expression is rate(value unit) or cron(6 fields)")
    fields = cron.group(1).split()
    if len(fields) != 6:
        raise ScheduleError(f"{expression}: a cron expression has 6 fields, found {len(fields)}")
    minutes, hours, dom, month, dow, year = fields
    if (dom == "?") == (dow == "?"):
        raise ScheduleError(f"{expression}: exactly one of day-of-month and day-of-week must be ?")
    last = dom == "L"
    return CronSchedule(
        minutes=_field(minutes, 0, 59, {}, expression),
        hours=_field(hours, 0, 23, {}, expression),
        days_of_month=None if dom == "?" else frozenset() if last else _field(dom, 1, 31, {}, expression),
        last_day_of_month=last,
        months=_field(month, 1, 12, _MONTHS, expression),
        days_of_week=None if dow == "?" else _field(dow, 1, 7, _DAYS, expression),
        years=_field(year, 1970, 2199, {}, expression),
    )


def _field(text: str, low: int, high: int, names: dict[str, int], expression: str) -> frozenset[int]:
    values: set[int] = set()
    for part in text.split(","):
        values |= _part(part.upper(), low, high, names, expression)
    return frozenset(values)


def _part(part: str, low: int, high: int, names: dict[str, int], expression: str) -> set[int]:
    if _UNSUPPORTED.search(part):
        raise ScheduleUnsupported(
            f"{expression}: {part!r} (W, # and L other than a day-of-month of L) is not supported by the local "
            "cloud's scheduler"
        )
    step = 1
    if "/" in part:
        part, step_text = part.split("/", 1)
        step = _number(step_text, 1, high, {}, expression)
    if part == "*":
        first, last = low, high
    elif "-" in part:
        first_text, last_text = part.split("-", 1)
        first, last = (
            _number(first_text, low, high, names, expression),
            _number(last_text, low, high, names, expression),
        )
    else:
        first = _number(part, low, high, names, expression)
        last = high if step > 1 else first
    if first > last:
        raise ScheduleUnsupported(
            f"{expression}: the range {part} wraps around; the local scheduler runs only ranges from low to high "
            "(write it as a list or two ranges: SAT,SUN rather than SAT-SUN)"
        )
    return set(range(first, last + 1, step))


def _number(text: str, low: int, high: int, names: dict[str, int], expression: str) -> int:
    if text in names:
        return names[text]
    if not text.isdigit() or not low <= int(text) <= high:
        raise ScheduleError(f"{expression}: {text!r} is not a value from {low} to {high}")
    return int(text)
