from __future__ import annotations

import string

from fogbank import data_builder


def test_random_value_has_the_requested_length_and_alphabet():
    # GIVEN a length
    # WHEN building two random values
    first = data_builder.build_random_value(nchars=16)
    second = data_builder.build_random_value(nchars=16)
    # THEN both are letters and digits of that length, and they differ
    assert len(first) == 16 and set(first) <= set(string.ascii_letters + string.digits)
    assert first != second


def test_random_value_by_bytes_is_the_seeds_token_without_dashes():
    # GIVEN / WHEN a value is built as the seed builds it
    value = data_builder.build_random_value(nbytes=30)
    # THEN it is URL-safe base64 of that many bytes, without "-"
    assert "-" not in value and 30 <= len(value) <= 40
    assert set(value) <= set(string.ascii_letters + string.digits + "_")


def test_service_and_metric_names_are_prefixed_and_unique():
    # GIVEN / WHEN names are built twice
    services = {data_builder.build_service_name() for _ in range(2)}
    metrics = {data_builder.build_metric_name() for _ in range(2)}
    # THEN they carry the seed's prefixes and never repeat
    assert len(services) == 2 and all(name.startswith("test_service") for name in services)
    assert len(metrics) == 2 and all(name.startswith("test_metric") for name in metrics)


def test_metric_query_data_includes_dimensions_only_when_given():
    # GIVEN a namespace, metric and dimensions
    dimensions = data_builder.build_add_dimensions_input(service="payment", env="dev")
    # WHEN building the query with and without dimensions
    with_dimensions = data_builder.build_metric_query_data("App", "Orders", dimensions=dimensions)
    without = data_builder.build_metric_query_data("App", "Orders", period=300, stat="Average")
    # THEN GetMetricData's shape is produced
    assert dimensions == [{"Name": "service", "Value": "payment"}, {"Name": "env", "Value": "dev"}]
    assert with_dimensions == [
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
    assert "Dimensions" not in without[0]["MetricStat"]["Metric"]
    assert without[0]["MetricStat"]["Period"] == 300 and without[0]["MetricStat"]["Stat"] == "Average"


def test_add_metric_inputs():
    # GIVEN a metric name / WHEN building one and several add_metric inputs
    single = data_builder.build_add_metric_input("Orders", 2.5, unit="Milliseconds")
    many = data_builder.build_multiple_add_metric_input("Orders", 1, quantity=3)
    # THEN they are Powertools add_metric keyword arguments
    assert single == {"name": "Orders", "unit": "Milliseconds", "value": 2.5}
    assert many == [{"name": "Orders", "unit": "Count", "value": 1}] * 3


def test_trace_builders():
    # GIVEN / WHEN building trace inputs
    query = data_builder.build_trace_default_query("my-fn")
    annotations = data_builder.build_put_annotations_input(order_id="42", tenant="t1")
    metadata = data_builder.build_put_metadata_input(namespace="orders", cart={"items": 2})
    # THEN they match the seed's shapes
    assert query == 'service(id(name: "my-fn"))'
    assert annotations == [{"key": "order_id", "value": "42"}, {"key": "tenant", "value": "t1"}]
    assert metadata == [{"key": "cart", "value": {"items": 2}, "namespace": "orders"}]


def test_output_names_are_the_seeds_title_case() -> None:
    # GIVEN handler stems WHEN turned into output names THEN they match the seed's stem.title().replace("_", "")
    from fogbank.infrastructure import pascal_case

    for stem in ("basic_handler", "handlerWithCaps", "v2_handler", "parallel_execution_handler"):
        assert pascal_case(stem) == stem.title().replace("_", "")
    assert pascal_case("kebab-case-handler") == "KebabCaseHandler"
