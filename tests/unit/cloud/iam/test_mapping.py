"""Request -> (IAM action, resource ARN): operations, their actions and their resources' ARN templates."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fogbank.cloud.iam.mapping import NO_LOOKUP, map_request
from fogbank.cloud.router import AwsRequest

ACCOUNT = "123456789012"


def json_request(service: str, target: str, body: dict[str, Any]) -> AwsRequest:
    headers = {"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.0"}
    return AwsRequest.build("POST", "/", headers, json.dumps(body).encode(), service=service)


def rest_request(service: str, method: str, path: str, **query: str) -> AwsRequest:
    return AwsRequest.build(method, path, {}, b"", query={k: [v] for k, v in query.items()}, service=service)


def pairs(request: AwsRequest) -> list[tuple[str, str]]:
    mapping = map_request(request, NO_LOOKUP)
    assert mapping.unmapped is None, mapping
    return [(access.action, access.resource) for access in mapping.accesses]


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        (
            rest_request("s3", "GET", "/bucket", **{"list-type": "2"}),
            [("s3:ListBucket", "arn:aws:s3:::bucket")],
        ),
        (rest_request("s3", "HEAD", "/bucket/a/b.txt"), [("s3:GetObject", "arn:aws:s3:::bucket/a/b.txt")]),
        (rest_request("s3", "PUT", "/bucket/k"), [("s3:PutObject", "arn:aws:s3:::bucket/k")]),
        (rest_request("s3", "GET", "/"), [("s3:ListAllMyBuckets", "*")]),
        (
            rest_request("lambda", "POST", "/2015-03-31/functions/my-fn/invocations"),
            [("lambda:InvokeFunction", f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:my-fn")],
        ),
        (
            rest_request("lambda", "POST", "/2015-03-31/functions/my-fn/invocations", Qualifier="live"),
            [("lambda:InvokeFunction", f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:my-fn:live")],
        ),
        (  # a function of another region and account, named by ARN, with a qualifier
            rest_request(
                "lambda",
                "POST",
                "/2015-03-31/functions/arn:aws:lambda:eu-west-1:210987654321:function:my-fn/invocations",
                Qualifier="live",
            ),
            [("lambda:InvokeFunction", "arn:aws:lambda:eu-west-1:210987654321:function:my-fn:live")],
        ),
        (
            json_request("dynamodb", "DynamoDB_20120810.PutItem", {"TableName": "T"}),
            [("dynamodb:PutItem", f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/T")],
        ),
        (
            json_request("dynamodb", "DynamoDB_20120810.Query", {"TableName": "T", "IndexName": "byDate"}),
            [("dynamodb:Query", f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/T/index/byDate")],
        ),
        (
            json_request(
                "dynamodb",
                "DynamoDB_20120810.TransactWriteItems",
                {"TransactItems": [{"Put": {"TableName": "A"}}, {"Delete": {"TableName": "B"}}]},
            ),
            [
                ("dynamodb:PutItem", f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/A"),
                ("dynamodb:DeleteItem", f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/B"),
            ],
        ),
        (
            json_request(
                "sqs", "AmazonSQS.SendMessageBatch", {"QueueUrl": f"http://127.0.0.1:1/{ACCOUNT}/jobs"}
            ),
            [("sqs:SendMessage", f"arn:aws:sqs:us-east-1:{ACCOUNT}:jobs")],
        ),
        (
            json_request("ssm", "AmazonSSM.GetParameter", {"Name": "/app/db"}),
            [("ssm:GetParameter", f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/app/db")],
        ),
        (
            json_request("kms", "TrentService.Encrypt", {"KeyId": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k1"}),
            [("kms:Encrypt", f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k1")],
        ),
        (json_request("xray", "x", {}), None),
        (
            AwsRequest.build(
                "POST",
                "/",
                {"Content-Type": "application/x-www-form-urlencoded"},
                f"Action=Publish&TopicArn=arn:aws:sns:us-east-1:{ACCOUNT}:t".encode(),
                service="sns",
            ),
            [("sns:Publish", f"arn:aws:sns:us-east-1:{ACCOUNT}:t")],
        ),
        (
            AwsRequest.build(
                "POST",
                "/",
                {"Content-Type": "application/x-www-form-urlencoded"},
                b"Action=GetCallerIdentity",
                service="sts",
            ),
            [],
        ),
    ],
)
def test_request_maps_to_action_and_resource(
    request_: AwsRequest, expected: list[tuple[str, str]] | None
) -> None:
    # GIVEN a request as boto3 sends it
    # WHEN it is mapped
    # THEN the action(s) and resource ARN(s) are the ones AWS evaluates; an unidentifiable one is not checked
    if expected is None:
        assert map_request(request_, NO_LOOKUP).unmapped is not None
    else:
        assert pairs(request_) == expected


def test_s3_list_carries_the_prefix_condition_key() -> None:
    # GIVEN a ListObjectsV2 with a prefix
    request = rest_request("s3", "GET", "/bucket", **{"list-type": "2", "prefix": "home/ana/"})
    # WHEN mapped
    # THEN s3:prefix is in the context for Condition tests
    assert map_request(request, NO_LOOKUP).context["s3:prefix"] == ("home/ana/",)


def test_an_operation_whose_resource_the_request_does_not_name_is_not_checked() -> None:
    # GIVEN a PutItem without a TableName
    mapping = map_request(json_request("dynamodb", "DynamoDB_20120810.PutItem", {}), NO_LOOKUP)
    # WHEN / THEN it is reported, not silently allowed
    assert mapping.unmapped == "the request does not name the resource dynamodb:PutItem needs"
    assert mapping.operation == "dynamodb:PutItem"
