"""Failures look like CloudFormation's: rollback with events, unsupported types, bad templates, nothing left."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from fogbank.cloud import LocalCloud

Events = Callable[[str], list[tuple[str, str, str, str]]]


def test_failing_resource_rolls_back_and_leaves_nothing(
    cloud: LocalCloud, run_stack: Callable[..., dict[str, Any]], stack_events: Events
) -> None:
    # GIVEN two queues and a table created first, then a parameter whose name another stack's parameter holds
    template = {
        "Resources": {
            "QueueA": {"Type": "AWS::SQS::Queue"},
            "QueueB": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "kept-name"}},
            "Table": {
                "Type": "AWS::DynamoDB::Table",
                "Properties": {
                    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                    "BillingMode": "PAY_PER_REQUEST",
                },
            },
            "Broken": {
                "Type": "AWS::SSM::Parameter",
                "DependsOn": ["QueueA", "QueueB", "Table"],
                "Properties": {"Type": "String", "Value": "x", "Name": "/taken/by/someone"},
            },
        }
    }
    cloud.client("ssm").put_parameter(Name="/taken/by/someone", Type="String", Value="theirs")

    # WHEN the stack is created
    stack = run_stack("rollback", template)

    # THEN it ends in ROLLBACK_COMPLETE, the failed event names the logical id, type and cause
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    events = stack_events("rollback")
    failed = [e for e in events if e[2] == "CREATE_FAILED"]
    assert [e[:3] for e in failed] == [("Broken", "AWS::SSM::Parameter", "CREATE_FAILED")]
    assert failed[0][3].startswith("Broken (AWS::SSM::Parameter): ")
    assert "ParameterAlreadyExists" in failed[0][3]
    stack_reasons = [e[3] for e in events if e[0] == "rollback" and e[2] == "ROLLBACK_IN_PROGRESS"]
    assert stack_reasons[0].startswith("The following resource(s) failed to create: [Broken]. ")
    # AND every created resource was deleted again (events and the services agree)
    deleted = {e[0] for e in events if e[2] == "DELETE_COMPLETE"}
    assert deleted == {"QueueA", "QueueB", "Table"}
    assert cloud.client("sqs").list_queues().get("QueueUrls", []) == []
    assert cloud.client("dynamodb").list_tables()["TableNames"] == []
    # AND the stack must be deleted before the name can be used again, as on AWS
    with pytest.raises(ClientError, match=r"Stack \[rollback\] already exists"):
        cloud.client("cloudformation").create_stack(StackName="rollback", TemplateBody=json.dumps(template))


def test_unsupported_type_is_never_skipped(
    run_stack: Callable[..., dict[str, Any]], stack_events: Events
) -> None:
    # GIVEN a template with a type the local cloud does not implement
    template = {"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}, "Vm": {"Type": "AWS::EC2::Instance"}}}

    # WHEN it is created
    stack = run_stack("unsupported-type", template)

    # THEN the stack fails and the event says "unsupported resource type", naming it
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    (reason,) = [e[3] for e in stack_events("unsupported-type") if e[0] == "Vm" and e[2] == "CREATE_FAILED"]
    assert reason.startswith("Vm (AWS::EC2::Instance): unsupported resource type AWS::EC2::Instance")


def test_unsupported_property_is_never_skipped(
    run_stack: Callable[..., dict[str, Any]], stack_events: Events
) -> None:
    # GIVEN a topic with a documented property the provider does not implement
    template = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {"SignatureVersion": "2"}}}}

    # WHEN it is created
    stack = run_stack("unsupported-prop", template)

    # THEN it fails naming the property and the type
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    (reason,) = [e[3] for e in stack_events("unsupported-prop") if e[2] == "CREATE_FAILED"]
    assert "unsupported property SignatureVersion of AWS::SNS::Topic (resource Topic)" in reason


def test_on_failure_do_nothing_keeps_create_failed(cloud: LocalCloud, cfn: Any) -> None:
    # GIVEN a failing template and OnFailure=DO_NOTHING
    template = {
        "Resources": {
            "Queue": {"Type": "AWS::SQS::Queue"},
            "X": {"Type": "AWS::Nope::Nope", "DependsOn": "Queue"},
        }
    }
    cfn.create_stack(StackName="keep", TemplateBody=json.dumps(template), OnFailure="DO_NOTHING")

    # WHEN the create waiter runs
    with pytest.raises(Exception, match="CREATE_FAILED"):
        cfn.get_waiter("stack_create_complete").wait(StackName="keep", WaiterConfig={"Delay": 0.2})

    # THEN the stack is CREATE_FAILED and the queue is still there; deleting the stack removes it
    assert cfn.describe_stacks(StackName="keep")["Stacks"][0]["StackStatus"] == "CREATE_FAILED"
    assert len(cloud.client("sqs").list_queues()["QueueUrls"]) == 1
    cfn.delete_stack(StackName="keep")
    cfn.get_waiter("stack_delete_complete").wait(StackName="keep", WaiterConfig={"Delay": 0.2})
    assert cloud.client("sqs").list_queues().get("QueueUrls", []) == []


@pytest.mark.parametrize(
    ("template", "code", "message"),
    [
        (
            {"Resources": {"A": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Ref": "Ghost"}}}}},
            "ValidationError",
            "Template format error: Unresolved resource dependencies [Ghost] in the Resources block of the template",
        ),
        (
            {
                "Resources": {
                    "A": {
                        "Type": "AWS::SQS::Queue",
                        "Properties": {"QueueName": {"Fn::GetAtt": ["B", "QueueName"]}},
                    },
                    "B": {
                        "Type": "AWS::SQS::Queue",
                        "Properties": {"QueueName": {"Fn::GetAtt": ["A", "QueueName"]}},
                    },
                }
            },
            "ValidationError",
            "Circular dependency between resources: [A, B]",
        ),
        (
            {"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}}}},
            "InsufficientCapabilitiesException",
            "Requires capabilities : [CAPABILITY_IAM]",
        ),
        (
            {"Parameters": {"P": {"Type": "String"}}, "Resources": {"A": {"Type": "AWS::SQS::Queue"}}},
            "ValidationError",
            "Parameters: [P] must have values",
        ),
    ],
)
def test_bad_templates_fail_at_create_stack(
    cfn: Any, template: dict[str, Any], code: str, message: str
) -> None:
    # GIVEN a template CloudFormation refuses up front
    # WHEN CreateStack is called
    with pytest.raises(ClientError) as caught:
        cfn.create_stack(StackName="bad", TemplateBody=json.dumps(template))

    # THEN the error code and message are AWS's, and no stack exists
    assert caught.value.response["Error"]["Code"] == code
    assert caught.value.response["Error"]["Message"] == message
    with pytest.raises(ClientError, match="Stack with id bad does not exist"):
        cfn.describe_stacks(StackName="bad")


def test_failed_update_rolls_back(
    cloud: LocalCloud, cfn: Any, run_stack: Callable[..., dict[str, Any]], delete_stack: Callable[[str], None]
) -> None:
    # GIVEN a stack with a parameter whose value the update changes, and an output
    template = {
        "Resources": {
            "Param": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String", "Value": "v1"}}
        },
        "Outputs": {"Name": {"Value": {"Ref": "Param"}}},
    }
    stack = run_stack("update-fails", template)
    name = stack["Outputs"][0]["OutputValue"]

    # WHEN an update changes the value and adds a resource that fails
    broken = json.loads(json.dumps(template))
    broken["Resources"]["Param"]["Properties"]["Value"] = "v2"
    broken["Resources"]["Nope"] = {"Type": "AWS::Nope::Thing", "DependsOn": "Param"}
    stack = run_stack("update-fails", broken, update=True)

    # THEN the stack is UPDATE_ROLLBACK_COMPLETE, the value is back to v1 and the template is the old one
    assert stack["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    assert cloud.client("ssm").get_parameter(Name=name)["Parameter"]["Value"] == "v1"
    assert "Nope" not in cfn.get_template(StackName="update-fails")["TemplateBody"]["Resources"]
    delete_stack("update-fails")


def test_export_in_use_blocks_delete(
    cfn: Any, run_stack: Callable[..., dict[str, Any]], delete_stack: Callable[[str], None]
) -> None:
    # GIVEN a stack exporting a value and another importing it
    exporter = {
        "Resources": {"Q": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {"Url": {"Value": {"Ref": "Q"}, "Export": {"Name": "shared-queue"}}},
    }
    importer = {
        "Resources": {
            "P": {
                "Type": "AWS::SSM::Parameter",
                "Properties": {"Type": "String", "Value": {"Fn::ImportValue": "shared-queue"}},
            }
        }
    }
    assert run_stack("exporter", exporter)["StackStatus"] == "CREATE_COMPLETE"
    assert run_stack("importer", importer)["StackStatus"] == "CREATE_COMPLETE"

    # WHEN the exporter is deleted first
    cfn.delete_stack(StackName="exporter")
    with pytest.raises(Exception, match="DELETE_FAILED"):
        cfn.get_waiter("stack_delete_complete").wait(StackName="exporter", WaiterConfig={"Delay": 0.2})

    # THEN it fails naming the export and the importing stack; after the importer is gone it deletes
    reason = cfn.describe_stacks(StackName="exporter")["Stacks"][0]["StackStatusReason"]
    assert reason == "Export shared-queue cannot be deleted as it is in use by importer"
    delete_stack("importer")
    delete_stack("exporter")


def _function_with(logical_id: str, **properties: Any) -> dict[str, Any]:
    return {
        "Resources": {
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"Service": "lambda.amazonaws.com"},
                                "Action": "sts:AssumeRole",
                            }
                        ],
                    }
                },
            },
            logical_id: {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Code": {"ZipFile": "def handler(event, context):\n    return 1\n"},
                    "Handler": "index.handler",
                    "Runtime": "python3.11",
                    "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                    **properties,
                },
            },
        }
    }


def test_dead_letter_config_is_refused_not_ignored(
    run_stack: Callable[..., dict[str, Any]], stack_events: Events
) -> None:
    # GIVEN a function with a dead-letter queue, which the local cloud would never use
    template = _function_with("Fn", DeadLetterConfig={"TargetArn": "arn:aws:sqs:us-east-1:123456789012:dlq"})

    # WHEN it is created
    stack = run_stack("dead-letter", template)

    # THEN it fails naming the property, the resource, what the local cloud does not do, and the next step
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    (reason,) = [e[3] for e in stack_events("dead-letter") if e[0] == "Fn" and e[2] == "CREATE_FAILED"]
    assert "unsupported property DeadLetterConfig of AWS::Lambda::Function (resource Fn)" in reason
    assert "dead-letter queue" in reason
    assert "remove DeadLetterConfig for local runs" in reason


def test_empty_dead_letter_config_and_runtime_management_are_accepted(
    run_stack: Callable[..., dict[str, Any]],
) -> None:
    # GIVEN a function with an empty DeadLetterConfig and a RuntimeManagementConfig
    template = _function_with("Fn", DeadLetterConfig={}, RuntimeManagementConfig={"UpdateRuntimeOn": "Auto"})

    # WHEN it is created
    stack = run_stack("dead-letter-empty", template)

    # THEN it is created (neither changes what runs locally)
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
