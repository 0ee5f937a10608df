"""HTTP APIs deployed by the in-process engine: routes, integrations, stages and IAM authorization served."""

from __future__ import annotations

from typing import Any

from ...conftest import ACCOUNT
from ..conftest import body, delete, deploy

FUNCTION = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:orders"


def _template(route_key: str = "GET /items/{id}") -> str:
    return body(
        {
            "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Name": "shop", "ProtocolType": "HTTP"}},
            "Lambda": {
                "Type": "AWS::ApiGatewayV2::Integration",
                "Properties": {
                    "ApiId": {"Ref": "Api"},
                    "IntegrationType": "AWS_PROXY",
                    "IntegrationUri": FUNCTION,
                    "PayloadFormatVersion": "1.0",
                },
            },
            "Get": {
                "Type": "AWS::ApiGatewayV2::Route",
                "Properties": {
                    "ApiId": {"Ref": "Api"},
                    "RouteKey": route_key,
                    "AuthorizationType": "AWS_IAM",
                    "Target": {"Fn::Sub": "integrations/${Lambda}"},
                },
            },
            "Default": {
                "Type": "AWS::ApiGatewayV2::Stage",
                "Properties": {"ApiId": {"Ref": "Api"}, "StageName": "$default", "AutoDeploy": True},
            },
        },
        Outputs={"Api": {"Value": {"Ref": "Api"}}},
    )


def test_routes_are_served_with_their_integration_payload_format_and_authorization(
    with_doors: tuple[Any, Any],
) -> None:
    cfn, doors = with_doors
    # WHEN an HTTP API with an IAM-protected route to a 1.0-format integration is deployed
    api_id = deploy(cfn, "s", _template())["Api"]
    model = doors.http_api(api_id)
    # THEN the door serves the $default stage and resolves the route with its integration's settings
    assert model is not None and "$default" in model.stages
    route, params = model.resolve("GET", "/items/7")
    assert params == {"id": "7"}
    assert (route.function_arn, route.payload_version, route.authorization) == (FUNCTION, "1.0", "AWS_IAM")
    assert model.resolve("POST", "/items/7") is None

    # WHEN the route key changes THEN the door serves the new path only
    deploy(cfn, "s", _template("POST /orders"), update=True)
    model = doors.http_api(api_id)
    assert model.resolve("POST", "/orders") is not None and model.resolve("GET", "/items/7") is None

    # WHEN the stack is deleted THEN the API is no longer served
    assert delete(cfn, "s")["StackStatus"] == "DELETE_COMPLETE"
    assert doors.http_api(api_id) is None
