"""What a deployed GraphQL API is: auth modes, keys, schema, data sources, resolvers and functions.

Providers build these from CloudFormation resources; the component serves them. Every field is AWS's
(CloudFormation property names in the comments).

Example:
    >>> api = GraphqlApiModel("abc", "demo", "us-east-1", "123456789012", auth_modes=("API_KEY",))
    >>> api.graphql_url
    'https://abc.appsync-api.us-east-1.amazonaws.com/graphql'
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Literal

from graphql import GraphQLSchema

__all__ = [
    "SUPPORTED_AUTH_MODES",
    "ApiKeyModel",
    "DataSourceModel",
    "FunctionModel",
    "GraphqlApiModel",
    "ResolverModel",
]

SUPPORTED_AUTH_MODES = ("API_KEY", "AWS_IAM")
DataSourceType = Literal["AWS_LAMBDA", "NONE"]


@dataclass(frozen=True)
class ApiKeyModel:
    """An API key: its id (the `x-api-key` value) and expiry in epoch seconds (`Expires`)."""

    key_id: str
    expires: int


@dataclass(frozen=True)
class DataSourceModel:
    """`AWS::AppSync::DataSource` of type AWS_LAMBDA (`LambdaConfig.LambdaFunctionArn`) or NONE."""

    name: str
    type: DataSourceType
    function_arn: str | None = None


@dataclass(frozen=True)
class FunctionModel:
    """`AWS::AppSync::FunctionConfiguration`: a direct Lambda step of a pipeline resolver."""

    function_id: str
    name: str
    data_source: str
    max_batch_size: int = 0


@dataclass(frozen=True)
class ResolverModel:
    """`AWS::AppSync::Resolver`: UNIT (one data source, direct Lambda) or PIPELINE (functions in order)."""

    type_name: str
    field_name: str
    kind: Literal["UNIT", "PIPELINE"]
    data_source: str | None = None
    functions: tuple[str, ...] = ()
    max_batch_size: int = 0


@dataclass
class GraphqlApiModel:
    """One GraphQL API; `auth_modes[0]` is the default authentication type (`AuthenticationType`)."""

    api_id: str
    name: str
    region: str
    account_id: str
    auth_modes: tuple[str, ...]
    schema: GraphQLSchema | None = None
    api_keys: dict[str, ApiKeyModel] = field(default_factory=dict)
    data_sources: dict[str, DataSourceModel] = field(default_factory=dict)
    resolvers: dict[tuple[str, str], ResolverModel] = field(default_factory=dict)
    functions: dict[str, FunctionModel] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def host(self) -> str:
        return f"{self.api_id}.appsync-api.{self.region}.amazonaws.com"

    @property
    def graphql_url(self) -> str:
        return f"https://{self.host}/graphql"

    @property
    def arn(self) -> str:
        return f"arn:aws:appsync:{self.region}:{self.account_id}:apis/{self.api_id}"

    @property
    def default_auth_mode(self) -> str:
        return self.auth_modes[0]
