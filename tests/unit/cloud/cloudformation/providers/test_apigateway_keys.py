"""API keys and usage plans deployed by the in-process engine: the keys an API's stage accepts."""

from __future__ import annotations

from typing import Any

from ...conftest import ACCOUNT, Clients
from ..conftest import body, delete, deploy

FUNCTION = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:orders"
URI = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{FUNCTION}/invocations"


def test_a_key_in_a_usage_plan_of_the_stage_is_accepted_by_the_door(
    with_doors: tuple[Any, Any], aws: Clients
) -> None:
    cfn, doors = with_doors
    template = body(
        {
            "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "shop"}},
            "Get": {
                "Type": "AWS::ApiGateway::Method",
                "Properties": {
                    "RestApiId": {"Ref": "Api"},
                    "ResourceId": {"Fn::GetAtt": ["Api", "RootResourceId"]},
                    "HttpMethod": "GET",
                    "AuthorizationType": "NONE",
                    "ApiKeyRequired": True,
                    "Integration": {"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST", "Uri": URI},
                },
            },
            "Deployment": {
                "Type": "AWS::ApiGateway::Deployment",
                "DependsOn": "Get",
                "Properties": {"RestApiId": {"Ref": "Api"}, "StageName": "prod"},
            },
            "Key": {
                "Type": "AWS::ApiGateway::ApiKey",
                "Properties": {"Name": "partner", "Value": "partner-key-0123456789", "Enabled": True},
            },
            "Plan": {
                "Type": "AWS::ApiGateway::UsagePlan",
                "DependsOn": "Deployment",
                "Properties": {
                    "UsagePlanName": "partners",
                    "ApiStages": [{"ApiId": {"Ref": "Api"}, "Stage": "prod"}],
                },
            },
            "PlanKey": {
                "Type": "AWS::ApiGateway::UsagePlanKey",
                "Properties": {"KeyId": {"Ref": "Key"}, "KeyType": "API_KEY", "UsagePlanId": {"Ref": "Plan"}},
            },
        },
        Outputs={"Api": {"Value": {"Ref": "Api"}}, "Key": {"Value": {"Ref": "Key"}}},
    )
    # WHEN it is deployed
    outputs = deploy(cfn, "s", template)
    # THEN the key exists in API Gateway, and the door of the API accepts its value
    assert (
        aws("apigateway").get_api_key(apiKey=outputs["Key"], includeValue=True)["value"]
        == "partner-key-0123456789"
    )
    assert "partner-key-0123456789" in doors.rest_api(outputs["Api"]).api_keys
    # WHEN the stack is deleted THEN the key is gone from API Gateway
    assert delete(cfn, "s")["StackStatus"] == "DELETE_COMPLETE"
    assert aws("apigateway").get_api_keys()["items"] == []
