"""Stack updates keep every front door serving: changes apply in place, and replacements never lose a route.

Hand-written templates deployed with boto3 CreateStack / UpdateStack to the `cloud` LocalCloud (conftest.py);
the HTTP API's function runs in a Lambda worker. Nothing is mocked.
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
import json
def handler(event, context):
    return {"statusCode": 200, "body": json.dumps({"variables": event.get("stageVariables")})}
"""
ASSUME = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
VARIANT = {"Ref": "Variant"}


def _template(port: int = 8090) -> dict[str, Any]:
    """HTTP API (route + stage), REST API (MOCK method, Deployment with StageName), ALB (listener + rule).

    Every door-visible property depends on the Variant parameter, so one UpdateStack changes them all.
    """
    resources: dict[str, Any] = {
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
        "Permission": {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "FunctionName": {"Ref": "Function"},
                "Action": "lambda:InvokeFunction",
                "Principal": "apigateway.amazonaws.com",
            },
        },
        "Http": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Name": "updates", "ProtocolType": "HTTP"}},
        "HttpIntegration": {
            "Type": "AWS::ApiGatewayV2::Integration",
            "Properties": {
                "ApiId": {"Ref": "Http"},
                "IntegrationType": "AWS_PROXY",
                "IntegrationUri": {"Fn::GetAtt": ["Function", "Arn"]},
                "PayloadFormatVersion": "2.0",
            },
        },
        "HttpRoute": {
            "Type": "AWS::ApiGatewayV2::Route",
            "Properties": {
                "ApiId": {"Ref": "Http"},
                "RouteKey": "GET /hello",
                "OperationName": {"Fn::Sub": "hello-${Variant}"},
                "Target": {"Fn::Sub": "integrations/${HttpIntegration}"},
            },
        },
        "HttpStage": {
            "Type": "AWS::ApiGatewayV2::Stage",
            "Properties": {
                "ApiId": {"Ref": "Http"},
                "StageName": "$default",
                "AutoDeploy": True,
                "StageVariables": {"variant": VARIANT},
            },
        },
        "Rest": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "updates"}},
        "RestMock": {
            "Type": "AWS::ApiGateway::Method",
            "Properties": {
                "RestApiId": {"Ref": "Rest"},
                "ResourceId": {"Fn::GetAtt": ["Rest", "RootResourceId"]},
                "HttpMethod": "GET",
                "AuthorizationType": "NONE",
                "OperationName": {"Fn::Sub": "root-${Variant}"},
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
        "RestDeployment": {
            "Type": "AWS::ApiGateway::Deployment",
            "DependsOn": ["RestMock"],
            "Properties": {
                "RestApiId": {"Ref": "Rest"},
                "StageName": "prod",
                "Description": {"Fn::Sub": "deployment ${Variant}"},
            },
        },
        "Alb": {
            "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
            "Properties": {"Type": "application", "Subnets": {"Ref": "Subnets"}},
        },
        "Listener": {
            "Type": "AWS::ElasticLoadBalancingV2::Listener",
            "Properties": {
                "LoadBalancerArn": {"Ref": "Alb"},
                "Port": port,
                "Protocol": "HTTP",
                "DefaultActions": [_fixed(200, {"Fn::Sub": "default ${Variant}"})],
            },
        },
        "Rule": {
            "Type": "AWS::ElasticLoadBalancingV2::ListenerRule",
            "Properties": {
                "ListenerArn": {"Ref": "Listener"},
                "Priority": 5,
                "Conditions": [{"Field": "path-pattern", "Values": ["/rule*"]}],
                "Actions": [_fixed(202, {"Fn::Sub": "rule ${Variant}"})],
            },
        },
    }
    outputs = {
        "HttpUrl": {"Value": {"Fn::GetAtt": ["Http", "ApiEndpoint"]}},
        "RestUrl": {
            "Value": {"Fn::Sub": "https://${Rest}.execute-api.${AWS::Region}.${AWS::URLSuffix}/prod/"}
        },
        "AlbUrl": {
            "Value": {"Fn::Sub": ["http://${Dns}:" + str(port), {"Dns": {"Fn::GetAtt": ["Alb", "DNSName"]}}]}
        },
    }
    return {
        "Parameters": {"Variant": {"Type": "String"}, "Subnets": {"Type": "CommaDelimitedList"}},
        "Resources": resources,
        "Outputs": outputs,
    }


def _fixed(status: int, body: Any) -> dict[str, Any]:
    return {
        "Type": "fixed-response",
        "FixedResponseConfig": {"StatusCode": str(status), "ContentType": "text/plain", "MessageBody": body},
    }


def _apply(
    cloud: LocalCloud, name: str, variant: str, template: dict[str, Any], *, update: bool
) -> dict[str, Any]:
    cfn = cloud.client("cloudformation")
    arguments = {
        "StackName": name,
        "TemplateBody": json.dumps(template),
        "Parameters": [
            {"ParameterKey": "Variant", "ParameterValue": variant},
            {"ParameterKey": "Subnets", "ParameterValue": ",".join(_default_subnets(cloud))},
        ],
        "Capabilities": ["CAPABILITY_IAM"],
    }
    (cfn.update_stack if update else cfn.create_stack)(**arguments)
    waiter = cfn.get_waiter("stack_update_complete" if update else "stack_create_complete")
    with contextlib.suppress(WaiterError):  # the returned stack shows the failure
        waiter.wait(StackName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 600})
    return dict(cfn.describe_stacks(StackName=name)["Stacks"][0])


def _default_subnets(cloud: LocalCloud) -> list[str]:
    """Two subnets of the default VPC (an ALB needs subnets in two zones)."""
    subnets = cloud.client("ec2").describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])
    return sorted(subnet["SubnetId"] for subnet in subnets["Subnets"])[:2]


def _failures(cloud: LocalCloud, name: str) -> list[str]:
    events = cloud.client("cloudformation").describe_stack_events(StackName=name)["StackEvents"]
    return [
        f"{event['LogicalResourceId']}: {event.get('ResourceStatusReason', '')}"
        for event in events
        if event["ResourceStatus"].endswith("FAILED")
    ]


def _outputs(stack: dict[str, Any]) -> dict[str, str]:
    return {item["OutputKey"]: item["OutputValue"] for item in stack["Outputs"]}


@pytest.fixture(scope="module")
def updated(cloud: LocalCloud) -> dict[str, str]:
    """The stack created with Variant=one, then updated to Variant=two; its outputs."""
    stack = _apply(cloud, "door-updates", "one", _template(), update=False)
    assert stack["StackStatus"] == "CREATE_COMPLETE", _failures(cloud, "door-updates")
    before = _outputs(stack)
    assert requests.get(before["AlbUrl"] + "/", timeout=TIMEOUT).text == "default one"
    stack = _apply(cloud, "door-updates", "two", _template(), update=True)
    assert stack["StackStatus"] == "UPDATE_COMPLETE", _failures(cloud, "door-updates")
    assert _failures(cloud, "door-updates") == []  # no cleanup delete failed either
    return _outputs(stack)


def test_http_api_route_and_stage_survive_an_update(updated: dict[str, str]) -> None:
    # GIVEN the route's OperationName and the stage's variables were changed by UpdateStack
    # WHEN the route is called
    answer = requests.get(updated["HttpUrl"] + "/hello", timeout=TIMEOUT)
    # THEN it still answers, with the new stage variables
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"variables": {"variant": "two"}}


def test_rest_api_stage_of_a_replaced_deployment_still_serves(updated: dict[str, str]) -> None:
    # GIVEN the Deployment with StageName was replaced (its Description changed) and the method updated
    # WHEN the stage is called
    answer = requests.get(updated["RestUrl"], timeout=TIMEOUT)
    # THEN the stage still serves the mock
    assert (answer.status_code, answer.json()) == (200, {"mocked": True})


def test_alb_listener_and_rule_change_in_place(updated: dict[str, str]) -> None:
    # GIVEN the listener's default action and the rule's action were changed
    # WHEN the listener is called on the default path and the rule's path
    default = requests.get(updated["AlbUrl"] + "/", timeout=TIMEOUT)
    rule = requests.get(updated["AlbUrl"] + "/rules", timeout=TIMEOUT)
    # THEN both answer with the new actions, on the same port
    assert (default.status_code, default.text) == (200, "default two")
    assert (rule.status_code, rule.text) == (202, "rule two")


def test_alb_listener_port_change_moves_the_listener(cloud: LocalCloud, updated: dict[str, str]) -> None:
    # GIVEN the updated stack
    # WHEN the listener's Port changes
    stack = _apply(cloud, "door-updates", "two", _template(port=8091), update=True)
    # THEN the update completes, the new port serves the rules, and the old port is closed
    assert stack["StackStatus"] == "UPDATE_COMPLETE", _failures(cloud, "door-updates")
    moved = _outputs(stack)["AlbUrl"]
    assert moved.endswith(":8091")
    assert requests.get(moved + "/rules", timeout=TIMEOUT).text == "rule two"
    with pytest.raises(requests.ConnectionError):
        requests.get(updated["AlbUrl"] + "/", timeout=TIMEOUT)
