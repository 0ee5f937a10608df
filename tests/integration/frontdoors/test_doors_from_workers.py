"""A Lambda function calls a Function URL of the same local cloud by its AWS-form URL, from inside its worker.

Nothing is mocked: the target function and its AWS::Lambda::Url are created on a running LocalCloud, the
caller runs as a real Python worker (`fogbank_worker_boot`, then awslambdaric) and uses the standard library's
urllib, whose TLS checks the local CA through SSL_CERT_FILE. Without the boot's shim the request would resolve
`<id>.lambda-url.us-east-1.on.aws` through real DNS and leave the machine.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator

import pytest

from fogbank.cloud.cloudformation.providers.base import ProviderRequest
from fogbank.cloud.cloudformation.providers.lambda_url import FunctionUrlProvider
from fogbank.cloud.server import LocalCloud

TARGET = b"""
import json
def handler(event, context):
    return {"statusCode": 200, "body": json.dumps({"path": event["rawPath"], "from": "target"})}
"""
CALLER = b"""
import json, os, urllib.error, urllib.request
def handler(event, context):
    try:
        with urllib.request.urlopen(event["url"], timeout=20) as response:
            return {"status": response.status, "body": response.read().decode(),
                    "ca": os.environ.get("SSL_CERT_FILE")}
    except urllib.error.HTTPError as exc:
        return {"status": exc.code, "body": exc.read().decode(), "ca": os.environ.get("SSL_CERT_FILE")}
"""
NODE_CALLER = b"""
exports.handler = async (event) => {
  try {
    const response = await fetch(event.url);
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return { error: String(error.cause || error) };
  }
};
"""
TRUST = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},'
    '"Action":"sts:AssumeRole"}]}'
)


def _zip(source: bytes, name: str = "app.py") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, source)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    with LocalCloud() as running:
        yield running


@pytest.fixture(scope="module")
def target_url(cloud: LocalCloud) -> str:
    """A public Function URL (AuthType NONE, with its permission) on the local cloud."""
    lam = cloud.client("lambda")
    role = cloud.client("iam").create_role(RoleName="worker-door-role", AssumeRolePolicyDocument=TRUST)
    for name, source in (("door-target", TARGET), ("door-caller", CALLER)):
        lam.create_function(
            FunctionName=name,
            Runtime="python3.11",
            Role=role["Role"]["Arn"],
            Handler="app.handler",
            Code={"ZipFile": _zip(source)},
            Timeout=30,
        )
    lam.create_function(
        FunctionName="door-node-caller",
        Runtime="nodejs20.x",
        Role=role["Role"]["Arn"],
        Handler="index.handler",
        Code={"ZipFile": _zip(NODE_CALLER, "index.js")},
        Timeout=30,
    )
    arn = lam.get_function(FunctionName="door-target")["Configuration"]["FunctionArn"]
    request = ProviderRequest(
        cloud.components.cloudformation.services,
        "s",
        "stack-id",
        "Url",
        "AWS::Lambda::Url",
        {"TargetFunctionArn": arn, "AuthType": "NONE"},
        cloud.region,
        cloud.account_id,
    )
    url = FunctionUrlProvider().create(request).attributes["FunctionUrl"]
    lam.add_permission(
        FunctionName=arn,
        StatementId="url",
        Action="lambda:InvokeFunctionUrl",
        Principal="*",
        FunctionUrlAuthType="NONE",
    )
    return str(url)


def _call_from_worker(cloud: LocalCloud, url: str, function: str = "door-caller") -> dict[str, str]:
    answer = cloud.client("lambda").invoke(FunctionName=function, Payload=json.dumps({"url": url}))
    payload = json.loads(answer["Payload"].read())
    assert "FunctionError" not in answer, payload
    return dict(payload)


def test_function_calls_a_function_url_by_its_aws_url(cloud: LocalCloud, target_url: str) -> None:
    # GIVEN a public Function URL in its AWS form, and a function that calls URLs with urllib
    assert target_url.startswith("https://") and target_url.endswith(".lambda-url.us-east-1.on.aws/")
    # WHEN the function calls it from its worker process
    result = _call_from_worker(cloud, target_url + "hello")
    # THEN the target function answered, over TLS checked against the cloud's CA bundle
    assert result["status"] == 200
    assert json.loads(result["body"]) == {"path": "/hello", "from": "target"}
    assert result["ca"] == cloud.context.frontdoors.bundle_file


def test_unknown_api_host_is_answered_locally(cloud: LocalCloud, target_url: str) -> None:
    # GIVEN an execute-api host name that no API on this cloud has
    url = "https://nosuchapi.execute-api.us-east-1.amazonaws.com/prod/"
    # WHEN a function calls it
    result = _call_from_worker(cloud, url)
    # THEN the local edge listener answers (the request never resolved through real DNS)
    assert result["status"] == 404
    assert "no API or function URL named 'nosuchapi.execute-api.us-east-1.amazonaws.com'" in result["body"]


def test_node_function_calls_a_function_url_by_its_aws_url(cloud: LocalCloud, target_url: str) -> None:
    # GIVEN a Node.js function that calls URLs with fetch
    # WHEN it calls the Function URL, then an execute-api host no API has
    found = _call_from_worker(cloud, target_url + "from-node", "door-node-caller")
    unknown = _call_from_worker(
        cloud, "https://nosuchapi.execute-api.us-east-1.amazonaws.com/", "door-node-caller"
    )
    # THEN both were answered by the local edge listener, over TLS checked against the local CA
    assert found["status"] == 200, found
    assert json.loads(found["body"]) == {"path": "/from-node", "from": "target"}
    assert unknown["status"] == 404, unknown
