"""AppSync GraphQL APIs (AWS::AppSync::GraphQLApi, GraphQLSchema, ApiKey) served by the AppSync component.

The API and its keys are created in the AppSync API (so ListGraphqlApis and ListApiKeys see them), and the
component serves the API at its AWS URL. Authentication types other than API_KEY and AWS_IAM are refused,
naming the resource. Data sources, resolvers and functions are in `appsync_resolvers.py`.

Example:
    >>> GraphQLApiProvider.resource_type
    'AWS::AppSync::GraphQLApi'
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from fogbank.cloud.appsync.model import SUPPORTED_AUTH_MODES, ApiKeyModel, GraphqlApiModel
from fogbank.cloud.appsync.schema import SchemaInvalid, build_appsync_schema
from fogbank.cloud.cloudformation.providers.base import ProviderRequest, ProviderResult, ResourceProvider
from fogbank.cloud.cloudformation.providers.common import ignore_missing, tag_list_to_map
from fogbank.errors import DeployError

__all__ = ["PROVIDERS", "ApiKeyProvider", "GraphQLApiProvider", "GraphQLSchemaProvider", "served_api"]

DEFAULT_KEY_LIFETIME_SECONDS = 7 * 24 * 3600


def served_api(request: ProviderRequest, api_id: str) -> GraphqlApiModel:
    """The API `api_id` as the AppSync component serves it; DeployError naming the resource when absent."""
    api = request.services.appsync.api(api_id)
    if api is None:
        raise DeployError(f"{request.logical_id}: GraphQL API {api_id} does not exist on this local cloud")
    return api


def _auth_modes(request: ProviderRequest) -> tuple[str, ...]:
    props = request.properties
    modes = [props.get("AuthenticationType")]
    modes += [item.get("AuthenticationType") for item in props.get("AdditionalAuthenticationProviders") or []]
    for mode in modes:
        if mode not in SUPPORTED_AUTH_MODES:
            raise DeployError(
                f"{request.logical_id}: AuthenticationType {mode!r} is not supported by the local cloud's AppSync "
                f"(supported: {', '.join(SUPPORTED_AUTH_MODES)}); use those, or test this API against AWS"
            )
    return tuple(str(mode) for mode in modes)


class GraphQLApiProvider(ResourceProvider):
    """AWS::AppSync::GraphQLApi; Ref is the ARN; GetAtt ApiId, Arn, GraphQLUrl, GraphQLDns, RealtimeUrl."""

    resource_type = "AWS::AppSync::GraphQLApi"
    properties = frozenset(
        {
            "Name",
            "AuthenticationType",
            "AdditionalAuthenticationProviders",
            "XrayEnabled",
            "Tags",
            "Visibility",
        }
    )

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        modes = _auth_modes(request)
        if props.get("Visibility", "GLOBAL") != "GLOBAL":
            raise DeployError(
                f"{request.logical_id}: Visibility PRIVATE (VPC-only APIs) is not supported locally"
            )
        arguments: dict[str, Any] = {"name": props["Name"], "authenticationType": modes[0]}
        if len(modes) > 1:
            arguments["additionalAuthenticationProviders"] = [{"authenticationType": m} for m in modes[1:]]
        if props.get("Tags"):
            arguments["tags"] = tag_list_to_map(props["Tags"])
        if "XrayEnabled" in props:
            arguments["xrayEnabled"] = str(props["XrayEnabled"]).lower() == "true"
        created = request.services.client("appsync", request.region).create_graphql_api(**arguments)[
            "graphqlApi"
        ]
        api = GraphqlApiModel(created["apiId"], props["Name"], request.region, request.account_id, modes)
        request.services.appsync.put_api(api)
        return ProviderResult(physical_id=api.arn, attributes=_api_attributes(api))

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        api = served_api(request, str(current.attributes["ApiId"]))
        modes = _auth_modes(request)
        with api.lock:
            api.name, api.auth_modes = request.properties["Name"], modes
        return current

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        api_id = str(current.attributes["ApiId"])
        request.services.appsync.remove_api(api_id)
        with ignore_missing():
            request.services.client("appsync", request.region).delete_graphql_api(apiId=api_id)


def _api_attributes(api: GraphqlApiModel) -> dict[str, Any]:
    realtime = f"{api.api_id}.appsync-realtime-api.{api.region}.amazonaws.com"
    return {
        "ApiId": api.api_id,
        "Arn": api.arn,
        "GraphQLUrl": api.graphql_url,
        "GraphQLDns": api.host,
        "GraphQLEndpointArn": api.arn,
        "RealtimeUrl": f"wss://{realtime}/graphql",
        "RealtimeDns": realtime,
    }


class GraphQLSchemaProvider(ResourceProvider):
    """AWS::AppSync::GraphQLSchema from `Definition` or `DefinitionS3Location` (s3://bucket/key)."""

    resource_type = "AWS::AppSync::GraphQLSchema"
    properties = frozenset({"ApiId", "Definition", "DefinitionS3Location"})

    def create(self, request: ProviderRequest) -> ProviderResult:
        api = served_api(request, request.properties["ApiId"])
        sdl = self._definition(request)
        try:
            schema = build_appsync_schema(sdl)
        except SchemaInvalid as exc:
            raise DeployError(f"{request.logical_id}: the GraphQL schema is invalid: {exc}") from None
        with api.lock:
            api.schema = schema
        return ProviderResult(physical_id=f"{api.api_id}GraphQLSchema")

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        if request.properties["ApiId"] != previous_properties.get("ApiId"):
            return super().update(request, current, previous_properties)
        return self.create(request)

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        api = request.services.appsync.api(request.properties["ApiId"])
        if api is not None:
            with api.lock:
                api.schema = None

    @staticmethod
    def _definition(request: ProviderRequest) -> str:
        props = request.properties
        if ("Definition" in props) == ("DefinitionS3Location" in props):
            raise DeployError(f"{request.logical_id}: set exactly one of Definition and DefinitionS3Location")
        if "Definition" in props:
            return str(props["Definition"])
        location = urlsplit(str(props["DefinitionS3Location"]))
        if location.scheme != "s3" or not location.netloc or not location.path.strip("/"):
            raise DeployError(
                f"{request.logical_id}: DefinitionS3Location must be s3://bucket/key, got {props['DefinitionS3Location']!r}"
            )
        s3 = request.services.client("s3", request.region)
        answer = s3.get_object(Bucket=location.netloc, Key=location.path.lstrip("/"))
        return str(answer["Body"].read().decode("utf-8"))


class ApiKeyProvider(ResourceProvider):
    """AWS::AppSync::ApiKey; GetAtt ApiKey (the `x-api-key` value), ApiKeyId and Arn (also Ref)."""

    resource_type = "AWS::AppSync::ApiKey"
    properties = frozenset({"ApiId", "Description", "Expires"})

    def create(self, request: ProviderRequest) -> ProviderResult:
        props = request.properties
        api = served_api(request, props["ApiId"])
        expires = self._expires(request)
        arguments: dict[str, Any] = {"apiId": api.api_id, "expires": expires}
        if props.get("Description"):
            arguments["description"] = props["Description"]
        key = request.services.client("appsync", request.region).create_api_key(**arguments)["apiKey"]
        with api.lock:
            api.api_keys[key["id"]] = ApiKeyModel(key["id"], expires)
        arn = f"{api.arn}/apikeys/{key['id']}"
        return ProviderResult(
            physical_id=arn, attributes={"ApiKey": key["id"], "ApiKeyId": key["id"], "Arn": arn}
        )

    def update(
        self, request: ProviderRequest, current: ProviderResult, previous_properties: dict[str, Any]
    ) -> ProviderResult:
        if request.properties["ApiId"] != previous_properties.get("ApiId"):
            return super().update(request, current, previous_properties)
        api = served_api(request, request.properties["ApiId"])
        key_id = str(current.attributes["ApiKeyId"])
        with api.lock:
            api.api_keys[key_id] = ApiKeyModel(key_id, self._expires(request))
        return current

    def delete(self, request: ProviderRequest, current: ProviderResult) -> None:
        key_id = str(current.attributes["ApiKeyId"])
        api = request.services.appsync.api(request.properties["ApiId"])
        if api is not None:
            with api.lock:
                api.api_keys.pop(key_id, None)
        with ignore_missing():
            request.services.client("appsync", request.region).delete_api_key(
                apiId=request.properties["ApiId"], id=key_id
            )

    @staticmethod
    def _expires(request: ProviderRequest) -> int:
        """`Expires` (epoch seconds, rounded down to the hour as AppSync does), default seven days."""
        now = int(time.time())
        raw = request.properties.get("Expires")
        expires = int(str(raw)) if raw is not None else now + DEFAULT_KEY_LIFETIME_SECONDS
        expires -= expires % 3600
        if expires <= now:
            raise DeployError(
                f"{request.logical_id}: API key expiration must be in the future (Expires={raw}, now={now}); "
                "AppSync requires at least one day ahead"
            )
        return expires


PROVIDERS: list[type[ResourceProvider]] = [GraphQLApiProvider, GraphQLSchemaProvider, ApiKeyProvider]
