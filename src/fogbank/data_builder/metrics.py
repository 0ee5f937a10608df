"""Inputs for Powertools Metrics handlers and CloudWatch GetMetricData queries (the seed's builders).

Example:
    >>> build_add_dimensions_input(service="payment")
    [{'Name': 'service', 'Value': 'payment'}]
    >>> build_add_metric_input("Orders", 1)
    {'name': 'Orders', 'unit': 'Count', 'value': 1}
"""

from __future__ import annotations

from typing import Any

from fogbank.data_builder.common import build_random_value

__all__ = [
    "build_add_dimensions_input",
    "build_add_metric_input",
    "build_metric_name",
    "build_metric_query_data",
    "build_multiple_add_metric_input",
]


def build_metric_query_data(
    namespace: str,
    metric_name: str,
    period: int = 60,
    stat: str = "Sum",
    dimensions: list[dict[str, str]] | None = None,
) -> list[dict[str, Any]]:
    """`MetricDataQueries` for GetMetricData: one query for `namespace`/`metric_name`.

    Example:
        >>> build_metric_query_data("App", "Orders")[0]["MetricStat"]["Stat"]
        'Sum'
    """
    metric: dict[str, Any] = {"Namespace": namespace, "MetricName": metric_name}
    if dimensions:
        metric["Dimensions"] = dimensions
    return [
        {
            "Id": metric_name.lower(),
            "MetricStat": {"Metric": metric, "Period": period, "Stat": stat},
            "ReturnData": True,
        }
    ]


def build_add_metric_input(metric_name: str, value: float, unit: str = "Count") -> dict[str, Any]:
    """Keyword arguments for Powertools' `metrics.add_metric`."""
    return {"name": metric_name, "unit": unit, "value": value}


def build_multiple_add_metric_input(
    metric_name: str, value: float, unit: str = "Count", quantity: int = 1
) -> list[dict[str, Any]]:
    """`quantity` copies of `build_add_metric_input`'s result."""
    return [{"name": metric_name, "unit": unit, "value": value} for _ in range(quantity)]


def build_add_dimensions_input(**dimensions: str) -> list[dict[str, str]]:
    """CloudWatch dimensions from keyword arguments."""
    return [{"Name": name, "Value": value} for name, value in dimensions.items()]


def build_metric_name() -> str:
    """A unique metric name, e.g. `test_metricAbC123xYz0`."""
    return f"test_metric{build_random_value()}"
