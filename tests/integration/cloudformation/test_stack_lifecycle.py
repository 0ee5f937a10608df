"""Create, update and delete a hand-written stack on a LocalCloud through boto3; resources are real."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from fogbank.cloud import LocalCloud

ASSUME_LAMBDA = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
HANDLER = """
import os
import layer_mod

def handler(event, context):
    return {"layer": layer_mod.VALUE, "greeting": os.environ["GREETING"], "memory": context.memory_limit_in_mb}
"""


def lifecycle_template(code: dict[str, str], layer: dict[str, str]) -> dict[str, Any]:
    return {
        "Parameters": {"Greeting": {"Type": "String", "Default": "hello"}},
        "Conditions": {"WithTopic": {"Fn::Equals": [{"Ref": "Greeting"}, "hello"]}},
        "Resources": {
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": ASSUME_LAMBDA,
                    "ManagedPolicyArns": [
                        {
                            "Fn::Join": [
                                "",
                                [
                                    "arn:",
                                    {"Ref": "AWS::Partition"},
                                    ":iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                                ],
                            ]
                        }
                    ],
                },
            },
            "RolePolicy": {
                "Type": "AWS::IAM::Policy",
                "Properties": {
                    "PolicyName": "read-queue",
                    "Roles": [{"Ref": "Role"}],
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": "sqs:*",
                                "Resource": {"Fn::GetAtt": ["Queue", "Arn"]},
                            }
                        ],
                    },
                },
            },
            "Layer": {
                "Type": "AWS::Lambda::LayerVersion",
                "Properties": {"Content": layer, "CompatibleRuntimes": ["python3.11"]},
            },
            "Logs": {
                "Type": "AWS::Logs::LogGroup",
                "Properties": {"RetentionInDays": 7},
                "DeletionPolicy": "Delete",
            },
            "Function": {
                "Type": "AWS::Lambda::Function",
                "DependsOn": ["RolePolicy"],
                "Properties": {
                    "Code": code,
                    "Handler": "app.handler",
                    "Runtime": "python3.11",
                    "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                    "Layers": [{"Ref": "Layer"}],
                    "Environment": {
                        "Variables": {"GREETING": {"Ref": "Greeting"}, "QUEUE": {"Ref": "Queue"}}
                    },
                    "Timeout": 7,
                    "MemorySize": 256,
                    "Architectures": ["x86_64"],
                    "TracingConfig": {"Mode": "Active"},
                    "LoggingConfig": {"LogGroup": {"Ref": "Logs"}, "LogFormat": "JSON"},
                    "ReservedConcurrentExecutions": 3,
                },
            },
            "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 45}},
            "Topic": {"Type": "AWS::SNS::Topic", "Condition": "WithTopic"},
            "Subscription": {
                "Type": "AWS::SNS::Subscription",
                "Condition": "WithTopic",
                "Properties": {
                    "TopicArn": {"Ref": "Topic"},
                    "Protocol": "sqs",
                    "Endpoint": {"Fn::GetAtt": ["Queue", "Arn"]},
                },
            },
            "Table": {
                "Type": "AWS::DynamoDB::Table",
                "Properties": {
                    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                    "BillingMode": "PAY_PER_REQUEST",
                    "TimeToLiveSpecification": {"AttributeName": "expires", "Enabled": True},
                },
            },
            "Parameter": {
                "Type": "AWS::SSM::Parameter",
                "Properties": {"Type": "String", "Value": {"Fn::Sub": "${Greeting}-${AWS::Region}"}},
            },
            "Key": {
                "Type": "AWS::KMS::Key",
                "Properties": {"Description": "test key", "EnableKeyRotation": True},
            },
            "KeyAlias": {
                "Type": "AWS::KMS::Alias",
                "Properties": {
                    "AliasName": {"Fn::Sub": "alias/${AWS::StackName}"},
                    "TargetKeyId": {"Ref": "Key"},
                },
            },
            "Bucket": {
                "Type": "AWS::S3::Bucket",
                "Properties": {"VersioningConfiguration": {"Status": "Enabled"}},
            },
            "BucketPolicy": {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {
                    "Bucket": {"Ref": "Bucket"},
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Deny",
                                "Principal": "*",
                                "Action": "s3:*",
                                "Resource": {"Fn::Sub": "${Bucket.Arn}/*"},
                                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                            }
                        ],
                    },
                },
            },
            "Metadata": {"Type": "AWS::CDK::Metadata", "Properties": {"Analytics": "v2:deflate64:xyz"}},
        },
        "Outputs": {
            "FunctionName": {"Value": {"Ref": "Function"}},
            "FunctionArn": {
                "Value": {"Fn::GetAtt": ["Function", "Arn"]},
                "Export": {"Name": {"Fn::Sub": "${AWS::StackName}-fn"}},
            },
            "TableName": {"Value": {"Ref": "Table"}},
            "ParameterName": {"Value": {"Ref": "Parameter"}},
            "BucketName": {"Value": {"Ref": "Bucket"}},
            "QueueUrl": {"Value": {"Ref": "Queue"}},
            "TopicArn": {"Value": {"Ref": "Topic"}, "Condition": "WithTopic"},
        },
    }


@pytest.fixture(scope="module")
def code(
    upload_zip: Callable[[str, dict[str, str]], dict[str, str]],
) -> tuple[dict[str, str], dict[str, str]]:
    function = upload_zip("lifecycle/app.zip", {"app.py": HANDLER})
    layer = upload_zip("lifecycle/layer.zip", {"python/layer_mod.py": "VALUE = 'from-the-layer'\n"})
    return function, layer


def test_create_update_delete(
    cloud: LocalCloud,
    cfn: Any,
    run_stack: Callable[..., dict[str, Any]],
    delete_stack: Callable[[str], None],
    code: tuple[dict[str, str], dict[str, str]],
) -> None:
    # GIVEN a template with a function (layer, env, tracing, logging, concurrency) and a dozen other types
    template = lifecycle_template(*code)

    # WHEN it is created and the waiter returns
    stack = run_stack("lifecycle", template)

    # THEN the stack is complete with its outputs and export
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    assert set(outputs) == {
        "FunctionName",
        "FunctionArn",
        "TableName",
        "ParameterName",
        "BucketName",
        "QueueUrl",
        "TopicArn",
    }
    exports = {e["Name"]: e["Value"] for e in cfn.list_exports()["Exports"]}
    assert exports["lifecycle-fn"] == outputs["FunctionArn"]

    # AND the function has every property, and really runs with its layer
    lam = cloud.client("lambda")
    config = lam.get_function_configuration(FunctionName=outputs["FunctionName"])
    assert next(layer["Arn"] for layer in config["Layers"]).startswith(
        "arn:aws:lambda:us-east-1:123456789012:layer:Layer"
    )
    assert config["TracingConfig"]["Mode"] == "Active"
    assert config["LoggingConfig"]["LogFormat"] == "JSON"
    assert (config["Timeout"], config["MemorySize"], config["Architectures"]) == (7, 256, ["x86_64"])
    assert config["Environment"]["Variables"]["QUEUE"] == outputs["QueueUrl"]
    assert (
        lam.get_function_concurrency(FunctionName=outputs["FunctionName"])["ReservedConcurrentExecutions"]
        == 3
    )
    answer = json.loads(lam.invoke(FunctionName=outputs["FunctionName"])["Payload"].read())
    assert answer == {"layer": "from-the-layer", "greeting": "hello", "memory": "256"}

    # AND the other resources exist with their properties
    assert (
        cloud.client("ssm").get_parameter(Name=outputs["ParameterName"])["Parameter"]["Value"]
        == "hello-us-east-1"
    )
    ttl = cloud.client("dynamodb").describe_time_to_live(TableName=outputs["TableName"])[
        "TimeToLiveDescription"
    ]
    assert ttl["AttributeName"] == "expires"
    assert cloud.client("s3").get_bucket_versioning(Bucket=outputs["BucketName"])["Status"] == "Enabled"
    assert (
        "aws:SecureTransport" in cloud.client("s3").get_bucket_policy(Bucket=outputs["BucketName"])["Policy"]
    )
    attributes = cloud.client("sqs").get_queue_attributes(
        QueueUrl=outputs["QueueUrl"], AttributeNames=["All"]
    )
    assert attributes["Attributes"]["VisibilityTimeout"] == "45"
    aliases = [a["AliasName"] for a in cloud.client("kms").list_aliases()["Aliases"]]
    assert "alias/lifecycle" in aliases
    groups = cloud.client("logs").describe_log_groups()["logGroups"]
    assert any(g.get("retentionInDays") == 7 for g in groups)
    resources = {
        r["LogicalResourceId"]: r
        for r in cfn.list_stack_resources(StackName="lifecycle")["StackResourceSummaries"]
    }
    assert set(resources) == set(template["Resources"])
    assert all(r["ResourceStatus"] == "CREATE_COMPLETE" for r in resources.values())
    detail = cfn.describe_stack_resource(StackName="lifecycle", LogicalResourceId="Table")[
        "StackResourceDetail"
    ]
    assert detail["PhysicalResourceId"] == outputs["TableName"]
    assert cfn.get_template(StackName="lifecycle")["TemplateBody"] == template  # boto3 parses JSON bodies

    # WHEN it is updated: a new greeting (the condition drops the topic), a bigger timeout, one more queue
    updated = copy.deepcopy(template)
    updated["Resources"]["Function"]["Properties"]["Timeout"] = 9
    updated["Resources"]["Extra"] = {"Type": "AWS::SQS::Queue"}
    stack = run_stack(
        "lifecycle", updated, update=True, Parameters=[{"ParameterKey": "Greeting", "ParameterValue": "hi"}]
    )

    # THEN the changes are applied, the topic is gone, and unchanged resources kept their physical ids
    assert stack["StackStatus"] == "UPDATE_COMPLETE", stack.get("StackStatusReason")
    after = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    assert "TopicArn" not in after
    assert after["TableName"] == outputs["TableName"]
    assert lam.get_function_configuration(FunctionName=outputs["FunctionName"])["Timeout"] == 9
    assert json.loads(lam.invoke(FunctionName=outputs["FunctionName"])["Payload"].read())["greeting"] == "hi"
    assert (
        cloud.client("ssm").get_parameter(Name=outputs["ParameterName"])["Parameter"]["Value"]
        == "hi-us-east-1"
    )
    assert outputs["TopicArn"] not in [t["TopicArn"] for t in cloud.client("sns").list_topics()["Topics"]]
    assert len(cloud.client("sqs").list_queues()["QueueUrls"]) == 2

    # WHEN the same template and parameters are sent again
    # THEN CloudFormation's "No updates" error comes back
    with pytest.raises(ClientError, match=r"No updates are to be performed\."):
        cfn.update_stack(
            StackName="lifecycle",
            TemplateBody=json.dumps(updated),
            Parameters=[{"ParameterKey": "Greeting", "UsePreviousValue": True}],
            Capabilities=["CAPABILITY_IAM"],
        )

    # WHEN it is deleted
    delete_stack("lifecycle")

    # THEN nothing is left, and the deleted stack is found by id only
    assert cloud.client("lambda").list_functions()["Functions"] == []
    assert cloud.client("sqs").list_queues().get("QueueUrls", []) == []
    assert cloud.client("dynamodb").list_tables()["TableNames"] == []
    assert [b["Name"] for b in cloud.client("s3").list_buckets()["Buckets"]] == ["cfn-test-code"]
    assert cloud.client("iam").list_roles()["Roles"] == []
    assert cfn.list_exports()["Exports"] == []
    with pytest.raises(ClientError, match="Stack with id lifecycle does not exist"):
        cfn.describe_stacks(StackName="lifecycle")
    summaries = cfn.list_stacks(StackStatusFilter=["DELETE_COMPLETE"])["StackSummaries"]
    assert [s["StackName"] for s in summaries] == ["lifecycle"]
