"""IAM benchmarks: the per-request authorization a LocalCloud adds, for a Lambda role's DynamoDB calls.

- `evaluation`: request -> (action, resource) -> the role's policies and the table -> decision (what runs for
  every request of a function; the budget is 0.3 ms);
- `authorize`: the router's whole hook, adding the SigV4 verification of the session's signature;
- `denied`: the same for a PutItem the role may not do, rendering AWS's AccessDeniedException.

Run: .venv/bin/python -m pytest benchmarks/test_iam.py -p no:xdist --benchmark-only
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from fogbank.cloud.iam.authorizer import decide
from fogbank.cloud.iam.mapping import map_request
from fogbank.cloud.iam.request_context import global_context
from fogbank.cloud.router import AwsRequest
from fogbank.cloud.server import LocalCloud

TRUST = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"


def _grant_read_data(table_arn: str) -> str:
    """The statement CDK's table.grant_read_data(fn) adds to the role."""
    actions = [
        "dynamodb:BatchGetItem",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:Query",
        "dynamodb:GetItem",
        "dynamodb:Scan",
        "dynamodb:ConditionCheckItem",
        "dynamodb:DescribeTable",
    ]
    statement = {"Effect": "Allow", "Action": actions, "Resource": [table_arn, f"{table_arn}/index/*"]}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _signed(
    cloud: LocalCloud, credentials: dict[str, str], operation: str, body: dict[str, Any]
) -> AwsRequest:
    url = cloud.endpoint + "/"
    raw = json.dumps(body).encode()
    headers = {"X-Amz-Target": f"DynamoDB_20120810.{operation}", "Content-Type": "application/x-amz-json-1.0"}
    request = AWSRequest(method="POST", url=url, data=raw, headers=headers)
    creds = Credentials(
        credentials["AWS_ACCESS_KEY_ID"],
        credentials["AWS_SECRET_ACCESS_KEY"],
        credentials["AWS_SESSION_TOKEN"],
    )
    SigV4Auth(creds, "dynamodb", cloud.region).add_auth(request)
    signed_headers = dict(request.headers.items())
    signed_headers["Host"] = urlsplit(url).netloc
    built = AwsRequest.build("POST", "/", signed_headers, raw, service="dynamodb", region=cloud.region)
    return AwsRequest(**{**built.__dict__, "raw_path": "/"})


@pytest.fixture(scope="module")
def setup() -> Iterator[dict[str, Any]]:
    with LocalCloud(iam_mode="enforce") as cloud:
        iam = cloud.client("iam")
        iam.create_role(RoleName="bench", AssumeRolePolicyDocument=TRUST)
        iam.attach_role_policy(RoleName="bench", PolicyArn=BASIC)
        table_arn = cloud.client("dynamodb").create_table(
            TableName="T",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )["TableDescription"]["TableArn"]
        iam.put_role_policy(RoleName="bench", PolicyName="read", PolicyDocument=_grant_read_data(table_arn))
        role_arn = f"arn:aws:iam::{cloud.context.account_id}:role/bench"
        credentials = cloud.context.iam.function_environment("bench-fn", role_arn)
        key = {"pk": {"S": "a"}}
        get = _signed(cloud, credentials, "GetItem", {"TableName": "T", "Key": key})
        put = _signed(cloud, credentials, "PutItem", {"TableName": "T", "Item": key})
        authorizer = cloud.context.iam.authorizer
        assert authorizer.authorize(get) is None  # warm caches; and it is allowed
        assert authorizer.authorize(put) is not None
        yield {"cloud": cloud, "get": get, "put": put, "authorizer": authorizer, "key": credentials}


def test_evaluation(benchmark: Any, setup: dict[str, Any]) -> None:
    # GIVEN a function role's GetItem (its principal already known)
    authorizer = setup["authorizer"]
    principal = authorizer.directory.principal_for(setup["key"]["AWS_ACCESS_KEY_ID"])
    request = setup["get"]

    def evaluate_once() -> bool:
        mapping = map_request(request, authorizer._lookup)
        context = global_context(principal, region=request.region, extra=mapping.context)
        return all(decide(principal, access, context)[0].allowed for access in mapping.accesses)

    # WHEN it is mapped and evaluated  THEN it is allowed
    assert benchmark(evaluate_once)


def test_authorize(benchmark: Any, setup: dict[str, Any]) -> None:
    # GIVEN the same request as it reaches the router  WHEN the whole hook runs (signature included)
    # THEN it lets it through
    assert benchmark(setup["authorizer"].authorize, setup["get"]) is None


def test_denied(benchmark: Any, setup: dict[str, Any]) -> None:
    # GIVEN a PutItem the role may not do  WHEN authorized  THEN the answer is AWS's AccessDeniedException
    response = benchmark(setup["authorizer"].authorize, setup["put"])
    assert response is not None and response.status == 400
