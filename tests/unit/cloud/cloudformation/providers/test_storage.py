"""Log groups, S3 buckets and their policies, DynamoDB tables, deployed by the in-process engine into moto."""

from __future__ import annotations

import json
from typing import Any

from ...conftest import ACCOUNT, Clients
from ..conftest import body, delete, deploy, settled


def test_a_log_group_with_retention_changed_in_place(cfn: Any, aws: Clients) -> None:
    def template(days: int) -> str:
        group = {
            "LogGroupName": "/app/shop",
            "RetentionInDays": days,
            "Tags": [{"Key": "team", "Value": "shop"}],
        }
        return body(
            {"Logs": {"Type": "AWS::Logs::LogGroup", "Properties": group}},
            Outputs={"Arn": {"Value": {"Fn::GetAtt": ["Logs", "Arn"]}}},
        )

    # WHEN a log group is deployed, then its retention changed
    outputs = deploy(cfn, "s", template(7))
    deploy(cfn, "s", template(30), update=True)
    # THEN it has the new retention, and GetAtt Arn is CloudFormation's (with :*)
    (group,) = aws("logs").describe_log_groups(logGroupNamePrefix="/app/shop")["logGroups"]
    assert group["retentionInDays"] == 30
    assert outputs["Arn"] == f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/app/shop:*"


def test_a_bucket_with_versioning_and_a_policy_and_one_that_is_not_empty(cfn: Any, aws: Clients) -> None:
    # GIVEN a versioned bucket with a bucket policy
    read = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "s3:GetObject",
                "Resource": [{"Fn::Sub": "arn:aws:s3:::${Files}"}, {"Fn::Sub": "arn:aws:s3:::${Files}/*"}],
            }
        ],
    }
    template = body(
        {
            "Files": {
                "Type": "AWS::S3::Bucket",
                "Properties": {"VersioningConfiguration": {"Status": "Enabled"}},
            },
            "Policy": {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {"Bucket": {"Ref": "Files"}, "PolicyDocument": read},
            },
        },
        Outputs={"Bucket": {"Value": {"Ref": "Files"}}},
    )
    # WHEN it is deployed
    bucket = deploy(cfn, "s", template)["Bucket"]
    s3 = aws("s3")
    # THEN the generated name is a valid bucket name from the stack's, versioned, with the policy
    assert bucket.startswith("s-files-") and bucket == bucket.lower()
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    assert policy["Statement"][0]["Resource"] == [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]
    # WHEN the stack is deleted while the bucket holds an object THEN the delete fails, as on AWS
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    stack_id = cfn.describe_stacks(StackName="s")["Stacks"][0]["StackId"]
    cfn.delete_stack(StackName="s")
    assert settled(cfn, stack_id)["StackStatus"] == "DELETE_FAILED"
    assert s3.head_bucket(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_a_table_with_an_index_a_stream_and_time_to_live(cfn: Any, aws: Clients) -> None:
    # GIVEN a table with a GSI, a stream and TTL
    table = {
        "TableName": "orders",
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": "by-sk",
                "KeySchema": [{"AttributeName": "sk", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        "StreamSpecification": {"StreamViewType": "NEW_IMAGE"},
        "TimeToLiveSpecification": {"AttributeName": "expires", "Enabled": True},
    }
    template = body(
        {"Orders": {"Type": "AWS::DynamoDB::Table", "Properties": table}},
        Outputs={
            "Arn": {"Value": {"Fn::GetAtt": ["Orders", "Arn"]}},
            "Stream": {"Value": {"Fn::GetAtt": ["Orders", "StreamArn"]}},
        },
    )
    # WHEN it is deployed
    outputs = deploy(cfn, "s", template)
    # THEN DynamoDB has it with its index, stream and TTL; GetAtt Arn and StreamArn are DynamoDB's
    ddb = aws("dynamodb")
    described = ddb.describe_table(TableName="orders")["Table"]
    assert outputs["Arn"] == described["TableArn"] and outputs["Stream"] == described["LatestStreamArn"]
    assert [i["IndexName"] for i in described["GlobalSecondaryIndexes"]] == ["by-sk"]
    assert described["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    ttl = ddb.describe_time_to_live(TableName="orders")["TimeToLiveDescription"]
    assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", "expires")
    # WHEN the stack is deleted THEN the table is gone
    assert delete(cfn, "s")["StackStatus"] == "DELETE_COMPLETE"
    assert ddb.list_tables()["TableNames"] == []
