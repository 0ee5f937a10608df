from __future__ import annotations

import json
from datetime import datetime

from fogbank.cloud.telemetry.emf import metric_data_from_lines, parse_emf
from fogbank.cloud.telemetry.records import LogLine

TS = 1700000000123


def emf(directives: list[dict[str, object]], **members: object) -> str:
    return json.dumps({"_aws": {"Timestamp": TS, "CloudWatchMetrics": directives}, **members})


def test_every_dimension_set_units_resolution_and_value_arrays_become_metrics() -> None:
    # GIVEN an EMF line with two dimension sets (one empty), two metrics, a unit, a value array and resolution 1
    line = emf(
        [
            {
                "Namespace": "App",
                "Dimensions": [["service", "env"], []],
                "Metrics": [
                    {"Name": "Hits", "Unit": "Count"},
                    {"Name": "Latency", "Unit": "Milliseconds", "StorageResolution": 1},
                ],
            }
        ],
        service="orders",
        env="prod",
        Hits=[1, 2, 3],
        Latency=12.5,
    )
    # WHEN it is parsed
    data = parse_emf(line)
    # THEN each metric appears once per dimension set with its values, unit, resolution and timestamp
    assert [(ns, d["MetricName"], [x["Name"] for x in d["Dimensions"]]) for ns, d in data] == [
        ("App", "Hits", ["service", "env"]),
        ("App", "Hits", []),
        ("App", "Latency", ["service", "env"]),
        ("App", "Latency", []),
    ]
    hits = data[0][1]
    assert hits["Values"] == [1.0, 2.0, 3.0] and hits["Unit"] == "Count"
    assert data[2][1]["StorageResolution"] == 1 and data[2][1]["Values"] == [12.5]
    assert hits["Timestamp"] == datetime(2023, 11, 14, 22, 13, 20, 123000)
    assert hits["Timestamp"].tzinfo is None


def test_several_directives_with_different_namespaces() -> None:
    # GIVEN two directives in different namespaces
    line = emf(
        [
            {"Namespace": "A", "Dimensions": [[]], "Metrics": [{"Name": "X"}]},
            {"Namespace": "B", "Dimensions": [[]], "Metrics": [{"Name": "Y"}]},
        ],
        X=1,
        Y=2,
    )
    # WHEN grouped by namespace
    grouped = dict(metric_data_from_lines([LogLine(TS, line)]))
    # THEN each namespace gets its metric, unit defaulting to None
    assert [d["MetricName"] for d in grouped["A"]] == ["X"]
    assert grouped["B"][0]["Values"] == [2.0] and grouped["B"][0]["Unit"] == "None"


def test_malformed_emf_lines_produce_no_metric() -> None:
    # GIVEN lines that claim EMF but break it, and plain lines
    bad = [
        json.dumps({"_aws": {"Timestamp": "yesterday", "CloudWatchMetrics": []}}),
        emf(
            [{"Namespace": "A", "Dimensions": [["service"]], "Metrics": [{"Name": "X"}]}], X=1
        ),  # no dimension value
        emf([{"Namespace": "A", "Dimensions": [[]], "Metrics": [{"Name": "X", "Unit": "Parsecs"}]}], X=1),
        emf([{"Namespace": "A", "Dimensions": [[]], "Metrics": [{"Name": "X"}]}], X="many"),
        emf(
            [{"Namespace": "A", "Dimensions": [[]], "Metrics": [{"Name": "X", "StorageResolution": 5}]}], X=1
        ),
        emf([{"Dimensions": [[]], "Metrics": [{"Name": "X"}]}], X=1),
        '{"_aws": {"Timestamp": 1, "CloudWatchMetrics": [ truncated',
        "START RequestId: 1 Version: $LATEST",
    ]
    # WHEN they are turned into metrics
    grouped = list(metric_data_from_lines([LogLine(TS, m) for m in bad]))
    # THEN none yields a metric
    assert grouped == []
