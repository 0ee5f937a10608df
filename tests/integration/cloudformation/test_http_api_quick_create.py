"""HTTP API quick create: an Api with Target makes its integration, route and auto-deployed $default stage."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import requests

from fogbank.cloud import LocalCloud

_HANDLER = """
import json
def handler(event, context):
    return {"statusCode": 200, "body": json.dumps({"routeKey": event["routeKey"], "path": event["rawPath"],
                                                   "version": event["version"]})}
"""


def _template(**quick: Any) -> dict[str, Any]:
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
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Code": {"ZipFile": _HANDLER},
                    "Handler": "index.handler",
                    "Runtime": "python3.12",
                    "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                },
            },
            "Invoke": {
                "Type": "AWS::Lambda::Permission",
                "Properties": {
                    "Action": "lambda:InvokeFunction",
                    "FunctionName": {"Ref": "Fn"},
                    "Principal": "apigateway.amazonaws.com",
                },
            },
            "Api": {
                "Type": "AWS::ApiGatewayV2::Api",
                "Properties": {
                    "Name": "quick",
                    "ProtocolType": "HTTP",
                    "Target": {"Fn::GetAtt": ["Fn", "Arn"]},
                    **quick,
                },
            },
        },
        "Outputs": {
            "ApiId": {"Value": {"Ref": "Api"}},
            "Url": {"Value": {"Fn::GetAtt": ["Api", "ApiEndpoint"]}},
        },
    }


def _outputs(stack: dict[str, Any]) -> dict[str, str]:
    return {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}


def test_quick_create_with_route_key_and_credentials(
    cloud: LocalCloud, cfn: Any, run_stack: Callable[..., dict[str, Any]]
) -> None:
    # GIVEN an HTTP API quick-created with a route key and an invoke role
    role = "arn:aws:iam::123456789012:role/api-invoke"

    # WHEN the stack is created
    stack = run_stack("quick-create", _template(RouteKey="GET /hello", CredentialsArn=role))

    # THEN the API has one AWS_PROXY 2.0 integration with the role, one route to it, an auto-deployed $default
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
    outputs = _outputs(stack)
    apigw = cloud.client("apigatewayv2")
    (integration,) = apigw.get_integrations(ApiId=outputs["ApiId"])["Items"]
    assert integration["IntegrationType"] == "AWS_PROXY"
    assert integration["PayloadFormatVersion"] == "2.0"
    assert integration["CredentialsArn"] == role
    (route,) = apigw.get_routes(ApiId=outputs["ApiId"])["Items"]
    assert (route["RouteKey"], route["Target"]) == (
        "GET /hello",
        f"integrations/{integration['IntegrationId']}",
    )
    (stage,) = apigw.get_stages(ApiId=outputs["ApiId"])["Items"]
    assert (stage["StageName"], stage["AutoDeploy"]) == ("$default", True)
    # AND the route serves at the API's endpoint, other paths do not
    hello = requests.get(outputs["Url"] + "/hello", timeout=30)
    assert hello.status_code == 200
    assert hello.json() == {"routeKey": "GET /hello", "path": "/hello", "version": "2.0"}
    assert requests.get(outputs["Url"] + "/other", timeout=30).status_code == 404
    cfn.delete_stack(StackName="quick-create")
    cfn.get_waiter("stack_delete_complete").wait(StackName="quick-create", WaiterConfig={"Delay": 0.2})
    assert outputs["ApiId"] not in {api["ApiId"] for api in apigw.get_apis()["Items"]}


def test_quick_create_without_route_key_is_a_default_catch_all(
    cfn: Any, run_stack: Callable[..., dict[str, Any]]
) -> None:
    # GIVEN an HTTP API quick-created with only a Target WHEN the stack is created
    stack = run_stack("quick-default", _template())

    # THEN every path reaches the function through the $default route
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
    answer = requests.post(_outputs(stack)["Url"] + "/any/thing", data=b"{}", timeout=30)
    assert answer.status_code == 200
    assert answer.json()["routeKey"] == "$default"
    cfn.delete_stack(StackName="quick-default")


@pytest.mark.parametrize(
    ("quick", "message"),
    [
        ({"Target": "https://example.com/backend"}, "serve Lambda (AWS_PROXY) integrations only"),
    ],
)
def test_quick_create_http_target_fails_naming_it(
    run_stack: Callable[..., dict[str, Any]],
    stack_events: Callable[[str], list[tuple[str, str, str, str]]],
    quick: dict[str, Any],
    message: str,
) -> None:
    # GIVEN a quick create whose Target is an HTTP URL WHEN the stack is created
    stack = run_stack("quick-http", _template(**quick))

    # THEN the API fails, saying why and what to do
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    (reason,) = [e[3] for e in stack_events("quick-http") if e[0] == "Api" and e[2] == "CREATE_FAILED"]
    assert message in reason and json.dumps("https://example.com/backend")[1:-1] in reason
