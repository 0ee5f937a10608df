"""Metric data in moto's CloudWatch state: values and statistic sets, naive UTC times, AWS's validation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from fogbank.cloud.aws_state.cloudwatch import (
    MetricDataRejected,
    StoredDatum,
    naive_utc,
    put_metric_data,
    query_call,
    stored_datums,
)

from ..conftest import Clients


def test_naive_utc() -> None:
    # WHEN an aware time in UTC+2 and a naive time are made naive UTC
    aware = datetime(2026, 1, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    # THEN the aware one is shifted to UTC, and the naive one is taken as UTC already
    assert naive_utc(aware) == datetime(2026, 1, 1, 10, 0)
    assert naive_utc(datetime(2026, 1, 1, 12, 0)) == datetime(2026, 1, 1, 12, 0)


def test_values_and_statistic_sets_are_stored_with_naive_utc_times(aws: Clients) -> None:
    # GIVEN a value with an aware timestamp and a statistic set
    at = datetime.now(UTC).replace(microsecond=0)
    put_metric_data(
        "us-east-1",
        "App",
        [
            {
                "MetricName": "Orders",
                "Value": 3,
                "Unit": "Count",
                "Timestamp": at,
                "Dimensions": [{"Name": "svc", "Value": "a"}],
            },
            {
                "MetricName": "Latency",
                "StatisticValues": {"SampleCount": 2, "Sum": 30, "Minimum": 10, "Maximum": 20},
                "Timestamp": at,
            },
        ],
    )

    # WHEN they are read back
    datums = {d.name: d for d in stored_datums("us-east-1")}

    # THEN the value and the statistics are there, at naive UTC (an aware time would break later queries)
    assert datums["Orders"] == StoredDatum(
        "App", "Orders", (("svc", "a"),), at.replace(tzinfo=None), "Count", (3.0,)
    )
    assert datums["Latency"].values == () and datums["Latency"].statistics == (2.0, 30.0, 10.0, 20.0)
    # AND CloudWatch's own API can query them after that (the comparison that broke on aware datetimes)
    stats = aws("cloudwatch").get_metric_statistics(
        Namespace="App",
        MetricName="Orders",
        Dimensions=[{"Name": "svc", "Value": "a"}],
        StartTime=at - timedelta(minutes=5),
        EndTime=at + timedelta(minutes=5),
        Period=60,
        Statistics=["Sum"],
    )
    assert [p["Sum"] for p in stats["Datapoints"]] == [3.0]


def test_invalid_data_is_rejected_with_awss_code(aws: Clients) -> None:
    # WHEN Values and Counts differ in length THEN the rejection carries CloudWatch's code and message
    with pytest.raises(MetricDataRejected) as raised:
        put_metric_data("us-east-1", "App", [{"MetricName": "M", "Values": [1, 2], "Counts": [1]}])
    assert raised.value.code == "InvalidParameterValue"
    assert "Counts" in raised.value.message


def test_a_query_protocol_call_reaches_motos_cloudwatch_in_process(aws: Clients) -> None:
    # GIVEN a stored datum
    put_metric_data("us-east-1", "App", [{"MetricName": "Orders", "Value": 1}])
    # WHEN ListMetrics is called in the query protocol
    status, headers, body = query_call("us-east-1", {"Action": "ListMetrics", "Version": "2010-08-01"})
    # THEN moto answers it as XML, with the metric
    assert status == 200 and "xml" in headers["content-type"]
    assert b"<MetricName>Orders</MetricName>" in body


def test_a_timestamp_in_epoch_seconds_is_stored_as_naive_utc(aws: Clients) -> None:
    # GIVEN a datum whose Timestamp came as awsJson sends it (epoch seconds, what boto3 sends by default)
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    put_metric_data("us-east-1", "App", [{"MetricName": "Hits", "Value": 1, "Timestamp": at.timestamp()}])
    # WHEN the stored datums are read THEN the time is that moment as naive UTC (a number broke every query)
    assert [d.timestamp for d in stored_datums("us-east-1")] == [datetime(2026, 1, 2, 3, 4, 5)]
