"""Read CloudWatch metric values (the seed's get_metrics).

Example (skipped as a doctest: it needs a deployed stack):
    >>> get_metrics("App", start, "SuccessfulBooking", dimensions=[{"Name": "service", "Value": "booking"}])  # doctest: +SKIP
    [3.0]
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import boto3

from fogbank.data_builder.metrics import build_metric_query_data
from fogbank.data_fetcher.retry import NotReady, until_ready

__all__ = ["build_metric_query_data", "get_metrics"]


def get_metrics(
    namespace: str,
    start_date: datetime,
    metric_name: str,
    dimensions: list[dict[str, str]] | None = None,
    cw_client: Any = None,
    end_date: datetime | None = None,
    period: int = 60,
    stat: str = "Sum",
    *,
    timeout: float | None = None,
) -> list[float]:
    """The metric's values (one per period) once there is at least one; FetchTimeoutError otherwise."""
    client = cw_client or boto3.client("cloudwatch")
    end = end_date or start_date + timedelta(minutes=2)
    queries = build_metric_query_data(namespace, metric_name, period, stat, dimensions)

    def attempt() -> list[float]:
        values: list[float] = []
        token = None
        while True:
            kwargs: dict[str, Any] = {"MetricDataQueries": queries, "StartTime": start_date, "EndTime": end}
            if token:
                kwargs["NextToken"] = token
            response = client.get_metric_data(**kwargs)
            for result in response["MetricDataResults"]:
                values.extend(result["Values"])
            token = response.get("NextToken")
            if not token:
                break
        if not values:
            raise NotReady(
                f"no datapoints for {namespace}/{metric_name} {dimensions or []} ({stat}, {period} s)"
            )
        return values

    return until_ready(attempt, awaiting=f"metric {namespace}/{metric_name}", timeout=timeout)
