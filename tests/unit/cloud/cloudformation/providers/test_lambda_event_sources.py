"""Event source mappings deployed by the in-process engine into moto's Lambda state (the Lambda API).

Only the mappings are checked here (what CreateEventSourceMapping and UpdateEventSourceMapping store); the
execution role's check and the deliveries to running functions are in tests/integration/lambda_.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest

from ...conftest import Clients, lambda_role
from ..conftest import body, delete, deploy, settled


def _function(aws: Clients) -> str:
    """A function in moto's Lambda state (no runtime runs it here): its name."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("index.py", "def handler(event, context):\n    return None\n")
    aws("lambda").create_function(
        FunctionName="consumer",
        Runtime="python3.11",
        Role=lambda_role(aws),
        Handler="index.handler",
        Code={"ZipFile": archive.getvalue()},
    )
    return "consumer"


def _mapping(**properties: Any) -> dict[str, Any]:
    return {"Type": "AWS::Lambda::EventSourceMapping", "Properties": properties}


def _queue_stack(**mapping: Any) -> dict[str, Any]:
    return {
        "Resources": {
            "Queue": {"Type": "AWS::SQS::Queue", "Properties": {}},
            "Mapping": _mapping(
                EventSourceArn={"Fn::GetAtt": ["Queue", "Arn"]}, FunctionName="consumer", **mapping
            ),
        },
        "Outputs": {
            "Ref": {"Value": {"Ref": "Mapping"}},
            "Id": {"Value": {"Fn::GetAtt": ["Mapping", "Id"]}},
            "Arn": {"Value": {"Fn::GetAtt": ["Mapping", "EventSourceMappingArn"]}},
        },
    }


def _failure(cfn: Any, stack: str, template: str) -> str:
    cfn.create_stack(StackName=stack, TemplateBody=template)
    assert settled(cfn, stack)["StackStatus"] == "ROLLBACK_COMPLETE"
    events = cfn.describe_stack_events(StackName=stack)["StackEvents"]
    return " ".join(
        e.get("ResourceStatusReason", "") for e in events if e["ResourceStatus"] == "CREATE_FAILED"
    )


def test_an_sqs_mapping_is_created_updated_in_place_and_deleted(cfn: Any, aws: Clients) -> None:
    # GIVEN a function and a queue mapped to it as CDK's SqsEventSource(report_batch_item_failures=True,
    # batch_size=5, max_batching_window=2 s, max_concurrency=2, filters=[FilterCriteria.filter({"body": {"kind": FilterRule.is_equal(
    # "order")}})]) writes it
    _function(aws)
    template = _queue_stack(
        BatchSize=5,
        MaximumBatchingWindowInSeconds=2,
        ScalingConfig={"MaximumConcurrency": 2},
        FunctionResponseTypes=["ReportBatchItemFailures"],
        FilterCriteria={"Filters": [{"Pattern": '{"body": {"kind": ["order"]}}'}]},
    )
    # WHEN it is deployed
    outputs = deploy(cfn, "esm", json.dumps(template))
    # THEN Ref and GetAtt Id are the mapping's UUID, GetAtt EventSourceMappingArn its ARN, and Lambda holds it
    uuid = outputs["Ref"]
    assert outputs["Id"] == uuid
    assert outputs["Arn"] == f"arn:aws:lambda:us-east-1:123456789012:event-source-mapping:{uuid}"
    stored = aws("lambda").get_event_source_mapping(UUID=uuid)
    assert (stored["BatchSize"], stored["MaximumBatchingWindowInSeconds"], stored["State"]) == (
        5,
        2,
        "Enabled",
    )
    assert stored["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert stored["ScalingConfig"] == {"MaximumConcurrency": 2}
    assert stored["FilterCriteria"] == {"Filters": [{"Pattern": '{"body": {"kind": ["order"]}}'}]}
    assert stored["FunctionArn"].endswith(":function:consumer")

    # WHEN it is updated: disabled, and the batch settings, response types and filters no longer written
    updated = _queue_stack(Enabled=False)
    again = deploy(cfn, "esm", json.dumps(updated), update=True)
    # THEN the same mapping is disabled, and what the template dropped is back at Lambda's defaults
    assert again["Ref"] == uuid
    stored = aws("lambda").get_event_source_mapping(UUID=uuid)
    assert (stored["BatchSize"], stored["MaximumBatchingWindowInSeconds"], stored["State"]) == (
        10,
        0,
        "Disabled",
    )
    assert stored.get("FunctionResponseTypes", []) == []
    assert stored.get("FilterCriteria", {}).get("Filters", []) == []

    # WHEN the stack is deleted THEN the mapping is gone
    assert delete(cfn, "esm")["StackStatus"] == "DELETE_COMPLETE"
    assert aws("lambda").list_event_source_mappings()["EventSourceMappings"] == []


def test_a_dynamodb_stream_mapping_takes_its_starting_position(cfn: Any, aws: Clients) -> None:
    # GIVEN a table with a stream, mapped as CDK's DynamoEventSource(starting_position=LATEST) writes it
    _function(aws)
    table = {
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
        "StreamSpecification": {"StreamViewType": "NEW_IMAGE"},
    }
    template = body(
        {
            "Table": {"Type": "AWS::DynamoDB::Table", "Properties": table},
            "Mapping": _mapping(
                EventSourceArn={"Fn::GetAtt": ["Table", "StreamArn"]},
                FunctionName="consumer",
                BatchSize=100,
                StartingPosition="LATEST",
            ),
        },
        Outputs={"Ref": {"Value": {"Ref": "Mapping"}}},
    )
    # WHEN it is deployed THEN Lambda holds a mapping from the stream with that starting position
    uuid = deploy(cfn, "streams", template)["Ref"]
    stored = aws("lambda").get_event_source_mapping(UUID=uuid)
    assert (stored["StartingPosition"], stored["BatchSize"]) == ("LATEST", 100)
    assert ":table/" in stored["EventSourceArn"] and "/stream/" in stored["EventSourceArn"]


@pytest.mark.parametrize(
    ("mapping", "words"),
    [
        ({"BisectBatchOnFunctionError": True}, "BisectBatchOnFunctionError"),
        # a batching window on a FIFO queue: the local poller hands each message over when it is sent
        (
            {
                "MaximumBatchingWindowInSeconds": 5,
                "EventSourceArn": "arn:aws:sqs:us-east-1:123456789012:q.fifo",
            },
            "MaximumBatchingWindowInSeconds 5 on a FIFO queue is not applied",
        ),
        (
            {"EventSourceArn": "arn:aws:kafka:us-east-1:123456789012:cluster/c/1"},
            "not an SQS queue, Kinesis stream or DynamoDB stream",
        ),
    ],
)
def test_what_the_local_poller_does_not_apply_fails_the_resource_naming_it(
    cfn: Any, aws: Clients, mapping: dict[str, Any], words: str
) -> None:
    # GIVEN a mapping with a setting the local cloud would not apply
    _function(aws)
    template = _queue_stack()
    template["Resources"]["Mapping"]["Properties"].update(mapping)
    # WHEN it is deployed THEN the resource fails, naming what is not supported
    assert words in _failure(cfn, "refused", json.dumps(template))


def test_response_types_on_a_stream_are_refused(cfn: Any, aws: Clients) -> None:
    # GIVEN a mapping from a DynamoDB stream with ReportBatchItemFailures (honoured here for SQS only)
    _function(aws)
    table = {
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
        "StreamSpecification": {"StreamViewType": "KEYS_ONLY"},
    }
    template = body(
        {
            "Table": {"Type": "AWS::DynamoDB::Table", "Properties": table},
            "Mapping": _mapping(
                EventSourceArn={"Fn::GetAtt": ["Table", "StreamArn"]},
                FunctionName="consumer",
                StartingPosition="TRIM_HORIZON",
                FunctionResponseTypes=["ReportBatchItemFailures"],
            ),
        }
    )
    # WHEN it is deployed THEN the resource fails naming FunctionResponseTypes
    reason = _failure(cfn, "stream-types", template)
    assert "FunctionResponseTypes" in reason and "dynamodb" in reason
