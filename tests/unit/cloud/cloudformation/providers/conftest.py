"""Fixtures for provider tests: a real LocalCloud and a ProviderRequest builder on it."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from typing import Any, cast

import pytest
from botocore.exceptions import WaiterError

from fogbank.cloud import LocalCloud
from fogbank.cloud.cloudformation.providers.base import ProviderRequest


class _Services:
    """The one part of ProviderServices these providers use: `client(service, region)` on the running cloud."""

    def __init__(self, client: Callable[[str], Any]) -> None:
        self._client = client

    def client(self, service: str, region: str | None = None) -> Any:
        return self._client(service)


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    with LocalCloud() as running:
        yield running


@pytest.fixture
def provider_request(cloud: LocalCloud) -> Callable[..., ProviderRequest]:
    """`provider_request(resource_type, properties, client=...)`: a request as the engine builds it."""

    def build(
        resource_type: str, properties: dict[str, Any], client: Callable[[str], Any] | None = None
    ) -> ProviderRequest:
        return ProviderRequest(
            services=cast(Any, _Services(client or cloud.client)),
            stack_name="provider-test",
            stack_id="arn:aws:cloudformation:us-east-1:123456789012:stack/provider-test/1",
            logical_id="Resource",
            resource_type=resource_type,
            properties=properties,
            region="us-east-1",
            account_id="123456789012",
        )

    return build


@pytest.fixture
def run_stack(cloud: LocalCloud) -> Callable[[str, dict[str, Any]], dict[str, Any]]:
    """Create a stack from a dict template, wait for its end, return its stack and its resources' failures."""
    cfn = cloud.client("cloudformation")

    def run(name: str, template: dict[str, Any]) -> dict[str, Any]:
        cfn.create_stack(StackName=name, TemplateBody=json.dumps(template))
        with contextlib.suppress(WaiterError):  # a failure shows in the status and the events
            cfn.get_waiter("stack_create_complete").wait(
                StackName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 300}
            )
        stack = dict(cfn.describe_stacks(StackName=name)["Stacks"][0])
        events = cfn.describe_stack_events(StackName=name)["StackEvents"]
        stack["Failures"] = [
            e.get("ResourceStatusReason", "") for e in events if e["ResourceStatus"].endswith("FAILED")
        ]
        return stack

    return run
