from __future__ import annotations

from datetime import datetime

import pytest

from fogbank.cloud.aws_state.cloudwatch import StoredDatum
from fogbank.cloud.telemetry.metric_stats import (
    StatisticError,
    matching,
    percentile,
    periods,
    validate_statistic,
)


def datum(
    second: int, *values: float, dims: tuple[tuple[str, str], ...] = (), minute: int = 0
) -> StoredDatum:
    return StoredDatum("App", "Hits", dims, datetime(2024, 1, 1, 0, minute, second), "Count", values)


def test_statistics_per_period() -> None:
    # GIVEN values in two one-minute periods
    data = [datum(1, 1.0), datum(2, 3.0, 5.0), datum(3, 4.0, minute=1)]
    # WHEN grouped by 60 s periods
    first, second = periods(data, 60)
    # THEN each statistic is computed per period
    assert first.start == datetime(2024, 1, 1, 0, 0) and second.start == datetime(2024, 1, 1, 0, 1)
    assert [first.statistic(s) for s in ("Sum", "Average", "Minimum", "Maximum", "SampleCount")] == [
        9.0,
        3.0,
        1.0,
        5.0,
        3.0,
    ]
    assert second.statistic("Sum") == 4.0
    assert first.statistic("p50") == 3.0 and first.statistic("p99") == 5.0


def test_statistic_sets_combine_but_have_no_percentiles() -> None:
    # GIVEN a statistic set and a single value
    stats = StoredDatum("App", "Hits", (), datetime(2024, 1, 1), None, (), (4.0, 10.0, 1.0, 6.0))
    (period,) = periods([stats, datum(5, 2.0)], 300)
    # THEN basic statistics combine and percentiles are unavailable
    assert period.statistic("SampleCount") == 5.0 and period.statistic("Sum") == 12.0
    assert period.statistic("Maximum") == 6.0 and period.statistic("p90") is None


def test_matching_needs_the_exact_dimension_set() -> None:
    # GIVEN the same metric with and without dimensions
    data = [datum(1, 1.0), datum(1, 2.0, dims=(("service", "a"),))]
    # THEN each query only sees its own dimension set
    assert [d.values for d in matching(data, "App", "Hits", [])] == [(1.0,)]
    assert [d.values for d in matching(data, "App", "Hits", [("service", "a")])] == [(2.0,)]
    assert matching(data, "App", "Hits", [("service", "b")]) == []


def test_percentile_and_statistic_names() -> None:
    assert percentile([5, 1, 3, 2, 4], 50) == 3
    assert percentile([5, 1, 3, 2, 4], 100) == 5
    assert validate_statistic("p99.9") == "p99.9"
    with pytest.raises(StatisticError, match="'Median'"):
        validate_statistic("Median")
