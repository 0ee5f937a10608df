"""IAM on a LocalCloud, through boto3 inside real Lambda workers: identity, allow, deny, signatures."""

from __future__ import annotations

import io
import json
import textwrap
import uuid
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from fogbank.cloud import LocalCloud

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"

HANDLER = """
    import json, os
    import boto3
    from botocore.exceptions import ClientError

    def handler(event, context):
        out = {"env": {k: bool(os.environ.get(k)) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")}}
        out["caller"] = boto3.client("sts").get_caller_identity()["Arn"]
        ddb = boto3.client("dynamodb")
        for name, call in (
            ("get", lambda: ddb.get_item(TableName=event["table"], Key={"pk": {"S": "a"}})),
            ("put", lambda: ddb.put_item(TableName=event["table"], Item={"pk": {"S": "b"}})),
        ):
            try:
                call()
                out[name] = "ok"
            except ClientError as exc:
                out[name] = [exc.response["Error"]["Code"], exc.response["Error"]["Message"],
                             exc.response["ResponseMetadata"]["HTTPStatusCode"]]
        return out
"""


def _zip(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", textwrap.dedent(source))
    return buffer.getvalue()


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    with LocalCloud(iam_mode="enforce") as running:
        yield running


@pytest.fixture(scope="module")
def table(cloud: LocalCloud) -> str:
    cloud.client("dynamodb").create_table(
        TableName="T",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return "T"


@pytest.fixture
def function_with_role(cloud: LocalCloud) -> Callable[[dict[str, Any]], tuple[str, str]]:
    iam, lambda_client = cloud.client("iam"), cloud.client("lambda")

    def make(policy: dict[str, Any]) -> tuple[str, str]:
        suffix = uuid.uuid4().hex[:8]
        role = iam.create_role(RoleName=f"R{suffix}", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]
        iam.attach_role_policy(RoleName=role["RoleName"], PolicyArn=BASIC)
        iam.put_role_policy(RoleName=role["RoleName"], PolicyName="app", PolicyDocument=json.dumps(policy))
        name = f"fn-{suffix}"
        lambda_client.create_function(
            FunctionName=name,
            Runtime="python3.11",
            Role=role["Arn"],
            Handler="app.handler",
            Code={"ZipFile": _zip(HANDLER)},
        )
        return name, role["RoleName"]

    return make


def test_a_function_runs_as_its_role_and_only_its_policy_allows(
    cloud: LocalCloud, table: str, function_with_role: Callable[[dict[str, Any]], tuple[str, str]]
) -> None:
    # GIVEN a function whose role may read the table (GetItem) but not write it
    read_only = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:Query"],
                "Resource": f"arn:aws:dynamodb:{cloud.region}:123456789012:table/{table}",
            }
        ],
    }
    name, role = function_with_role(read_only)

    # WHEN it runs and calls DynamoDB with plain boto3
    answer = cloud.client("lambda").invoke(FunctionName=name, Payload=json.dumps({"table": table}))
    out = json.loads(answer["Payload"].read())

    # THEN it has Lambda's session credentials, is its role's session, may read, and may not write
    assert "FunctionError" not in answer, out
    assert out["env"] == {"AWS_ACCESS_KEY_ID": True, "AWS_SECRET_ACCESS_KEY": True, "AWS_SESSION_TOKEN": True}
    assert out["caller"] == f"arn:aws:sts::123456789012:assumed-role/{role}/{name}"
    assert out["get"] == "ok"
    assert out["put"] == [
        "AccessDeniedException",
        f"User: arn:aws:sts::123456789012:assumed-role/{role}/{name} is not authorized to perform: "
        f"dynamodb:PutItem on resource: arn:aws:dynamodb:{cloud.region}:123456789012:table/{table} "
        "because no identity-based policy allows the dynamodb:PutItem action",
        400,
    ]


def test_assume_role_credentials_are_verified_and_evaluated(cloud: LocalCloud, table: str) -> None:
    # GIVEN a role the test may assume, allowed to list tables only
    iam = cloud.client("iam")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    iam.create_role(RoleName="Lister", AssumeRolePolicyDocument=json.dumps(trust))
    iam.put_role_policy(
        RoleName="Lister",
        PolicyName="p",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "dynamodb:ListTables", "Resource": "*"}],
            }
        ),
    )

    # WHEN the test assumes it and uses the session
    creds = cloud.client("sts").assume_role(
        RoleArn="arn:aws:iam::123456789012:role/Lister", RoleSessionName="me"
    )["Credentials"]
    session = boto3.session.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=cloud.region,
    )
    ddb = session.client("dynamodb", endpoint_url=cloud.endpoint)
    sts = session.client("sts", endpoint_url=cloud.endpoint)

    # THEN it is the role's session, may list, may not describe
    assert sts.get_caller_identity()["Arn"] == "arn:aws:sts::123456789012:assumed-role/Lister/me"
    assert "T" in ddb.list_tables()["TableNames"]
    with pytest.raises(ClientError) as denied:
        ddb.describe_table(TableName=table)
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"

    # AND a wrong secret is a signature mismatch, a wrong token an invalid token
    bad = boto3.client(
        "dynamodb",
        endpoint_url=cloud.endpoint,
        region_name=cloud.region,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key="wrong",
        aws_session_token=creds["SessionToken"],
    )
    with pytest.raises(ClientError) as mismatch:
        bad.list_tables()
    assert mismatch.value.response["Error"]["Code"] == "InvalidSignatureException"
    forged = boto3.client(
        "dynamodb",
        endpoint_url=cloud.endpoint,
        region_name=cloud.region,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token="forged",
    )
    with pytest.raises(ClientError) as invalid:
        forged.list_tables()
    assert invalid.value.response["Error"]["Code"] == "UnrecognizedClientException"
