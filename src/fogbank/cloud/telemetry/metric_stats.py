"""CloudWatch statistics over stored datums: Sum, Average, Minimum, Maximum, SampleCount and pNN.

A metric is its namespace, name and exact dimension set (as in CloudWatch: a query without dimensions does
not see metrics that have some). Datapoints are grouped into periods aligned on multiples of the period.

Example:
    >>> from datetime import datetime
    >>> from fogbank.cloud.aws_state.cloudwatch import StoredDatum
    >>> d = [StoredDatum("App", "Hits", (), datetime(2024, 1, 1, 0, 0, s), "Count", (v,)) for s, v in [(1, 1.0), (2, 3.0)]]
    >>> [(p.start.second, p.statistic("Sum"), p.statistic("p50")) for p in periods(d, 60)]
    [(0, 4.0, 1.0)]
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from fogbank.cloud.aws_state.cloudwatch import StoredDatum

__all__ = [
    "BASIC_STATISTICS",
    "Period",
    "StatisticError",
    "matching",
    "percentile",
    "periods",
    "validate_statistic",
]

BASIC_STATISTICS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")
_PERCENTILE = re.compile(r"^p(\d{1,2}(?:\.\d{1,10})?|100)$")
_EPOCH = datetime(1970, 1, 1)


class StatisticError(ValueError):
    """A statistic name CloudWatch does not know."""


def validate_statistic(stat: str) -> str:
    """`stat` itself when it is a basic statistic or a percentile such as p99 or p99.9."""
    if stat in BASIC_STATISTICS or _PERCENTILE.match(stat):
        return stat
    raise StatisticError(
        f"The statistic {stat!r} is not supported by the local cloud; use one of "
        f"{', '.join(BASIC_STATISTICS)} or a percentile such as p99"
    )


def percentile(values: Sequence[float], rank: float) -> float:
    """Nearest-rank percentile (rank in 0..100) of `values`."""
    ordered = sorted(values)
    if rank <= 0:
        return ordered[0]
    index = max(0, math.ceil(rank / 100 * len(ordered)) - 1)
    return ordered[min(index, len(ordered) - 1)]


def matching(
    datums: Iterable[StoredDatum],
    namespace: str,
    name: str,
    dimensions: Iterable[tuple[str, str]],
    unit: str | None = None,
) -> list[StoredDatum]:
    """The datums of exactly this metric (same dimension set), optionally of one unit."""
    wanted = sorted(dimensions)
    return [
        d
        for d in datums
        if d.namespace == namespace
        and d.name == name
        and sorted(d.dimensions) == wanted
        and (unit is None or d.unit == unit)
    ]


@dataclass
class Period:
    """The datums of one period and their statistics."""

    start: datetime
    datums: list[StoredDatum] = field(default_factory=list)

    @property
    def values(self) -> list[float]:
        return [v for d in self.datums for v in d.values]

    @property
    def unit(self) -> str:
        units = {d.unit for d in self.datums if d.unit}
        return units.pop() if len(units) == 1 else "None"

    def _aggregate(self) -> tuple[float, float, float, float]:
        count, total = 0.0, 0.0
        low, high = math.inf, -math.inf
        for datum in self.datums:
            if datum.statistics is not None:
                s_count, s_sum, s_min, s_max = datum.statistics
                count, total = count + s_count, total + s_sum
                low, high = min(low, s_min), max(high, s_max)
            for value in datum.values:
                count, total = count + 1, total + value
                low, high = min(low, value), max(high, value)
        return count, total, low, high

    def statistic(self, stat: str) -> float | None:
        """The value of `stat` for this period; None when it cannot be computed (a percentile of sets)."""
        count, total, low, high = self._aggregate()
        if count == 0:
            return None
        match stat:
            case "SampleCount":
                return count
            case "Sum":
                return total
            case "Average":
                return total / count
            case "Minimum":
                return low
            case "Maximum":
                return high
        rank = _PERCENTILE.match(stat)
        if rank is None:
            raise StatisticError(f"unknown statistic {stat!r}")
        if any(d.statistics is not None for d in self.datums):
            return None  # CloudWatch cannot compute percentiles from statistic sets either
        return percentile(self.values, float(rank.group(1)))


def period_start(moment: datetime, seconds: int) -> datetime:
    """`moment` rounded down to a multiple of `seconds` since the epoch."""
    elapsed = int((moment - _EPOCH).total_seconds())
    return _EPOCH + timedelta(seconds=elapsed - elapsed % seconds)


def periods(
    datums: Iterable[StoredDatum], seconds: int, start: datetime | None = None, end: datetime | None = None
) -> list[Period]:
    """The non-empty periods of `datums` within [start, end), oldest first."""
    buckets: dict[datetime, Period] = {}
    for datum in datums:
        if (start is not None and datum.timestamp < start) or (end is not None and datum.timestamp >= end):
            continue
        key = period_start(datum.timestamp, seconds)
        buckets.setdefault(key, Period(key)).datums.append(datum)
    return [buckets[key] for key in sorted(buckets)]
