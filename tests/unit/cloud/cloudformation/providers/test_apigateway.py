"""REST APIs deployed by the in-process engine: moto keeps the API, the front door serves what was deployed."""

from __future__ import annotations

from typing import Any

from ...conftest import ACCOUNT
from ..conftest import body, delete, deploy

FUNCTION = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:orders"
URI = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{FUNCTION}/invocations"


def _template(deployment: str = "Deployment", extra_method: bool = False) -> str:
    resources: dict[str, Any] = {
        "Api": {
            "Type": "AWS::ApiGateway::RestApi",
            "Properties": {"Name": "shop", "BinaryMediaTypes": ["image/png"]},
        },
        "Items": {
            "Type": "AWS::ApiGateway::Resource",
            "Properties": {
                "RestApiId": {"Ref": "Api"},
                "ParentId": {"Fn::GetAtt": ["Api", "RootResourceId"]},
                "PathPart": "items",
            },
        },
        "Item": {
            "Type": "AWS::ApiGateway::Resource",
            "Properties": {"RestApiId": {"Ref": "Api"}, "ParentId": {"Ref": "Items"}, "PathPart": "{id}"},
        },
        "GetItem": {
            "Type": "AWS::ApiGateway::Method",
            "Properties": {
                "RestApiId": {"Ref": "Api"},
                "ResourceId": {"Ref": "Item"},
                "HttpMethod": "GET",
                "AuthorizationType": "AWS_IAM",
                "Integration": {"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST", "Uri": URI},
            },
        },
        deployment: {
            "Type": "AWS::ApiGateway::Deployment",
            "DependsOn": ["GetItem"],
            "Properties": {"RestApiId": {"Ref": "Api"}},
        },
        "Prod": {
            "Type": "AWS::ApiGateway::Stage",
            "Properties": {
                "RestApiId": {"Ref": "Api"},
                "DeploymentId": {"Ref": deployment},
                "StageName": "prod",
                "Variables": {"table": "orders"},
            },
        },
    }
    if extra_method:
        resources["PostItems"] = {
            "Type": "AWS::ApiGateway::Method",
            "Properties": {
                "RestApiId": {"Ref": "Api"},
                "ResourceId": {"Ref": "Items"},
                "HttpMethod": "POST",
                "AuthorizationType": "NONE",
                "Integration": {"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST", "Uri": URI},
            },
        }
        resources[deployment]["DependsOn"].append("PostItems")
    return body(resources, Outputs={"Api": {"Value": {"Ref": "Api"}}})


def test_a_deployed_stage_serves_its_methods_with_their_integration(with_doors: tuple[Any, Any]) -> None:
    cfn, doors = with_doors
    # WHEN a REST API with a Lambda proxy method, a deployment and a stage is deployed
    api_id = deploy(cfn, "s", _template())["Api"]
    model = doors.rest_api(api_id)

    # THEN the front door serves the stage with its variables and binary types, and resolves the method
    assert model is not None and model.stages == {"prod": {"table": "orders"}}
    assert model.binary_media_types == ("image/png",)
    resource, method, params = model.resolve("prod", "GET", "/items/7")
    assert (resource.path, params) == ("/items/{id}", {"id": "7"})
    assert (method.function_arn, method.authorization, method.integration) == (
        FUNCTION,
        "AWS_IAM",
        "AWS_PROXY",
    )
    assert model.resolve("prod", "POST", "/items") is None


def test_a_new_deployment_serves_the_methods_added_since(with_doors: tuple[Any, Any]) -> None:
    cfn, doors = with_doors
    api_id = deploy(cfn, "s", _template())["Api"]
    # WHEN a method is added with a new Deployment (CDK renames it when the API changes)
    deploy(cfn, "s", _template(deployment="Deployment2", extra_method=True), update=True)
    # THEN the stage serves the new snapshot, with the added method
    model = doors.rest_api(api_id)
    assert model.resolve("prod", "POST", "/items") is not None
    assert model.resolve("prod", "GET", "/items/7") is not None


def test_deleting_the_stack_stops_serving_the_api(with_doors: tuple[Any, Any]) -> None:
    cfn, doors = with_doors
    api_id = deploy(cfn, "s", _template())["Api"]
    assert delete(cfn, "s")["StackStatus"] == "DELETE_COMPLETE"
    assert doors.rest_api(api_id) is None
