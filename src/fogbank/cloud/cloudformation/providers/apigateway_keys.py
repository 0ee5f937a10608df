"""API Gateway REST API keys and usage plans, and the Account (AWS::ApiGateway::ApiKey, UsagePlan, UsagePlanKey,
Account).

An enabled key's value reaches the REST API door when a usage plan key ties it to a plan with API stages (or,
the legacy way, through the key's StageKeys); the door then accepts it in `x-api-key` on methods with
ApiKeyRequired. Throttles and quotas are not enforced, so a plan that sets them is refused. Account stores the
region's CloudWatch role.

Example:
    >>> UsagePlanKeyProvider.resource_type
    'AWS::ApiGateway::UsagePlanKey'
"""

from __future__ import annotations

from typing import Any

from fogbank.cloud.cloudformation.providers.base import ProviderRequest, ProviderResult, ResourceProvider
from fogbank.cloud.cloudformation.providers.common import ignore_missing, tag_list_to_map
from fogbank.cloud.frontdoors.doors.rest_api import RestApiModel

__all__ = [
    "PROVIDERS",
    "AccountProvider",
    "ApiKeyProvider",
    "UsagePlanKeyProvider",
    "UsagePlanProvider",
]


class AccountProvider(ResourceProvider):
    """AWS::ApiGateway::Account: the region's CloudWatch role for API Gateway (kept when deleted, as on AWS)."""

    resource_type = "AWS::ApiGateway::Account"
    properties = frozenset({"CloudWatchRoleArn"})

    def create(self, request: ProviderRequest) -> ProviderResult:
        role = request.properties.get("CloudWatchRoleArn")
        if role:
            request.client("apigateway").update_account(
                patchOperations=[{"op": "replace", "path": "/cloudwatchRoleArn", "value": role}]
            )
        physical = f"{request.stack_name}-{request.logical_id}"
        return ProviderResult(physical_id=physical, attributes={"Id": physical})

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        self.create(request)
        return current

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        """API Gateway's account settings outlive the resource on AWS too: nothing to undo."""


class ApiKeyProvider(ResourceProvider):
    """AWS::ApiGateway::ApiKey; Ref and GetAtt APIKeyId. A usage plan key makes it valid for a stage."""

    resource_type = "AWS::ApiGateway::ApiKey"
    properties = frozenset({"Name", "Value", "Enabled", "Description", "StageKeys", "Tags"})

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        arguments: dict[str, Any] = {
            "name": props.get("Name") or request.physical_name(128),
            "enabled": str(props.get("Enabled", "false")).lower() == "true",
        }
        for source, target in (("Value", "value"), ("Description", "description")):
            if props.get(source):
                arguments[target] = props[source]
        if props.get("Tags"):
            arguments["tags"] = tag_list_to_map(props["Tags"])
        stage_keys = [
            {"restApiId": item["RestApiId"], "stageName": item["StageName"]}
            for item in props.get("StageKeys") or []
        ]
        if stage_keys:
            arguments["stageKeys"] = stage_keys
        client = request.client("apigateway")
        key_id = client.create_api_key(**arguments)["id"]
        if arguments["enabled"]:
            value = client.get_api_key(apiKey=key_id, includeValue=True)["value"]
            _accept_key(request, self._api_ids(request), value, accepted=True)
        return ProviderResult(physical_id=key_id, attributes={"APIKeyId": key_id})

    @staticmethod
    def _api_ids(request: ProviderRequest) -> list[str]:
        """The APIs named in StageKeys (the legacy way to make a key valid for a stage)."""
        return [item["RestApiId"] for item in request.properties.get("StageKeys") or []]

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        client = request.client("apigateway")
        with ignore_missing():
            value = client.get_api_key(apiKey=current.physical_id, includeValue=True)["value"]
            _accept_key(request, self._api_ids(request), value, accepted=False)
            client.delete_api_key(apiKey=current.physical_id)


class UsagePlanProvider(ResourceProvider):
    """AWS::ApiGateway::UsagePlan (API stages only: throttles and quotas are not enforced, so they are refused)."""

    resource_type = "AWS::ApiGateway::UsagePlan"
    properties = frozenset({"UsagePlanName", "Description", "ApiStages", "Tags"})

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        stages = [{"apiId": s["ApiId"], "stage": s["Stage"]} for s in props.get("ApiStages") or []]
        arguments: dict[str, Any] = {"name": props.get("UsagePlanName") or request.physical_name(128)}
        if stages:
            arguments["apiStages"] = stages
        if props.get("Description"):
            arguments["description"] = props["Description"]
        plan_id = request.client("apigateway").create_usage_plan(**arguments)["id"]
        return ProviderResult(physical_id=plan_id, attributes={"Id": plan_id})

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        with ignore_missing():
            request.client("apigateway").delete_usage_plan(usagePlanId=current.physical_id)


class UsagePlanKeyProvider(ResourceProvider):
    """AWS::ApiGateway::UsagePlanKey: the key's value is accepted by every API stage of the plan."""

    resource_type = "AWS::ApiGateway::UsagePlanKey"
    properties = frozenset({"KeyId", "KeyType", "UsagePlanId"})

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        client = request.client("apigateway")
        client.create_usage_plan_key(
            usagePlanId=props["UsagePlanId"], keyId=props["KeyId"], keyType=props["KeyType"]
        )
        key = client.get_api_key(apiKey=props["KeyId"], includeValue=True)
        if key.get("enabled"):
            _accept_key(request, self._api_ids(request, client), key["value"], accepted=True)
        physical = f"{props['UsagePlanId']}:{props['KeyId']}"
        return ProviderResult(physical_id=physical, attributes={"Id": physical})

    @staticmethod
    def _api_ids(request: ProviderRequest, client: Any) -> list[str]:
        plan = client.get_usage_plan(usagePlanId=request.properties["UsagePlanId"])
        return [stage["apiId"] for stage in plan.get("apiStages") or []]

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        props = request.properties
        client = request.client("apigateway")
        with ignore_missing():
            value = client.get_api_key(apiKey=props["KeyId"], includeValue=True)["value"]
            _accept_key(request, self._api_ids(request, client), value, accepted=False)
        with ignore_missing():
            client.delete_usage_plan_key(usagePlanId=props["UsagePlanId"], keyId=props["KeyId"])


def _accept_key(request: ProviderRequest, api_ids: list[str], value: str, *, accepted: bool) -> None:
    """Make the served REST APIs accept (or stop accepting) an API key value; unserved APIs are skipped."""

    def change(model: RestApiModel) -> None:
        if accepted:
            model.api_keys.add(value)
        else:
            model.api_keys.discard(value)

    for api_id in api_ids:
        request.services.frontdoors.change_rest_api(api_id, change)


PROVIDERS: list[type[ResourceProvider]] = [
    AccountProvider,
    ApiKeyProvider,
    UsagePlanProvider,
    UsagePlanKeyProvider,
]
