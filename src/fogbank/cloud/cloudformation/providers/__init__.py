"""CloudFormation resource providers of the local cloud: one module per service.

Each module defines `PROVIDERS`, a list of ResourceProvider subclasses. `registry()` maps resource types to
provider classes; the engine fails any type not in it with "unsupported resource type".
"""

from __future__ import annotations

import importlib
from functools import cache

from fogbank.cloud.cloudformation.providers.base import ResourceProvider

# Modules that define PROVIDERS; add new ones here.
PROVIDER_MODULES: tuple[str, ...] = (
    "messaging",
    "lambda_",
    "iam",
    "storage",
    "ssm",
    "kms",
    "appconfig",
    "cdk",
    "custom",
    "lambda_url",
    "lambda_event_sources",
    "logs_subscriptions",
    "kinesis",
    "ec2",
    "ec2_nat",
    "ecr",
    "elbv2",
    "apigateway",
    "apigateway_keys",
    "apigatewayv2",
    "appsync",
    "appsync_resolvers",
    "elasticache",
    "events",
)


CUSTOM_RESOURCE_TYPE = "AWS::CloudFormation::CustomResource"


@cache
def registry() -> dict[str, type[ResourceProvider]]:
    """Resource type -> provider class, from every module in PROVIDER_MODULES."""
    table: dict[str, type[ResourceProvider]] = {}
    for name in PROVIDER_MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        for provider in module.PROVIDERS:
            table[provider.resource_type] = provider
    return table


def provider_for(resource_type: str) -> type[ResourceProvider] | None:
    """The provider class for a type (`Custom::*` is a custom resource), or None when unsupported."""
    table = registry()
    if resource_type.startswith("Custom::"):
        return table.get(CUSTOM_RESOURCE_TYPE)
    return table.get(resource_type)
