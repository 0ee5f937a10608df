"""API Gateway REST APIs through the local cloud's API Gateway API, served by the REST API front door.

RestApi registers the API with the doors; Resource and Method (AWS_PROXY to Lambda, or MOCK; NONE or AWS_IAM
authorization; API keys) build the tree in the API Gateway state; a Deployment snapshots the tree, and each
Stage serves the snapshot of its deployment at `https://<api id>.execute-api.<region>.amazonaws.com/<stage>/`.
API keys, usage plans and the Account live in apigateway_keys.py. Anything the door would not honour (other integrations, authorizers, mapping templates, throttles)
fails the resource, naming it.

Example:
    >>> function_of_uri(
    ...     "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:f/invocations"
    ... )
    'arn:aws:lambda:us-east-1:1:function:f'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fogbank.cloud.aws_state.apigateway import forget_deployment
from fogbank.cloud.cloudformation.providers.apigateway_tree import (
    function_of_uri,
    mock_answer,
    snapshot,
)
from fogbank.cloud.cloudformation.providers.base import ProviderRequest, ProviderResult, ResourceProvider
from fogbank.cloud.cloudformation.providers.common import ignore_missing, tag_list_to_map
from fogbank.cloud.frontdoors.doors.rest_api import RestApiModel
from fogbank.errors import DeployError

Model = TypeVar("Model")

__all__ = [
    "PROVIDERS",
    "DeploymentProvider",
    "MethodProvider",
    "ResourceProvider_",
    "RestApiProvider",
    "StageProvider",
    "function_of_uri",
    "served_api",
]


def served_api(
    request: ProviderRequest, api_id: str, lookup: Callable[[str], Model | None], kind: str
) -> Model:
    """The door's model of an API (REST or HTTP), or a DeployError naming the resource and the API.

    Example (skipped as a doctest: it needs a stack being deployed into a running local cloud):
        >>> served_api(request, "abc123", request.services.frontdoors.rest_api, "REST API")  # doctest: +SKIP
    """
    model = lookup(api_id)
    if model is None:
        raise DeployError(
            f"{request.logical_id}: {kind} {api_id} is not served by this local cloud; create it first"
        )
    return model


def _model(request: ProviderRequest, api_id: str) -> RestApiModel:
    return served_api(request, api_id, request.services.frontdoors.rest_api, "REST API")


class RestApiProvider(ResourceProvider):
    """AWS::ApiGateway::RestApi; Ref is the API id, GetAtt RootResourceId."""

    resource_type = "AWS::ApiGateway::RestApi"
    properties = frozenset(
        {
            "Name",
            "Description",
            "BinaryMediaTypes",
            "EndpointConfiguration",
            "ApiKeySourceType",
            "DisableExecuteApiEndpoint",
            "Tags",
        }
    )

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        if props.get("ApiKeySourceType", "HEADER") != "HEADER":
            raise DeployError(
                f"{request.logical_id}: ApiKeySourceType AUTHORIZER needs a Lambda authorizer, unsupported"
            )
        if str(props.get("DisableExecuteApiEndpoint", "false")).lower() == "true":
            raise DeployError(
                f"{request.logical_id}: DisableExecuteApiEndpoint leaves only custom domains, which the local cloud "
                "does not serve; remove it for tests"
            )
        arguments: dict[str, Any] = {"name": props.get("Name") or request.logical_id}
        if props.get("Description"):
            arguments["description"] = props["Description"]
        if props.get("EndpointConfiguration"):
            arguments["endpointConfiguration"] = {
                "types": list(props["EndpointConfiguration"].get("Types", []))
            }
        if props.get("Tags"):
            arguments["tags"] = tag_list_to_map(props["Tags"])
        binary = tuple(props.get("BinaryMediaTypes") or ())
        if binary:
            arguments["binaryMediaTypes"] = list(binary)
        api = request.client("apigateway").create_rest_api(**arguments)
        api_id = api["id"]
        request.services.frontdoors.put_rest_api(
            RestApiModel(api_id, request.region, request.account_id, binary_media_types=binary)
        )
        return ProviderResult(
            physical_id=api_id, attributes={"RestApiId": api_id, "RootResourceId": api["rootResourceId"]}
        )

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        request.services.frontdoors.remove_rest_api(current.physical_id)
        with ignore_missing():
            request.client("apigateway").delete_rest_api(restApiId=current.physical_id)


class ResourceProvider_(ResourceProvider):
    """AWS::ApiGateway::Resource (the trailing underscore: the base class owns the name); Ref is its id."""

    resource_type = "AWS::ApiGateway::Resource"
    properties = frozenset({"RestApiId", "ParentId", "PathPart"})

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        created = request.client("apigateway").create_resource(
            restApiId=props["RestApiId"], parentId=props["ParentId"], pathPart=props["PathPart"]
        )
        return ProviderResult(physical_id=created["id"], attributes={"ResourceId": created["id"]})

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        with ignore_missing():
            request.client("apigateway").delete_resource(
                restApiId=request.properties["RestApiId"], resourceId=current.physical_id
            )


_INTEGRATION_KEYS = frozenset(
    {
        "Type",
        "Uri",
        "IntegrationHttpMethod",
        "RequestTemplates",
        "IntegrationResponses",
        "PassthroughBehavior",
        "TimeoutInMillis",
        "ContentHandling",
    }
)


def _check_method(props: dict[str, Any], owner: str) -> None:
    """Fail early on what the REST API door would not honour."""
    authorization = props.get("AuthorizationType", "NONE")
    if authorization not in ("NONE", "AWS_IAM"):
        raise DeployError(
            f"{owner}: AuthorizationType {authorization} is not enforced by the local cloud (NONE and AWS_IAM are); "
            "deploy this stack to AWS to test Lambda or Cognito authorizers"
        )
    integration = props.get("Integration") or {}
    unsupported = sorted(set(integration) - _INTEGRATION_KEYS)
    if unsupported:
        raise DeployError(f"{owner}: unsupported Integration properties {unsupported}")
    kind = integration.get("Type")
    if kind == "AWS_PROXY":
        function_of_uri(str(integration.get("Uri", "")), owner)
    elif kind == "MOCK":
        mock_answer(
            integration.get("RequestTemplates") or {},
            _integration_responses(integration.get("IntegrationResponses") or []),
            owner,
        )
    else:
        raise DeployError(
            f"{owner}: Integration Type {kind!r} is not served by the local cloud (AWS_PROXY to Lambda and MOCK "
            "are); deploy this stack to AWS to test it"
        )


def _integration_responses(responses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """CloudFormation's IntegrationResponses in the API's shape."""
    shaped = []
    for response in responses:
        item: dict[str, Any] = {"statusCode": str(response["StatusCode"])}
        for source, target in (
            ("SelectionPattern", "selectionPattern"),
            ("ResponseTemplates", "responseTemplates"),
            ("ResponseParameters", "responseParameters"),
        ):
            if source in response:
                item[target] = response[source]
        shaped.append(item)
    return shaped


class MethodProvider(ResourceProvider):
    """AWS::ApiGateway::Method with an AWS_PROXY (Lambda) or MOCK integration."""

    resource_type = "AWS::ApiGateway::Method"
    properties = frozenset(
        {
            "RestApiId",
            "ResourceId",
            "HttpMethod",
            "AuthorizationType",
            "ApiKeyRequired",
            "Integration",
            "MethodResponses",
            "OperationName",
        }
    )

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        _check_method(props, request.logical_id)
        client = request.client("apigateway")
        where = {
            "restApiId": props["RestApiId"],
            "resourceId": props["ResourceId"],
            "httpMethod": props["HttpMethod"],
        }
        method: dict[str, Any] = {
            "authorizationType": props.get("AuthorizationType", "NONE"),
            "apiKeyRequired": str(props.get("ApiKeyRequired", "false")).lower() == "true",
        }
        if props.get("OperationName"):
            method["operationName"] = props["OperationName"]
        client.put_method(**where, **method)
        for response in props.get("MethodResponses") or []:
            client.put_method_response(
                **where,
                statusCode=str(response["StatusCode"]),
                responseParameters={
                    k: str(v).lower() == "true" for k, v in (response.get("ResponseParameters") or {}).items()
                },
            )
        integration = props["Integration"]
        arguments: dict[str, Any] = {"type": integration["Type"]}
        for source, target in (
            ("Uri", "uri"),
            ("IntegrationHttpMethod", "integrationHttpMethod"),
            ("RequestTemplates", "requestTemplates"),
            ("PassthroughBehavior", "passthroughBehavior"),
        ):
            if source in integration:
                arguments[target] = integration[source]
        client.put_integration(**where, **arguments)
        for response in _integration_responses(integration.get("IntegrationResponses") or []):
            client.put_integration_response(**where, **response)
        physical = f"{props['RestApiId']}|{props['ResourceId']}|{props['HttpMethod']}"
        return ProviderResult(physical_id=physical, attributes={})

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        """PutMethod overwrites the method in place; a replacement (same physical id) would delete its successor."""
        identity = ("RestApiId", "ResourceId", "HttpMethod")
        if any(request.properties[key] != previous_properties[key] for key in identity):
            return super().update(request, current, previous_properties)
        self.create(request)
        return current

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        props = request.properties
        with ignore_missing():
            request.client("apigateway").delete_method(
                restApiId=props["RestApiId"], resourceId=props["ResourceId"], httpMethod=props["HttpMethod"]
            )


class DeploymentProvider(ResourceProvider):
    """AWS::ApiGateway::Deployment: a snapshot of the API's methods; with StageName it also creates that stage."""

    resource_type = "AWS::ApiGateway::Deployment"
    properties = frozenset({"RestApiId", "Description", "StageName"})

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        api_id = props["RestApiId"]
        _model(request, api_id)  # fails early, naming the resource, when the API is not served
        arguments: dict[str, Any] = {"restApiId": api_id}
        if props.get("Description"):
            arguments["description"] = props["Description"]
        if props.get("StageName"):
            arguments["stageName"] = props["StageName"]
        client = request.client("apigateway")
        deployment_id = client.create_deployment(**arguments)["id"]
        tree = snapshot(client, api_id)
        stage = props.get("StageName")

        def add_deployment(model: RestApiModel) -> None:
            model.deployments[deployment_id] = tree
            if stage:
                model.stages[stage] = {}
                model.stage_resources[stage] = tree
                model.stage_deployments[stage] = deployment_id

        request.services.frontdoors.change_rest_api(api_id, add_deployment)
        return ProviderResult(physical_id=deployment_id, attributes={"DeploymentId": deployment_id})

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        """Delete the deployment, and its StageName stage unless a newer deployment (a replacement) owns it."""
        props = request.properties
        api_id, stage = props["RestApiId"], props.get("StageName")
        client = request.client("apigateway")
        owns_stage = True  # also when the API is not served any more

        def remove_deployment(model: RestApiModel) -> None:
            nonlocal owns_stage
            owns_stage = model.stage_deployments.get(stage or "") == current.physical_id
            if stage and owns_stage:
                _forget_stage(model, stage)
            model.deployments.pop(current.physical_id, None)

        request.services.frontdoors.change_rest_api(api_id, remove_deployment)
        if stage and owns_stage:
            with ignore_missing():
                client.delete_stage(restApiId=api_id, stageName=stage)
        if stage and not owns_stage:  # moto refuses by stage name; see fogbank.cloud.aws_state.apigateway
            forget_deployment(
                api_id, current.physical_id, account_id=request.account_id, region=request.region
            )
            return
        with ignore_missing():
            client.delete_deployment(restApiId=api_id, deploymentId=current.physical_id)


class StageProvider(ResourceProvider):
    """AWS::ApiGateway::Stage; Ref is the stage name. An update can point it at a new deployment."""

    resource_type = "AWS::ApiGateway::Stage"
    properties = frozenset({"RestApiId", "DeploymentId", "StageName", "Description", "Variables", "Tags"})

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        api_id, name = props["RestApiId"], props["StageName"]
        model = _model(request, api_id)
        variables = {k: str(v) for k, v in (props.get("Variables") or {}).items()}
        arguments: dict[str, Any] = {
            "restApiId": api_id,
            "stageName": name,
            "deploymentId": props["DeploymentId"],
        }
        if variables:
            arguments["variables"] = variables
        if props.get("Description"):
            arguments["description"] = props["Description"]
        if props.get("Tags"):
            arguments["tags"] = tag_list_to_map(props["Tags"])
        client = request.client("apigateway")
        client.create_stage(**arguments)
        self._serve(request, model, client, name, props["DeploymentId"], variables)
        return ProviderResult(physical_id=name, attributes={})

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        props = request.properties
        if (
            props["StageName"] != previous_properties["StageName"]
            or props["RestApiId"] != previous_properties["RestApiId"]
        ):
            return super().update(request, current, previous_properties)
        model = _model(request, props["RestApiId"])
        client = request.client("apigateway")
        client.update_stage(
            restApiId=props["RestApiId"],
            stageName=props["StageName"],
            patchOperations=[{"op": "replace", "path": "/deploymentId", "value": props["DeploymentId"]}],
        )
        variables = {k: str(v) for k, v in (props.get("Variables") or {}).items()}
        self._serve(request, model, client, props["StageName"], props["DeploymentId"], variables)
        return current

    @staticmethod
    def _serve(
        request: ProviderRequest,
        model: RestApiModel,
        client: Any,
        name: str,
        deployment_id: str,
        variables: dict[str, str],
    ) -> None:
        tree = model.deployments.get(deployment_id)  # `model` is a snapshot: read it, never change it
        if tree is None:
            tree = snapshot(client, model.api_id)

        def serve_stage(served: RestApiModel) -> None:
            served.stage_resources[name] = tree
            served.stages[name] = variables
            served.stage_deployments[name] = deployment_id

        request.services.frontdoors.change_rest_api(model.api_id, serve_stage)

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        props = request.properties
        request.services.frontdoors.change_rest_api(
            props["RestApiId"], lambda model: _forget_stage(model, current.physical_id)
        )
        with ignore_missing():
            request.client("apigateway").delete_stage(
                restApiId=props["RestApiId"], stageName=current.physical_id
            )


def _forget_stage(model: RestApiModel, stage: str) -> None:
    model.stages.pop(stage, None)
    model.stage_resources.pop(stage, None)
    model.stage_deployments.pop(stage, None)


PROVIDERS: list[type[ResourceProvider]] = [
    RestApiProvider,
    ResourceProvider_,
    MethodProvider,
    DeploymentProvider,
    StageProvider,
]
