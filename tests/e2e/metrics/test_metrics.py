import json

import pytest

from fogbank import data_builder, data_fetcher

pytestmark = pytest.mark.xdist_group(name="metrics")

METRIC_NAMESPACE = "fogbank-e2e-metric"


@pytest.fixture
def basic_handler_fn_arn(infrastructure: dict) -> str:
    return infrastructure["BasicHandlerArn"]


@pytest.fixture
def cold_start_fn(infrastructure: dict) -> str:
    return infrastructure["ColdStart"]


@pytest.fixture
def cold_start_fn_arn(infrastructure: dict) -> str:
    return infrastructure["ColdStartArn"]


def test_basic_lambda_metric_is_visible(basic_handler_fn_arn: str):
    # GIVEN a metric added three times with value 1, under a service of its own
    metric_name = data_builder.build_metric_name()
    service = data_builder.build_service_name()
    dimensions = data_builder.build_add_dimensions_input(service=service)
    metrics = data_builder.build_multiple_add_metric_input(metric_name=metric_name, value=1, quantity=3)

    # WHEN the function flushes them as one EMF blob
    event = json.dumps({"metrics": metrics, "service": service, "namespace": METRIC_NAMESPACE})
    _, execution_time = data_fetcher.get_lambda_response(lambda_arn=basic_handler_fn_arn, payload=event)

    # THEN CloudWatch has the metric, summed over the three calls
    metric_values = data_fetcher.get_metrics(
        namespace=METRIC_NAMESPACE, start_date=execution_time, metric_name=metric_name, dimensions=dimensions
    )
    assert metric_values == [3.0]


def test_cold_start_metric(cold_start_fn_arn: str, cold_start_fn: str):
    # GIVEN a service of its own, and the dimensions Powertools gives the ColdStart metric
    service = data_builder.build_service_name()
    dimensions = data_builder.build_add_dimensions_input(function_name=cold_start_fn, service=service)

    # WHEN the function is invoked twice (the first one is its cold start)
    event = json.dumps({"service": service, "namespace": METRIC_NAMESPACE})
    _, execution_time = data_fetcher.get_lambda_response(lambda_arn=cold_start_fn_arn, payload=event)
    data_fetcher.get_lambda_response(lambda_arn=cold_start_fn_arn, payload=event)

    # THEN exactly one ColdStart was counted, with function_name and service as dimensions
    metric_values = data_fetcher.get_metrics(
        namespace=METRIC_NAMESPACE, start_date=execution_time, metric_name="ColdStart", dimensions=dimensions
    )
    assert metric_values == [1.0]
