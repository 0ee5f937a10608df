"""Without an AWS::Lambda::Permission the front doors fail as AWS fails; with it, and on function errors, as AWS.

Hand-written templates deployed with boto3 CreateStack to the `cloud` LocalCloud (conftest.py); the function
runs in a Lambda worker. Nothing is mocked.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
import requests
from botocore.exceptions import WaiterError

from fogbank.cloud import LocalCloud

TIMEOUT = 60
HANDLER = """
def handler(event, context):
    path = event.get("rawPath") or event.get("path") or ""
    if path.endswith("/boom"):
        raise RuntimeError("boom")
    return {"statusCode": 200, "headers": {"content-type": "text/plain"}, "body": "ok"}
"""
ASSUME = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
FUNCTION_ARN = {"Fn::GetAtt": ["Function", "Arn"]}


def _function() -> dict[str, Any]:
    return {
        "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": ASSUME}},
        "Function": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Runtime": "python3.11",
                "Handler": "index.handler",
                "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                "Code": {"ZipFile": HANDLER},
            },
        },
    }


def doors_template() -> dict[str, Any]:
    """A REST API, an HTTP API and a Function URL in front of one function, and no permission at all."""
    uri = {
        "Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Function.Arn}/invocations"
    }
    resources = {
        **_function(),
        "Rest": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "no-permission"}},
        "Proxy": {
            "Type": "AWS::ApiGateway::Resource",
            "Properties": {
                "RestApiId": {"Ref": "Rest"},
                "ParentId": {"Fn::GetAtt": ["Rest", "RootResourceId"]},
                "PathPart": "{proxy+}",
            },
        },
        "ProxyAny": {
            "Type": "AWS::ApiGateway::Method",
            "Properties": {
                "RestApiId": {"Ref": "Rest"},
                "ResourceId": {"Ref": "Proxy"},
                "HttpMethod": "ANY",
                "AuthorizationType": "NONE",
                "Integration": {"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST", "Uri": uri},
            },
        },
        "RestDeployment": {
            "Type": "AWS::ApiGateway::Deployment",
            "DependsOn": ["ProxyAny"],
            "Properties": {"RestApiId": {"Ref": "Rest"}, "StageName": "prod"},
        },
        "Http": {
            "Type": "AWS::ApiGatewayV2::Api",
            "Properties": {"Name": "no-permission", "ProtocolType": "HTTP"},
        },
        "HttpIntegration": {
            "Type": "AWS::ApiGatewayV2::Integration",
            "Properties": {
                "ApiId": {"Ref": "Http"},
                "IntegrationType": "AWS_PROXY",
                "IntegrationUri": FUNCTION_ARN,
                "PayloadFormatVersion": "2.0",
            },
        },
        "HttpRoute": {
            "Type": "AWS::ApiGatewayV2::Route",
            "Properties": {
                "ApiId": {"Ref": "Http"},
                "RouteKey": "$default",
                "Target": {"Fn::Sub": "integrations/${HttpIntegration}"},
            },
        },
        "HttpStage": {
            "Type": "AWS::ApiGatewayV2::Stage",
            "Properties": {"ApiId": {"Ref": "Http"}, "StageName": "$default", "AutoDeploy": True},
        },
        "Url": {
            "Type": "AWS::Lambda::Url",
            "Properties": {"TargetFunctionArn": FUNCTION_ARN, "AuthType": "NONE"},
        },
    }
    outputs = {
        "RestUrl": {
            "Value": {"Fn::Sub": "https://${Rest}.execute-api.${AWS::Region}.${AWS::URLSuffix}/prod/"}
        },
        "RestArn": {"Value": {"Fn::Sub": "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Rest}"}},
        "HttpUrl": {"Value": {"Fn::GetAtt": ["Http", "ApiEndpoint"]}},
        "HttpArn": {"Value": {"Fn::Sub": "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Http}"}},
        "FunctionUrl": {"Value": {"Fn::GetAtt": ["Url", "FunctionUrl"]}},
        "FunctionName": {"Value": {"Ref": "Function"}},
    }
    return {"Resources": resources, "Outputs": outputs}


def _create(cloud: LocalCloud, name: str, template: dict[str, Any]) -> dict[str, Any]:
    cfn = cloud.client("cloudformation")
    cfn.create_stack(StackName=name, TemplateBody=json.dumps(template), Capabilities=["CAPABILITY_IAM"])
    waiter = cfn.get_waiter("stack_create_complete")
    with contextlib.suppress(WaiterError):  # the returned stack shows the failure
        waiter.wait(StackName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 600})
    return dict(cfn.describe_stacks(StackName=name)["Stacks"][0])


@pytest.fixture(scope="module")
def doors(cloud: LocalCloud) -> dict[str, str]:
    stack = _create(cloud, "no-permission-doors", doors_template())
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
    return {item["OutputKey"]: item["OutputValue"] for item in stack["Outputs"]}


def test_without_permission_every_door_refuses_as_aws(doors: dict[str, str]) -> None:
    # WHEN each door is called while the function's policy has no statement for it
    rest = requests.get(doors["RestUrl"] + "hello", timeout=TIMEOUT)
    http = requests.get(doors["HttpUrl"] + "/hello", timeout=TIMEOUT)
    url = requests.get(doors["FunctionUrl"] + "hello", timeout=TIMEOUT)
    # THEN API Gateway answers 500 (REST and HTTP wording differ), Lambda's function URL 403
    assert (rest.status_code, rest.json()) == (500, {"message": "Internal server error"})
    assert (http.status_code, http.json()) == (500, {"message": "Internal Server Error"})
    assert (url.status_code, url.json()) == (403, {"Message": "Forbidden"})


def test_with_permission_doors_invoke_and_map_function_errors(
    cloud: LocalCloud, doors: dict[str, str]
) -> None:
    # GIVEN the permissions an AWS::Lambda::Permission would add for each door
    lam, function = cloud.client("lambda"), doors["FunctionName"]
    for sid, principal, source in (
        ("rest", "apigateway.amazonaws.com", doors["RestArn"] + "/*/*/*"),
        ("http", "apigateway.amazonaws.com", doors["HttpArn"] + "/*/*"),
    ):
        lam.add_permission(
            FunctionName=function,
            StatementId=sid,
            Action="lambda:InvokeFunction",
            Principal=principal,
            SourceArn=source,
        )
    lam.add_permission(
        FunctionName=function,
        StatementId="url",
        Action="lambda:InvokeFunctionUrl",
        Principal="*",
        FunctionUrlAuthType="NONE",
    )
    # WHEN each door is called on a good path and on one where the function raises
    answers = {
        door: (requests.get(base + "hello", timeout=TIMEOUT), requests.get(base + "boom", timeout=TIMEOUT))
        for door, base in (
            ("rest", doors["RestUrl"]),
            ("http", doors["HttpUrl"] + "/"),
            ("url", doors["FunctionUrl"]),
        )
    }
    # THEN the good path is served and the failure is each door's own error
    for door, (good, _) in answers.items():
        assert (door, good.status_code, good.text) == (door, 200, "ok")
    assert (answers["rest"][1].status_code, answers["rest"][1].json()) == (
        502,
        {"message": "Internal server error"},
    )
    assert (answers["http"][1].status_code, answers["http"][1].json()) == (
        500,
        {"message": "Internal Server Error"},
    )
    assert answers["url"][1].status_code == 502


def test_alb_target_group_without_permission_fails_the_stack(cloud: LocalCloud) -> None:
    # GIVEN a lambda target group whose function has no permission for elasticloadbalancing.amazonaws.com
    template = {
        "Resources": {
            **_function(),
            "Group": {
                "Type": "AWS::ElasticLoadBalancingV2::TargetGroup",
                "Properties": {"TargetType": "lambda", "Targets": [{"Id": FUNCTION_ARN}]},
            },
        }
    }
    # WHEN the stack is created
    stack = _create(cloud, "no-permission-alb", template)
    # THEN RegisterTargets is refused as on AWS, and the stack rolls back
    events = cloud.client("cloudformation").describe_stack_events(StackName="no-permission-alb")[
        "StackEvents"
    ]
    reasons = " ".join(event.get("ResourceStatusReason", "") for event in events)
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    assert "elasticloadbalancing principal does not have permission to invoke" in reasons


def test_plain_http_edge_serves_the_api_hosts(cloud: LocalCloud, doors: dict[str, str]) -> None:
    # GIVEN a client outside this process's connection shim: plain HTTP to the edge with the API's Host
    host = doors["RestUrl"].split("/")[2]
    # WHEN it calls the REST API that way, and through the URL from the outputs
    edge = requests.get(
        f"http://127.0.0.1:{cloud.context.frontdoors.edge_port}/prod/hello",
        headers={"Host": host},
        timeout=TIMEOUT,
    )
    direct = requests.get(doors["RestUrl"] + "hello", timeout=TIMEOUT)
    # THEN the same API gives the same answer both ways
    assert (edge.status_code, edge.content) == (direct.status_code, direct.content)
    assert edge.headers["x-amzn-ErrorType" if edge.status_code == 500 else "Content-Type"]
