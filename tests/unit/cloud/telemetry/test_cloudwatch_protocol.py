"""CloudWatch's wire protocols: requests botocore serialises are decoded, answers are what botocore parses."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from fogbank.cloud.aws_state.cloudwatch import query_call
from fogbank.cloud.router import AwsRequest, AwsResponse
from fogbank.cloud.telemetry.cloudwatch_protocol import (
    CloudWatchCall,
    decode_request,
    encode_error,
    encode_result,
    parse_query_response,
    service_model,
    to_query_form,
)

from ..conftest import Clients

AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
PARAMS = {"Namespace": "Shop", "MetricData": [{"MetricName": "Orders", "Value": 2.0, "Timestamp": AT}]}


def _sent(protocol: str, operation: str, params: dict[str, Any]) -> AwsRequest:
    serialized = create_serializer(protocol).serialize_to_request(
        params, service_model().operation_model(operation)
    )
    return AwsRequest.build(
        "POST", serialized["url_path"], serialized["headers"], serialized["body"], service="monitoring"
    )


def _parsed(protocol: str, operation: str, answer: AwsResponse) -> dict[str, Any]:
    shape = service_model().operation_model(operation).output_shape
    response = {"status_code": answer.status, "headers": answer.headers, "body": answer.body}
    return dict(create_parser(protocol).parse(response, shape))


def test_a_cbor_request_is_decoded_with_its_types() -> None:
    # WHEN a CBOR PutMetricData is decoded
    call = decode_request(_sent("smithy-rpc-v2-cbor", "PutMetricData", PARAMS))
    # THEN the operation comes from the path, and values keep their types (the time is that moment)
    assert call is not None and (call.operation, call.protocol) == ("PutMetricData", "cbor")
    datum = call.params["MetricData"][0]
    assert (datum["MetricName"], datum["Value"], datum["Timestamp"]) == ("Orders", 2.0, AT)


def test_a_json_request_is_decoded_from_its_target_and_a_query_request_is_not() -> None:
    # WHEN an awsJson and a query request are decoded
    json_call = decode_request(_sent("json", "ListMetrics", {"Namespace": "Shop"}))
    query = decode_request(_sent("query", "ListMetrics", {"Namespace": "Shop"}))
    # THEN the JSON one is ListMetrics with its params, and the query one is left to moto
    assert json_call == CloudWatchCall("ListMetrics", {"Namespace": "Shop"}, "json")
    assert query is None


@pytest.mark.parametrize(("protocol", "wire"), [("cbor", "smithy-rpc-v2-cbor"), ("json", "json")])
def test_results_and_errors_are_read_by_botocore(protocol: str, wire: str) -> None:
    # GIVEN a GetMetricStatistics call in either protocol
    call = CloudWatchCall("GetMetricStatistics", {}, protocol)
    result = {"Label": "Orders", "Datapoints": [{"Timestamp": AT, "Sum": 3.0, "Unit": "Count"}]}

    # WHEN a result and an error are encoded
    parsed = _parsed(wire, "GetMetricStatistics", encode_result(call, result))
    error = encode_error(call, "InvalidParameterValue", "Period must be 60", 400)
    parsed_error = _parsed(wire, "GetMetricStatistics", error)

    # THEN botocore reads the result back, and the error's code, message and query-compatible header
    assert parsed["Label"] == "Orders"
    assert [(p["Timestamp"], p["Sum"], p["Unit"]) for p in parsed["Datapoints"]] == [(AT, 3.0, "Count")]
    assert parsed_error["Error"]["Code"] == "InvalidParameterValue"
    assert parsed_error["Error"]["Message"] == "Period must be 60"
    assert error.headers["x-amzn-query-error"] == "InvalidParameterValue;Sender"
    assert (
        encode_error(call, "InternalFailure", "x", 500).headers["x-amzn-query-error"]
        == "InternalFailure;Receiver"
    )


def test_an_operation_without_output_is_an_empty_cbor_map() -> None:
    # WHEN PutMetricData (no output shape) succeeds in CBOR THEN the body is an empty map botocore accepts
    answer = encode_result(CloudWatchCall("PutMetricData", {}, "cbor"), {})
    assert answer.body == b"\xa0" and answer.headers["smithy-protocol"] == "rpc-v2-cbor"


def test_a_bridged_call_reaches_moto_as_a_query_form_and_comes_back_parsed(aws: Clients) -> None:
    # GIVEN a CBOR DescribeAlarms call (fogbank leaves alarms to moto)
    call = CloudWatchCall("DescribeAlarms", {"AlarmNames": ["a", "b"]}, "cbor")
    # WHEN it becomes a query form, moto answers it, and the answer is parsed with CloudWatch's output shape
    form = to_query_form(call)
    status, headers, body = query_call("us-east-1", form)
    parsed = parse_query_response(call, status, headers, body)
    # THEN the form is the query protocol's, and moto's answer has the output's members
    assert (form["Action"], form["AlarmNames.member.1"], form["AlarmNames.member.2"]) == (
        "DescribeAlarms",
        "a",
        "b",
    )
    assert status == 200 and parsed["MetricAlarms"] == [] and "ResponseMetadata" not in parsed
