"""Reading CloudWatch metric values. CloudWatch (AWS) is answered by botocore's Stubber, which also checks
every request against the service model; EMF metrics of a deployed handler are read for real in
tests/integration/data_fetcher/test_powertools_handlers.py against a running local cloud."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from fogbank.data_fetcher.metrics import get_metrics
from fogbank.errors import FetchTimeoutError

START = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def cloudwatch() -> Iterator[tuple[Any, Stubber]]:
    client = boto3.client(
        "cloudwatch", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    with Stubber(client) as stubber:
        yield client, stubber


def result(*values: float) -> dict[str, Any]:
    return {"Id": "orders", "Label": "Orders", "Timestamps": [START] * len(values), "Values": list(values),
            "StatusCode": "Complete"}  # fmt: skip


def test_values_of_every_page_are_returned_for_the_query_the_seed_builds(cloudwatch) -> None:
    # GIVEN two pages of datapoints for App/Orders with a service dimension
    client, stubber = cloudwatch
    dimensions = [{"Name": "service", "Value": "payment"}]
    query = [
        {
            "Id": "orders",
            "MetricStat": {
                "Metric": {"Namespace": "App", "MetricName": "Orders", "Dimensions": dimensions},
                "Period": 60,
                "Stat": "Sum",
            },
            "ReturnData": True,
        }
    ]
    first = {"MetricDataQueries": query, "StartTime": START, "EndTime": START + timedelta(minutes=2)}
    stubber.add_response("get_metric_data", {"MetricDataResults": [result(2.0)], "NextToken": "n"}, first)
    stubber.add_response(
        "get_metric_data", {"MetricDataResults": [result(1.0, 3.0)]}, {**first, "NextToken": "n"}
    )
    # WHEN read (default end: two minutes after the start)
    values = get_metrics("App", START, "Orders", dimensions=dimensions, cw_client=client, timeout=5)
    # THEN every page's values are returned in order
    assert values == [2.0, 1.0, 3.0]
    stubber.assert_no_pending_responses()


def test_no_datapoint_yet_is_waited_for_then_times_out_naming_the_metric(cloudwatch) -> None:
    # GIVEN a metric without datapoints, then one
    client, stubber = cloudwatch
    stubber.add_response(
        "get_metric_data",
        {"MetricDataResults": [result()]},
        {"MetricDataQueries": ANY, "StartTime": ANY, "EndTime": ANY},
    )
    stubber.add_response(
        "get_metric_data",
        {"MetricDataResults": [result(5.0)]},
        {"MetricDataQueries": ANY, "StartTime": ANY, "EndTime": ANY},
    )
    # WHEN read THEN the value is returned once it is there
    assert get_metrics("App", START, "Orders", cw_client=client, stat="Average", timeout=5) == [5.0]
    # AND a metric that never gets one times out saying which metric, statistic and period
    for _ in range(200):
        stubber.add_response("get_metric_data", {"MetricDataResults": [result()]})
    with pytest.raises(
        FetchTimeoutError, match=r"metric App/Orders.*no datapoints for App/Orders \[\] \(Average, 300 s\)"
    ):
        get_metrics("App", START, "Orders", cw_client=client, stat="Average", period=300, timeout=0.3)
