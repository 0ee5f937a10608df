"""CloudWatch PutMetricData errors: moto's validation is the caller's mistake (400); anything else is ours (500)."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from fogbank.cloud import LocalCloud


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    with LocalCloud() as running:
        yield running


def _cloudwatch(cloud: LocalCloud, region: str) -> object:
    return boto3.client(
        "cloudwatch",
        endpoint_url=cloud.endpoint,
        region_name=region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}),
    )


def test_values_and_counts_of_different_sizes_are_invalid_parameter_value(cloud: LocalCloud) -> None:
    # GIVEN a datum whose Values and Counts differ in length (moto validates this)
    cw = _cloudwatch(cloud, "us-east-1")

    # WHEN it is put
    with pytest.raises(ClientError) as raised:
        cw.put_metric_data(  # type: ignore[attr-defined]
            Namespace="App", MetricData=[{"MetricName": "Hits", "Values": [1.0, 2.0], "Counts": [1.0]}]
        )

    # THEN it is the caller's error, with AWS's code and moto's message
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert raised.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert "must be of the same size" in raised.value.response["Error"]["Message"]


def test_a_failure_inside_the_local_cloud_is_internal_failure(cloud: LocalCloud) -> None:
    # GIVEN a region moto has no CloudWatch backend for (the store lookup fails: not the caller's input)
    cw = _cloudwatch(cloud, "xx-nowhere-1")

    # WHEN a valid datum is put there
    with pytest.raises(ClientError) as raised:
        cw.put_metric_data(Namespace="App", MetricData=[{"MetricName": "Hits", "Value": 1.0}])  # type: ignore[attr-defined]

    # THEN the answer is a 500 InternalFailure saying it is fogbank's fault, not InvalidParameterValue
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert raised.value.response["Error"]["Code"] == "InternalFailure"
    assert "fogbank bug" in raised.value.response["Error"]["Message"]
