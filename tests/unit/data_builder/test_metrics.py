from __future__ import annotations

from fogbank import data_builder


def test_metric_names_are_prefixed_and_unique():
    # GIVEN / WHEN metric names are built twice
    metrics = {data_builder.build_metric_name() for _ in range(2)}
    # THEN they carry the seed's prefix and never repeat
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
