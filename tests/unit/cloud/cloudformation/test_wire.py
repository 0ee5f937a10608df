"""CloudFormation's query wire format: flattened form members in, XML out, read back by botocore's parser."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import botocore.session
from botocore.parsers import create_parser
from requests.structures import CaseInsensitiveDict  # HTTP headers, as botocore receives them

from fogbank.cloud.cloudformation.wire import members, response, scalar_members, to_xml


def _as_boto3_reads_it(operation: str, result: dict[str, Any] | None) -> dict[str, Any]:
    model = botocore.session.get_session().get_service_model("cloudformation")
    answer = response(operation, result, "req-1")
    parsed = create_parser(model.metadata["protocol"]).parse(
        {"status_code": answer.status, "headers": CaseInsensitiveDict(answer.headers), "body": answer.body},
        model.operation_model(operation).output_shape,
    )
    return dict(parsed)


def test_members_are_grouped_by_index_in_numeric_order() -> None:
    # GIVEN a form with parameters 10 and 2 out of order, and an unrelated field
    form = {
        "Parameters.member.10.ParameterKey": "Last",
        "Parameters.member.10.ParameterValue": "z",
        "Parameters.member.2.ParameterKey": "First",
        "Parameters.member.2.UsePreviousValue": "true",
        "ParametersX.member.1.ParameterKey": "not-a-parameter",
        "StackName": "s",
    }

    # WHEN its members are read
    # THEN they come in index order (2 before 10), each with its own fields, other names ignored
    assert members(form, "Parameters") == [
        {"ParameterKey": "First", "UsePreviousValue": "true"},
        {"ParameterKey": "Last", "ParameterValue": "z"},
    ]
    assert members(form, "Tags") == []


def test_scalar_members_come_in_index_order() -> None:
    # GIVEN capabilities listed as scalar members, out of order
    form = {"Capabilities.member.2": "CAPABILITY_NAMED_IAM", "Capabilities.member.1": "CAPABILITY_IAM"}
    # WHEN read / THEN they are in index order
    assert scalar_members(form, "Capabilities") == ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"]


def test_xml_leaves_out_none_escapes_text_and_renders_lists_booleans_and_times() -> None:
    # GIVEN a value with None, a list, a boolean, a timestamp and text that needs escaping
    value = {
        "A": None,
        "Names": ["x", "y"],
        "Flag": False,
        "At": datetime(2026, 1, 2, 3, 4, 5, 678000),
        "Reason": "a < b & c",
    }
    # WHEN it is rendered
    # THEN None is absent, lists are <member>s, booleans are lowercase, times are ISO with milliseconds and Z
    assert to_xml(value) == (
        "<Names><member>x</member><member>y</member></Names><Flag>false</Flag>"
        "<At>2026-01-02T03:04:05.678Z</At><Reason>a &lt; b &amp; c</Reason>"
    )


def test_a_response_is_read_by_boto3_as_aws_sends_it() -> None:
    # GIVEN a DescribeStacks result with outputs and a creation time
    result = {
        "Stacks": [
            {
                "StackName": "s",
                "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/s/1",
                "StackStatus": "CREATE_COMPLETE",
                "CreationTime": datetime(2026, 1, 2, 3, 4, 5),
                "Outputs": [{"OutputKey": "Url", "OutputValue": "http://127.0.0.1/?a=1&b=2"}],
                "DisableRollback": True,
            }
        ]
    }

    # WHEN it is sent as the DescribeStacks response, and botocore parses it
    parsed = _as_boto3_reads_it("DescribeStacks", result)

    # THEN boto3 sees the stack, its typed fields and the request id
    stack = parsed["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    assert stack["Outputs"] == [{"OutputKey": "Url", "OutputValue": "http://127.0.0.1/?a=1&b=2"}]
    assert stack["DisableRollback"] is True
    assert stack["CreationTime"].year == 2026
    assert parsed["ResponseMetadata"]["RequestId"] == "req-1"


def test_a_response_without_result_has_only_metadata() -> None:
    # WHEN DeleteStack answers (it has no result)
    answer = response("DeleteStack", None, "req-2")
    # THEN the body has no DeleteStackResult, only the request id
    assert b"DeleteStackResult" not in answer.body
    assert b"<RequestId>req-2</RequestId>" in answer.body
    assert answer.headers["Content-Type"] == "text/xml"
