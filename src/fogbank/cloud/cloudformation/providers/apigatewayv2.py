"""API Gateway HTTP APIs (AWS::ApiGatewayV2::*) through the local cloud's API, served by the HTTP API door.

Api registers the API; Integration (AWS_PROXY to Lambda, payload 1.0 or 2.0) and Route (NONE or AWS_IAM,
CDK's `HttpIamAuthorizer`) build it; Stage (`$default` or named, with auto-deploy) makes it reachable at
`https://<api id>.execute-api.<region>.amazonaws.com/[<stage>/]`. Routes serve on every stage as soon as they
exist, as with auto-deploy. WebSocket APIs, CORS configuration, JWT and Lambda authorizers fail the resource.

Example:
    >>> RouteProvider.resource_type
    'AWS::ApiGatewayV2::Route'
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fogbank.cloud.cloudformation.providers.apigateway import served_api
from fogbank.cloud.cloudformation.providers.apigateway_tree import function_of_uri
from fogbank.cloud.cloudformation.providers.apigatewayv2_quick import QUICK_CREATE_PROPERTIES, quick_create
from fogbank.cloud.cloudformation.providers.base import ProviderRequest, ProviderResult, ResourceProvider
from fogbank.cloud.cloudformation.providers.common import ignore_missing
from fogbank.cloud.frontdoors.doors.http_api import HttpApiModel, HttpRoute
from fogbank.errors import DeployError

__all__ = [
    "PROVIDERS",
    "ApiProvider",
    "AuthorizerProvider",
    "DeploymentProvider",
    "IntegrationProvider",
    "RouteProvider",
    "StageProvider",
]


class ApiProvider(ResourceProvider):
    """AWS::ApiGatewayV2::Api (ProtocolType HTTP); Ref is the API id, GetAtt ApiEndpoint its URL.

    Quick create (`Target`, with `RouteKey` and `CredentialsArn`) makes what API Gateway makes: an AWS_PROXY
    integration (payload 2.0) to the target function, the route (`$default` unless RouteKey says otherwise)
    and the `$default` stage with auto-deploy.
    """

    resource_type = "AWS::ApiGatewayV2::Api"
    properties = frozenset(
        {
            "Name",
            "ProtocolType",
            "Description",
            "Tags",
            "Version",
            "DisableExecuteApiEndpoint",
            *QUICK_CREATE_PROPERTIES,
        }
    )

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        if props.get("ProtocolType") != "HTTP":
            raise DeployError(
                f"{request.logical_id}: ProtocolType {props.get('ProtocolType')!r} is not served by the local "
                "cloud, only HTTP APIs; deploy this stack to AWS to test a WebSocket API"
            )
        if str(props.get("DisableExecuteApiEndpoint", "false")).lower() == "true":
            raise DeployError(
                f"{request.logical_id}: DisableExecuteApiEndpoint leaves only custom domains, which the local cloud "
                "does not serve; remove it for tests"
            )
        arguments: dict[str, Any] = {"Name": props.get("Name") or request.logical_id, "ProtocolType": "HTTP"}
        for key in ("Description", "Version"):
            if props.get(key):
                arguments[key] = props[key]
        if props.get("Tags"):
            arguments["Tags"] = {k: str(v) for k, v in props["Tags"].items()}
        if "Target" not in props and ("RouteKey" in props or "CredentialsArn" in props):
            raise DeployError(
                f"{request.logical_id}: RouteKey and CredentialsArn are part of quick create and need Target "
                "(the function ARN); add Target, or define the route with AWS::ApiGatewayV2::Route"
            )
        api = request.client("apigatewayv2").create_api(**arguments)
        api_id = api["ApiId"]
        model = HttpApiModel(api_id, request.region, request.account_id)
        if "Target" in props:
            try:
                quick_create(request, request.client("apigatewayv2"), model)
            except Exception:
                with ignore_missing():
                    request.client("apigatewayv2").delete_api(ApiId=api_id)
                raise
        request.services.frontdoors.put_http_api(model)
        endpoint = f"https://{api_id}.execute-api.{request.region}.amazonaws.com"
        return ProviderResult(physical_id=api_id, attributes={"ApiId": api_id, "ApiEndpoint": endpoint})

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        request.services.frontdoors.remove_http_api(current.physical_id)
        with ignore_missing():
            request.client("apigatewayv2").delete_api(ApiId=current.physical_id)


class IntegrationProvider(ResourceProvider):
    """AWS::ApiGatewayV2::Integration of type AWS_PROXY to a Lambda function; Ref is the integration id."""

    resource_type = "AWS::ApiGatewayV2::Integration"
    properties = frozenset(
        {
            "ApiId",
            "IntegrationType",
            "IntegrationUri",
            "IntegrationMethod",
            "PayloadFormatVersion",
            "TimeoutInMillis",
            "Description",
            "ConnectionType",
        }
    )

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        if props.get("IntegrationType") != "AWS_PROXY":
            raise DeployError(
                f"{request.logical_id}: IntegrationType {props.get('IntegrationType')!r} is not served by the local "
                "cloud's HTTP APIs, only AWS_PROXY to Lambda; deploy this stack to AWS to test it"
            )
        if props.get("ConnectionType", "INTERNET") != "INTERNET":
            raise DeployError(f"{request.logical_id}: VPC_LINK connections are not served by the local cloud")
        version = str(props.get("PayloadFormatVersion", ""))
        if version not in ("1.0", "2.0"):
            raise DeployError(
                f"{request.logical_id}: PayloadFormatVersion must be 1.0 or 2.0 for Lambda, got {version!r}"
            )
        _function_arn(str(props.get("IntegrationUri", "")), request.logical_id)
        arguments: dict[str, Any] = {
            "ApiId": props["ApiId"],
            "IntegrationType": "AWS_PROXY",
            "IntegrationUri": props["IntegrationUri"],
            "PayloadFormatVersion": version,
        }
        for key in ("IntegrationMethod", "Description"):
            if props.get(key):
                arguments[key] = props[key]
        if "TimeoutInMillis" in props:
            arguments["TimeoutInMillis"] = int(str(props["TimeoutInMillis"]))
        integration_id = request.client("apigatewayv2").create_integration(**arguments)["IntegrationId"]
        return ProviderResult(physical_id=integration_id, attributes={"IntegrationId": integration_id})

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        with ignore_missing():
            request.client("apigatewayv2").delete_integration(
                ApiId=request.properties["ApiId"], IntegrationId=current.physical_id
            )


def _function_arn(uri: str, owner: str) -> str:
    """A Lambda integration's URI is the function ARN, or API Gateway's `.../functions/<arn>/invocations`."""
    if uri.startswith("arn:") and ":lambda:" in uri and ":function:" in uri and "/invocations" not in uri:
        return uri
    return function_of_uri(uri, owner)


def _put_route(request: ProviderRequest, api_id: str, route: HttpRoute) -> None:
    """Serve `route` (replacing the entry with its RouteId, if any) on the HTTP API's door."""

    def put(model: HttpApiModel) -> None:
        model.routes[:] = [*(entry for entry in model.routes if entry.route_id != route.route_id), route]

    request.services.frontdoors.change_http_api(api_id, put)


def _serve_stage(request: ProviderRequest, api_id: str, name: str, variables: dict[str, str]) -> None:
    request.services.frontdoors.change_http_api(
        api_id, lambda model: model.stages.__setitem__(name, variables)
    )


class RouteProvider(ResourceProvider):
    """AWS::ApiGatewayV2::Route with AuthorizationType NONE or AWS_IAM; Ref is the route id.

    Changes apply in place (UpdateRoute), as on AWS; a new ApiId replaces the route. The door's entry carries the
    RouteId, so deleting a replaced route never removes its replacement with the same route key.
    """

    resource_type = "AWS::ApiGatewayV2::Route"
    properties = frozenset({"ApiId", "RouteKey", "Target", "AuthorizationType", "OperationName"})

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        served_api(request, props["ApiId"], request.services.frontdoors.http_api, "HTTP API")
        arguments, route = self._route(request)
        route_id = request.client("apigatewayv2").create_route(ApiId=props["ApiId"], **arguments)["RouteId"]
        _put_route(request, props["ApiId"], replace(route, route_id=route_id))
        return ProviderResult(physical_id=route_id, attributes={"RouteId": route_id})

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        props = request.properties
        if props["ApiId"] != previous_properties["ApiId"]:
            return super().update(request, current, previous_properties)
        served_api(request, props["ApiId"], request.services.frontdoors.http_api, "HTTP API")
        arguments, route = self._route(request)
        if "Target" not in arguments:
            arguments["Target"] = ""  # UpdateRoute keeps an omitted Target; the template removed it
        request.client("apigatewayv2").update_route(
            ApiId=props["ApiId"], RouteId=current.physical_id, **arguments
        )
        _put_route(request, props["ApiId"], replace(route, route_id=current.physical_id))
        return current

    @staticmethod
    def _route(request: ProviderRequest) -> tuple[dict[str, Any], HttpRoute]:
        """The CreateRoute / UpdateRoute arguments (without ApiId) and the door's route (without its id)."""
        props = request.properties
        authorization = props.get("AuthorizationType", "NONE")
        if authorization not in ("NONE", "AWS_IAM"):
            raise DeployError(
                f"{request.logical_id}: AuthorizationType {authorization} is not enforced by the local cloud (NONE "
                "and AWS_IAM are); deploy this stack to AWS to test JWT or Lambda authorizers"
            )
        function_arn, version = None, "2.0"
        target = str(props.get("Target", ""))
        if target:
            if not target.startswith("integrations/"):
                raise DeployError(
                    f"{request.logical_id}: Target must be integrations/<integration id>, got {target!r}"
                )
            integration = request.client("apigatewayv2").get_integration(
                ApiId=props["ApiId"], IntegrationId=target.split("/", 1)[1]
            )
            function_arn = _function_arn(integration["IntegrationUri"], request.logical_id)
            version = integration.get("PayloadFormatVersion", "2.0")
        arguments: dict[str, Any] = {"RouteKey": props["RouteKey"], "AuthorizationType": authorization}
        if target:
            arguments["Target"] = target
        if props.get("OperationName"):
            arguments["OperationName"] = props["OperationName"]
        return arguments, HttpRoute(props["RouteKey"], function_arn, version, authorization)

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        props = request.properties

        def remove_route(model: HttpApiModel) -> None:
            model.routes[:] = [route for route in model.routes if route.route_id != current.physical_id]

        request.services.frontdoors.change_http_api(props["ApiId"], remove_route)
        with ignore_missing():
            request.client("apigatewayv2").delete_route(ApiId=props["ApiId"], RouteId=current.physical_id)


class StageProvider(ResourceProvider):
    """AWS::ApiGatewayV2::Stage (`$default` serves at the root, a named stage under /<name>); Ref is its name.

    Changes apply in place, as on AWS; a new StageName or ApiId replaces the stage (so a delete by name never
    removes a replacement).
    """

    resource_type = "AWS::ApiGatewayV2::Stage"
    properties = frozenset(
        {"ApiId", "StageName", "AutoDeploy", "DeploymentId", "Description", "StageVariables", "Tags"}
    )

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        served_api(request, props["ApiId"], request.services.frontdoors.http_api, "HTTP API")
        arguments, variables = self._stage(request)
        request.client("apigatewayv2").create_stage(**arguments)
        _serve_stage(request, props["ApiId"], props["StageName"], variables)
        return ProviderResult(physical_id=props["StageName"], attributes={})

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        props = request.properties
        if any(props[key] != previous_properties[key] for key in ("ApiId", "StageName")):
            return super().update(request, current, previous_properties)
        served_api(request, props["ApiId"], request.services.frontdoors.http_api, "HTTP API")
        arguments, variables = self._stage(request)
        client = request.client("apigatewayv2")
        # moto 5.2.5 has no UpdateStage for HTTP APIs: the stage's state is written again under the same name,
        # while the door keeps serving it without a gap
        with ignore_missing():
            client.delete_stage(ApiId=props["ApiId"], StageName=props["StageName"])
        client.create_stage(**arguments)
        _serve_stage(request, props["ApiId"], props["StageName"], variables)
        return current

    @staticmethod
    def _stage(request: ProviderRequest) -> tuple[dict[str, Any], dict[str, str]]:
        """The CreateStage arguments and the stage variables the door passes to functions."""
        props = request.properties
        variables = {k: str(v) for k, v in (props.get("StageVariables") or {}).items()}
        arguments: dict[str, Any] = {
            "ApiId": props["ApiId"],
            "StageName": props["StageName"],
            "AutoDeploy": str(props.get("AutoDeploy", "false")).lower() == "true",
        }
        for key in ("DeploymentId", "Description"):
            if props.get(key):
                arguments[key] = props[key]
        if variables:
            arguments["StageVariables"] = variables
        if props.get("Tags"):
            arguments["Tags"] = {k: str(v) for k, v in props["Tags"].items()}
        return arguments, variables

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        props = request.properties
        request.services.frontdoors.change_http_api(
            props["ApiId"], lambda model: model.stages.pop(current.physical_id, None)
        )
        with ignore_missing():
            request.client("apigatewayv2").delete_stage(ApiId=props["ApiId"], StageName=current.physical_id)


class DeploymentProvider(ResourceProvider):
    """AWS::ApiGatewayV2::Deployment: recorded in the API's state (routes already serve, as with auto-deploy)."""

    resource_type = "AWS::ApiGatewayV2::Deployment"
    properties = frozenset({"ApiId", "Description", "StageName"})

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        arguments = {key: props[key] for key in ("ApiId", "Description", "StageName") if props.get(key)}
        deployment_id = request.client("apigatewayv2").create_deployment(**arguments)["DeploymentId"]
        return ProviderResult(physical_id=deployment_id, attributes={"DeploymentId": deployment_id})

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        with ignore_missing():
            request.client("apigatewayv2").delete_deployment(
                ApiId=request.properties["ApiId"], DeploymentId=current.physical_id
            )


class AuthorizerProvider(ResourceProvider):
    """AWS::ApiGatewayV2::Authorizer: JWT and Lambda (REQUEST) authorizers are refused with a clear error.

    IAM authorization needs no Authorizer resource: CDK's `HttpIamAuthorizer` sets the routes'
    AuthorizationType to AWS_IAM, which the door verifies.
    """

    resource_type = "AWS::ApiGatewayV2::Authorizer"
    open_properties = True
    properties = frozenset()

    def create(self, request: ProviderRequest) -> ProviderResult:
        kind = request.properties.get("AuthorizerType")
        raise DeployError(
            f"{request.logical_id}: {kind} authorizers are not enforced by the local cloud's HTTP APIs; use "
            "AWS_IAM authorization (CDK HttpIamAuthorizer), or deploy this stack to AWS to test it"
        )

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        """Never created, so nothing to delete."""


PROVIDERS: list[type[ResourceProvider]] = [
    ApiProvider,
    IntegrationProvider,
    RouteProvider,
    StageProvider,
    DeploymentProvider,
    AuthorizerProvider,
]
