"""Tests run with `--fogbank-endpoint` reach the API Gateway URLs of a cloud started by `fogbank cloud start`.

Nothing is mocked: the cloud runs in its own process (`fogbank cloud start --port 0`), a REST API (MOCK
integration) is created there through CloudFormation, and a pytest session in a third process calls the
API's AWS-form URL with requests. The plugin reads GET <endpoint>/_fogbank/frontdoors and installs the same
connection shim and CA bundle as the cloud's own process; without it the URL would resolve through real DNS.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
import requests

from fogbank.cloud.frontdoors.remote import fetch_door_map

TEMPLATE = {
    "Resources": {
        "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "remote-doors"}},
        "Get": {
            "Type": "AWS::ApiGateway::Method",
            "Properties": {
                "RestApiId": {"Ref": "Api"},
                "ResourceId": {"Fn::GetAtt": ["Api", "RootResourceId"]},
                "HttpMethod": "GET",
                "AuthorizationType": "NONE",
                "Integration": {
                    "Type": "MOCK",
                    "RequestTemplates": {"application/json": '{"statusCode": 200}'},
                    "IntegrationResponses": [
                        {"StatusCode": "200", "ResponseTemplates": {"application/json": '{"mocked": true}'}}
                    ],
                },
                "MethodResponses": [{"StatusCode": "200"}],
            },
        },
        "Deployment": {
            "Type": "AWS::ApiGateway::Deployment",
            "DependsOn": ["Get"],
            "Properties": {"RestApiId": {"Ref": "Api"}, "StageName": "prod"},
        },
    },
    "Outputs": {
        "ApiUrl": {"Value": {"Fn::Sub": "https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/prod/"}}
    },
}
INNER_TEST = """
import os
import requests


def test_api_url_from_outputs(fogbank_target):
    # GIVEN the session's target is the running cloud (this attaches its front doors)
    # WHEN the test calls the API's AWS-form URL, unmodified
    response = requests.get(os.environ["REMOTE_API_URL"], timeout=20)
    # THEN the cloud's REST API answered, over TLS checked against its CA
    assert (response.status_code, response.json()) == (200, {"mocked": True})
"""


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A `fogbank cloud start --port 0` process; stopped (SIGTERM, then kill) afterwards."""
    state = tmp_path_factory.mktemp("cloud-state")
    process = subprocess.Popen(
        [sys.executable, "-m", "fogbank.cli", "cloud", "start", "--port", "0", "--state-dir", str(state)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("endpoint: "), line
        yield line.removeprefix("endpoint: ").strip()
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _deploy_api(endpoint: str) -> str:
    cfn = boto3.client(
        "cloudformation",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    cfn.create_stack(StackName="remote-doors", TemplateBody=json.dumps(TEMPLATE))
    cfn.get_waiter("stack_create_complete").wait(StackName="remote-doors", WaiterConfig={"Delay": 1})
    (stack,) = cfn.describe_stacks(StackName="remote-doors")["Stacks"]
    return str(stack["Outputs"][0]["OutputValue"])


def test_door_map_is_served(endpoint: str) -> None:
    # GIVEN a cloud in another process
    # WHEN its door map is read
    door_map = fetch_door_map(endpoint)
    # THEN it names the TLS edge for every AWS host pattern served there (API Gateway, Function URLs, AppSync)
    # and carries the CA
    edge = door_map["edge_tls"]
    suffixes = {suffix: target for suffix, port, target in door_map["shim"]["suffixes"] if port == 443}
    assert suffixes == {
        ".execute-api.us-east-1.amazonaws.com": edge,
        ".lambda-url.us-east-1.on.aws": edge,
        ".appsync-api.us-east-1.amazonaws.com": edge,
    }
    assert door_map["ca_pem"].startswith("-----BEGIN CERTIFICATE-----")


def test_session_with_endpoint_reaches_api_url(endpoint: str, tmp_path: Path) -> None:
    # GIVEN a REST API on a cloud started by `fogbank cloud start`, and a test calling its output URL
    url = _deploy_api(endpoint)
    assert url.endswith(".execute-api.us-east-1.amazonaws.com/prod/")
    (tmp_path / "test_remote.py").write_text(INNER_TEST, encoding="utf-8")
    # WHEN pytest runs that test with --fogbank-endpoint
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
         "--rootdir", str(tmp_path), f"--fogbank-endpoint={endpoint}", str(tmp_path / "test_remote.py")],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
        env={**_clean_env(), "REMOTE_API_URL": url},
    )  # fmt: skip
    # THEN the test passed: the URL reached the cloud's edge listener
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout


def test_without_the_shim_the_host_is_not_local(endpoint: str) -> None:
    # GIVEN this process, where no shim for that cloud is installed (the control for the test above)
    # WHEN the AWS-form host is resolved the ordinary way
    # THEN it does not reach a loopback listener (DNS fails offline, or names an address of AWS)
    with pytest.raises(requests.RequestException):
        requests.get("https://nosuchapi.execute-api.us-east-1.amazonaws.com/prod/", timeout=3)


def _clean_env() -> dict[str, str]:
    import os

    return {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "PYTEST_"))}
