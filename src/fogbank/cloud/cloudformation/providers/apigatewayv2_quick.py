"""HTTP API quick create: `AWS::ApiGatewayV2::Api` with `Target`, `RouteKey` and `CredentialsArn`.

As API Gateway does, one CreateApi with a Target also makes an AWS_PROXY integration (payload format 2.0) to
the target, a route with the RouteKey (`$default` when omitted) pointing at it, and the `$default` stage with
auto-deploy. These implicit resources belong to the API: deleting the API deletes them.

Example:
    >>> sorted(QUICK_CREATE_PROPERTIES)
    ['CredentialsArn', 'RouteKey', 'Target']
"""

from __future__ import annotations

from typing import Any

from fogbank.cloud.cloudformation.providers.apigateway_tree import function_of_uri
from fogbank.cloud.cloudformation.providers.base import ProviderRequest
from fogbank.cloud.frontdoors.doors.http_api import HttpApiModel, HttpRoute
from fogbank.errors import DeployError

__all__ = ["QUICK_CREATE_PROPERTIES", "quick_create"]

QUICK_CREATE_PROPERTIES = frozenset({"Target", "RouteKey", "CredentialsArn"})
DEFAULT_STAGE = "$default"


def _lambda_target(target: str, owner: str) -> str:
    if target.startswith("arn:") and ":lambda:" in target and ":function:" in target:
        return target if "/invocations" not in target else function_of_uri(target, owner)
    raise DeployError(
        f"{owner}: quick create Target {target!r} is not a Lambda function ARN; the local cloud's HTTP APIs "
        "serve Lambda (AWS_PROXY) integrations only, not HTTP_PROXY URLs. Deploy this stack to AWS to test it"
    )


def quick_create(request: ProviderRequest, client: Any, model: HttpApiModel) -> None:
    """Create the implicit integration, route and auto-deployed `$default` stage of a quick-created API."""
    props = request.properties
    function_arn = _lambda_target(str(props["Target"]), request.logical_id)
    integration: dict[str, Any] = {
        "ApiId": model.api_id,
        "IntegrationType": "AWS_PROXY",
        "IntegrationUri": function_arn,
        "IntegrationMethod": "POST",
        "PayloadFormatVersion": "2.0",
    }
    if props.get("CredentialsArn"):
        integration["CredentialsArn"] = props["CredentialsArn"]
    integration_id = client.create_integration(**integration)["IntegrationId"]
    route_key = str(props.get("RouteKey") or "$default")
    route_id = client.create_route(
        ApiId=model.api_id, RouteKey=route_key, Target=f"integrations/{integration_id}"
    )["RouteId"]
    client.create_stage(ApiId=model.api_id, StageName=DEFAULT_STAGE, AutoDeploy=True)
    model.routes.append(HttpRoute(route_key, function_arn, "2.0", "NONE", route_id))
    model.stages[DEFAULT_STAGE] = {}
