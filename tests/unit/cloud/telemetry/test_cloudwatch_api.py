"""CloudWatch's metric operations as fogbank answers them, called by boto3 in CBOR (its default) and in JSON.

boto3's requests are handed to the handler in this process (the router does the same over HTTP); the
operations fogbank does not answer itself go to moto's own CloudWatch, in-process too.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import botocore.session
import pytest
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from fogbank.cloud.aws_state.cloudwatch import query_call
from fogbank.cloud.router import AwsRequest
from fogbank.cloud.telemetry.cloudwatch_api import CloudWatchApi

from ..conftest import Clients, in_process_client


def _client() -> Any:
    """A boto3 CloudWatch client whose requests are answered by CloudWatchApi in this process."""
    return in_process_client("cloudwatch", "monitoring", CloudWatchApi(query_call))


NOW = datetime.now(UTC).replace(second=0, microsecond=0)
METRIC = {"Namespace": "Shop", "MetricName": "Orders", "Dimensions": [{"Name": "svc", "Value": "api"}]}


def _put(cloudwatch: Any) -> None:
    cloudwatch.put_metric_data(
        Namespace="Shop",
        MetricData=[
            {
                "MetricName": "Orders",
                "Dimensions": METRIC["Dimensions"],
                "Value": v,
                "Timestamp": NOW,
                "Unit": "Count",
            }
            for v in (1.0, 2.0, 6.0)
        ],
    )


def test_put_then_get_metric_data_and_statistics(aws: Clients) -> None:
    # GIVEN three values put through the API
    cloudwatch = _client()
    _put(cloudwatch)

    # WHEN they are read with GetMetricData and GetMetricStatistics over the minute
    data = cloudwatch.get_metric_data(
        MetricDataQueries=[{"Id": "q", "MetricStat": {"Metric": METRIC, "Period": 60, "Stat": "Sum"}}],
        StartTime=NOW - timedelta(minutes=1),
        EndTime=NOW + timedelta(minutes=1),
    )["MetricDataResults"][0]
    stats = cloudwatch.get_metric_statistics(
        **METRIC,
        StartTime=NOW - timedelta(minutes=1),
        EndTime=NOW + timedelta(minutes=1),
        Period=60,
        Statistics=["Average", "Maximum"],
        ExtendedStatistics=["p50"],
    )["Datapoints"]

    # THEN boto3 reads CloudWatch's shapes: the sum at the period's start, and the statistics with the unit
    assert (data["Id"], data["Label"], data["Values"], data["StatusCode"]) == (
        "q",
        "Orders",
        [9.0],
        "Complete",
    )
    assert data["Timestamps"] == [NOW]
    assert [(p["Average"], p["Maximum"], p["Unit"]) for p in stats] == [(3.0, 6.0, "Count")]
    assert stats[0]["ExtendedStatistics"]["p50"] == 2.0
    # AND ListMetrics finds the metric by a dimension name
    listed = cloudwatch.list_metrics(Namespace="Shop", Dimensions=[{"Name": "svc"}])["Metrics"]
    assert listed == [METRIC]


@pytest.mark.parametrize(
    ("call", "code", "words"),
    [
        (
            lambda cw: cw.put_metric_data(
                Namespace="AWS/Lambda", MetricData=[{"MetricName": "m", "Value": 1}]
            ),
            "InvalidParameterValue",
            "AWS/ is reserved",
        ),
        (
            lambda cw: cw.get_metric_statistics(
                **METRIC, StartTime=NOW, EndTime=NOW + timedelta(hours=1), Period=90, Statistics=["Sum"]
            ),
            "InvalidParameterValue",
            "multiple of 60, got 90",
        ),
        (
            lambda cw: cw.get_metric_statistics(
                **METRIC, StartTime=NOW, EndTime=NOW - timedelta(hours=1), Period=60, Statistics=["Sum"]
            ),
            "InvalidParameterValue",
            "StartTime must be less",
        ),
        (
            lambda cw: cw.get_metric_statistics(
                **METRIC, StartTime=NOW - timedelta(hours=1), EndTime=NOW, Period=60
            ),
            "MissingParameter",
            "Statistics or ExtendedStatistics",
        ),
        (
            lambda cw: cw.get_metric_data(
                MetricDataQueries=[{"Id": "e", "Expression": "SUM(METRICS())"}],
                StartTime=NOW - timedelta(hours=1),
                EndTime=NOW,
            ),
            "InvalidParameterValue",
            "only MetricStat queries",
        ),
        (lambda cw: cw.list_metrics(NextToken="garbage"), "InvalidParameterValue", "NextToken is invalid"),
    ],
)
def test_requests_cloudwatch_refuses_are_its_errors_in_boto3(
    aws: Clients, call: Any, code: str, words: str
) -> None:
    # WHEN a request CloudWatch refuses is made THEN boto3 raises the error with CloudWatch's code and a clear message
    cloudwatch = _client()
    with pytest.raises(cloudwatch.exceptions.ClientError) as raised:
        call(cloudwatch)
    assert raised.value.response["Error"]["Code"] == code
    assert words in raised.value.response["Error"]["Message"]
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_other_operations_are_bridged_to_motos_cloudwatch(aws: Clients) -> None:
    # WHEN an alarm is created and described (operations fogbank leaves to moto) in CBOR
    cloudwatch = _client()
    cloudwatch.put_metric_alarm(
        AlarmName="too-many",
        Namespace="Shop",
        MetricName="Orders",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=10,
        ComparisonOperator="GreaterThanThreshold",
    )
    # THEN moto's answer comes back in boto3's shapes
    alarms = cloudwatch.describe_alarms(AlarmNames=["too-many"])["MetricAlarms"]
    assert [(a["AlarmName"], a["Threshold"]) for a in alarms] == [("too-many", 10.0)]
    # AND moto's own refusals keep their code and status
    with pytest.raises(cloudwatch.exceptions.ClientError) as raised:
        cloudwatch.set_alarm_state(AlarmName="ghost", StateValue="OK", StateReason="test")
    assert raised.value.response["Error"]["Code"] == "ResourceNotFound"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_a_query_protocol_request_is_left_to_moto(aws: Clients) -> None:
    # WHEN a query-protocol request arrives THEN the handler passes it on unchanged
    form = b"Action=ListMetrics&Version=2010-08-01"
    request = AwsRequest.build(
        "POST", "/", {"Content-Type": "application/x-www-form-urlencoded"}, form, service="monitoring"
    )
    assert CloudWatchApi(query_call)(request) is None


def test_the_awsjson_protocol_is_answered_in_json(aws: Clients) -> None:
    # GIVEN a stored metric, and GetMetricStatistics serialised by botocore in awsJson 1.0 (older SDKs' protocol)
    _put(_client())
    model = botocore.session.get_session().get_service_model("cloudwatch")
    operation = model.operation_model("GetMetricStatistics")
    params = {**METRIC, "StartTime": NOW - timedelta(minutes=1), "EndTime": NOW + timedelta(minutes=1)}
    serialized = create_serializer("json").serialize_to_request(
        {**params, "Period": 60, "Statistics": ["Sum"]}, operation
    )
    request = AwsRequest.build("POST", "/", serialized["headers"], serialized["body"], service="monitoring")

    # WHEN the handler answers it
    answer = CloudWatchApi(query_call)(request)

    # THEN the answer is JSON that botocore's JSON parser reads as CloudWatch's result
    assert answer is not None and answer.headers["Content-Type"] == "application/x-amz-json-1.0"
    parsed = create_parser("json").parse(
        {"status_code": answer.status, "headers": answer.headers, "body": answer.body}, operation.output_shape
    )
    assert [(p["Sum"], p["Timestamp"]) for p in parsed["Datapoints"]] == [(9.0, NOW)]
