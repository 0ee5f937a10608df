"""The appsync feature's stack: a GraphQL API whose resolvers are one Lambda function written with Powertools'
AppSyncResolver (direct Lambda resolvers, and a BatchInvoke resolver for Post.relatedPosts).

The API's default authorization is an API key; AWS_IAM is an additional mode (Query.whoAmI allows IAM only).
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import CfnOutput, Duration, Expiration
from aws_cdk import aws_appsync as appsync

from fogbank.infrastructure import BaseInfrastructure

SCHEMA = Path(__file__).parent / "schema.graphql"


class AppSyncStack(BaseInfrastructure):
    def create_resources(self) -> None:
        functions = self.create_lambda_functions(function_props={"timeout": Duration.seconds(10)})

        api = appsync.GraphqlApi(
            self.stack,
            "Api",
            name=f"{self.stack_name}-api",
            definition=appsync.Definition.from_schema(appsync.SchemaFile.from_asset(str(SCHEMA))),
            authorization_config=appsync.AuthorizationConfig(
                default_authorization=appsync.AuthorizationMode(
                    authorization_type=appsync.AuthorizationType.API_KEY,
                    api_key_config=appsync.ApiKeyConfig(expires=Expiration.after(Duration.days(2))),
                ),
                additional_authorization_modes=[
                    appsync.AuthorizationMode(authorization_type=appsync.AuthorizationType.IAM)
                ],
            ),
        )
        source = api.add_lambda_data_source("Resolvers", functions["AppsyncResolverHandler"])
        for type_name, field_name in (
            ("Query", "getPost"),
            ("Query", "listPosts"),
            ("Query", "whoAmI"),
            ("Mutation", "createPost"),
        ):
            source.create_resolver(f"{type_name}{field_name}", type_name=type_name, field_name=field_name)
        source.create_resolver(
            "PostRelatedPosts", type_name="Post", field_name="relatedPosts", max_batch_size=10
        )

        CfnOutput(self.stack, "GraphQLUrl", value=api.graphql_url)
        CfnOutput(self.stack, "ApiKey", value=api.api_key or "")
        CfnOutput(self.stack, "ApiId", value=api.api_id)
