"""AWS::Lambda::Url through its provider on a running LocalCloud: a real function in a Lambda worker, reached
at its AWS-shaped URL with requests, gated by AWS::Lambda::Permission as on AWS. Nothing is mocked."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import pytest
import requests

from fogbank.cloud.cloudformation.providers.base import ProviderRequest
from fogbank.cloud.cloudformation.providers.lambda_url import FunctionUrlProvider
from fogbank.cloud.server import LocalCloud

HANDLER = b"""
import base64, json
def handler(event, context):
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "cookies": ["seen=1"],
            "body": json.dumps({"path": event["rawPath"], "cookies": event.get("cookies", []),
                                "account": event["requestContext"]["accountId"]})}
"""


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", HANDLER)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    with LocalCloud() as running:
        yield running


def _request(cloud: LocalCloud, function_arn: str, **props: object) -> ProviderRequest:
    return ProviderRequest(
        cloud.components.cloudformation.services,
        "s",
        "stack-id",
        "Url",
        "AWS::Lambda::Url",
        {"TargetFunctionArn": function_arn, **props},
        cloud.region,
        cloud.account_id,
    )


def test_function_url_needs_permission_then_serves(cloud: LocalCloud) -> None:
    # GIVEN a function and a Function URL with AuthType NONE, without a permission for it
    lam = cloud.client("lambda")
    trust = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
    role = cloud.client("iam").create_role(RoleName="url-fn-role", AssumeRolePolicyDocument=trust)["Role"][
        "Arn"
    ]
    arn = lam.create_function(
        FunctionName="url-fn",
        Runtime="python3.11",
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": _zip()},
    )["FunctionArn"]
    provider = FunctionUrlProvider()
    result = provider.create(_request(cloud, arn, AuthType="NONE"))
    url = result.attributes["FunctionUrl"]
    assert url.startswith("https://") and url.endswith(".lambda-url.us-east-1.on.aws/")
    # WHEN called without the permission, THEN Lambda's 403
    denied = requests.get(url + "a/b", timeout=30)
    assert (denied.status_code, denied.json()) == (403, {"Message": "Forbidden"})
    # WHEN the permission CloudFormation's AWS::Lambda::Permission adds exists
    lam.add_permission(
        FunctionName=arn,
        StatementId="url",
        Action="lambda:InvokeFunctionUrl",
        Principal="*",
        FunctionUrlAuthType="NONE",
    )
    served = requests.get(url + "a/b", cookies={"c": "1"}, timeout=60)
    # THEN the function answers through the door, with its event's fields
    assert served.status_code == 200, served.text
    assert served.json() == {"path": "/a/b", "cookies": ["c=1"], "account": "anonymous"}
    assert served.headers["Set-Cookie"] == "seen=1"
    # AND deleting the resource removes the door
    provider.delete(_request(cloud, arn, AuthType="NONE"), result)
    assert requests.get(url, timeout=30).status_code == 404
