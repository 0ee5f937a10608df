"""Permissions as AWS evaluates them, seen from boto3 inside real Lambda functions (local and aws targets)."""

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests

from fogbank import data_fetcher

pytestmark = pytest.mark.xdist_group(name="iam_permissions")


def call(infrastructure: dict, function: str, *calls: dict[str, Any]) -> dict[str, Any]:
    """Invoke `function` with boto3 calls to make; returns {"caller": arn, "outcomes": [...]}."""
    response, _ = data_fetcher.get_lambda_response(
        lambda_arn=infrastructure[f"{function}Arn"], payload=json.dumps({"calls": list(calls)})
    )
    body = json.loads(response["Payload"].read())
    assert "FunctionError" not in response, body
    return body


def session_arn(infrastructure: dict, function: str) -> str:
    """`arn:aws:sts::<account>:assumed-role/<role>/<function>`: the function's own session."""
    configuration = boto3.client("lambda").get_function_configuration(FunctionName=infrastructure[function])
    account = infrastructure[f"{function}Arn"].split(":")[4]
    role = configuration["Role"].rsplit("/", 1)[-1]
    return f"arn:aws:sts::{account}:assumed-role/{role}/{infrastructure[function]}"


def test_a_function_runs_as_a_session_of_its_execution_role(infrastructure: dict):
    # GIVEN a deployed function
    # WHEN it asks STS who it is
    body = call(infrastructure, "TableReader")

    # THEN it is its execution role's session, named after the function
    assert body["caller"] == session_arn(infrastructure, "TableReader")


def test_grant_read_data_allows_get_item_and_denies_put_item(infrastructure: dict):
    # GIVEN a function granted read access to the table (table.grant_read_data)
    table = infrastructure["TableName"]
    key = {"id": {"S": "a"}}

    # WHEN it reads, then writes
    body = call(
        infrastructure,
        "TableReader",
        {"service": "dynamodb", "method": "get_item", "params": {"TableName": table, "Key": key}},
        {"service": "dynamodb", "method": "put_item", "params": {"TableName": table, "Item": key}},
    )

    # THEN the read works and the write is denied with AWS's error and message
    read, write = body["outcomes"]
    assert read == "ok"
    action = "dynamodb:PutItem"
    assert write == {
        "code": "AccessDeniedException",
        "message": f"User: {session_arn(infrastructure, 'TableReader')} is not authorized to perform: {action} "
        f"on resource: {infrastructure['TableArn']} because no identity-based policy allows the {action} action",
        "status": 400,
    }


@pytest.fixture
def bucket_objects(infrastructure: dict) -> Iterator[str]:
    """A public and a private object, put by the test (the bucket policy only denies the function)."""
    s3 = boto3.client("s3")
    bucket = infrastructure["BucketName"]
    for key in ("public/a.txt", "private/b.txt"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"content")
    try:
        yield bucket
    finally:
        for key in ("public/a.txt", "private/b.txt"):
            s3.delete_object(Bucket=bucket, Key=key)


def test_a_bucket_policy_deny_wins_over_the_role_grant(infrastructure: dict, bucket_objects: str):
    # GIVEN a function granted read on the bucket, which the bucket policy denies private/*
    # WHEN it lists and reads both objects
    body = call(
        infrastructure,
        "BucketReader",
        {"service": "s3", "method": "list_objects_v2", "params": {"Bucket": bucket_objects}},
        {
            "service": "s3",
            "method": "get_object",
            "params": {"Bucket": bucket_objects, "Key": "public/a.txt"},
        },
        {
            "service": "s3",
            "method": "get_object",
            "params": {"Bucket": bucket_objects, "Key": "private/b.txt"},
        },
    )

    # THEN listing and the public read work, the private read is denied by the explicit Deny
    listed, public, private = body["outcomes"]
    assert (listed, public) == ("ok", "ok")
    assert private["code"] == "AccessDenied"
    assert private["status"] == 403
    assert private["message"] == (
        f"User: {session_arn(infrastructure, 'BucketReader')} is not authorized to perform: s3:GetObject on "
        f'resource: "arn:aws:s3:::{bucket_objects}/private/b.txt" with an explicit deny in a resource-based policy'
    )


def test_a_key_policy_that_leaves_the_function_out_denies_it(infrastructure: dict):
    # GIVEN a key whose policy names KeyUser's role, and KeyOutsider whose own role allows kms:Encrypt
    encrypt = {
        "service": "kms",
        "method": "encrypt",
        "params": {"KeyId": infrastructure["KeyArn"], "Plaintext": "x"},
    }

    # WHEN both encrypt
    user = call(infrastructure, "KeyUser", encrypt)
    outsider = call(infrastructure, "KeyOutsider", encrypt)

    # THEN the user may, and the outsider is denied: no resource-based policy allows it
    assert user["outcomes"] == ["ok"]
    [denied] = outsider["outcomes"]
    assert denied["code"] == "AccessDeniedException"
    assert denied["message"] == (
        f"User: {session_arn(infrastructure, 'KeyOutsider')} is not authorized to perform: kms:Encrypt on "
        f"resource: {infrastructure['KeyArn']} because no resource-based policy allows the kms:Encrypt action"
    )


def test_not_action_and_resource_wildcards(infrastructure: dict):
    # GIVEN a role allowed everything on the table but deletes (NotAction), and SSM parameters under
    # /<stack>/public/ in any region and account (wildcards)
    table, prefix = infrastructure["TableName"], infrastructure["ParameterPrefix"]
    key = {"id": {"S": "scoped"}}

    # WHEN it writes, deletes, and reads a public and a private parameter
    body = call(
        infrastructure,
        "ScopedCaller",
        {"service": "dynamodb", "method": "put_item", "params": {"TableName": table, "Item": key}},
        {"service": "dynamodb", "method": "delete_item", "params": {"TableName": table, "Key": key}},
        {"service": "ssm", "method": "get_parameter", "params": {"Name": f"{prefix}/public/greeting"}},
        {"service": "ssm", "method": "get_parameter", "params": {"Name": f"{prefix}/private/greeting"}},
    )

    # THEN what NotAction leaves in is allowed, what it names is not; the wildcard covers public only
    put, delete, public, private = body["outcomes"]
    assert (put, public) == ("ok", "ok")
    assert delete["code"] == "AccessDeniedException"
    assert "dynamodb:DeleteItem" in delete["message"]
    assert private["code"] == "AccessDeniedException"
    assert f"parameter{prefix}/private/greeting because no identity-based policy allows" in private["message"]
    boto3.client("dynamodb").delete_item(TableName=table, Key=key)


def test_the_lambda_permission_source_arn_decides_which_method_may_invoke(infrastructure: dict):
    # GIVEN a REST API whose Lambda permission's aws:SourceArn names GET /allowed only
    url = infrastructure["ApiUrl"].rstrip("/")

    # WHEN both methods are called
    allowed = data_fetcher.get_http_response(requests.Request("GET", f"{url}/allowed"))
    with pytest.raises(requests.HTTPError) as refused:
        data_fetcher.get_http_response(requests.Request("GET", f"{url}/other"))
    other = refused.value.response

    # THEN API Gateway invokes the function for /allowed, and may not for /other
    assert allowed.status_code == 200
    assert allowed.text == "invoked"
    assert other.status_code == 500
    assert other.json() == {"message": "Internal server error"}
