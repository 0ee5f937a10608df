"""GraphQL APIs, schemas and API keys deployed by the in-process engine into an AppSync component.

The component is not started (no edge listener); what the providers make it serve is read back.
"""

from __future__ import annotations

from typing import Any

import pytest

from fogbank.cloud.appsync.component import AppSyncComponent

from ..conftest import body, delete, deploy

SCHEMA = "type Query { hello: String @aws_api_key  now: AWSDateTime @aws_iam }"


def _template(schema: str = SCHEMA) -> str:
    return body(
        {
            "Api": {
                "Type": "AWS::AppSync::GraphQLApi",
                "Properties": {
                    "Name": "shop",
                    "AuthenticationType": "API_KEY",
                    "AdditionalAuthenticationProviders": [{"AuthenticationType": "AWS_IAM"}],
                },
            },
            "Schema": {
                "Type": "AWS::AppSync::GraphQLSchema",
                "Properties": {"ApiId": {"Fn::GetAtt": ["Api", "ApiId"]}, "Definition": schema},
            },
            "Key": {
                "Type": "AWS::AppSync::ApiKey",
                "Properties": {"ApiId": {"Fn::GetAtt": ["Api", "ApiId"]}},
            },
        },
        Outputs={
            "ApiId": {"Value": {"Fn::GetAtt": ["Api", "ApiId"]}},
            "Url": {"Value": {"Fn::GetAtt": ["Api", "GraphQLUrl"]}},
            "Key": {"Value": {"Fn::GetAtt": ["Key", "ApiKey"]}},
        },
    )


def test_an_api_with_its_schema_auth_modes_and_key_is_served(
    with_appsync: tuple[Any, AppSyncComponent],
) -> None:
    cfn, appsync = with_appsync
    # WHEN an API with a schema, two auth modes and a key is deployed
    outputs = deploy(cfn, "s", _template())
    api = appsync.api(outputs["ApiId"])
    # THEN the component serves it at AppSync's URL with its schema, modes (default first) and the key
    assert api is not None and outputs["Url"] == api.graphql_url
    assert api.auth_modes == ("API_KEY", "AWS_IAM")
    assert api.schema is not None and api.schema.query_type.fields["now"].type.name == "AWSDateTime"  # type: ignore[union-attr]
    assert outputs["Key"] in api.api_keys
    # WHEN the stack is deleted THEN the API is no longer served
    assert delete(cfn, "s")["StackStatus"] == "DELETE_COMPLETE"
    assert appsync.api(outputs["ApiId"]) is None


def test_an_invalid_schema_fails_the_schema_resource_naming_the_line(
    with_appsync: tuple[Any, AppSyncComponent],
) -> None:
    cfn, _ = with_appsync
    with pytest.raises(AssertionError, match="Unknown type 'Nope'"):
        deploy(cfn, "s", _template("type Query {\n  a: Nope\n}"))
