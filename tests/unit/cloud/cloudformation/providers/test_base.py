"""The provider contract: generated physical names, what Ref returns, and the default update (replace)."""

from __future__ import annotations

import re

import pytest

from fogbank.cloud.cloudformation.providers.base import (
    NeedsReplacement,
    ProviderRequest,
    ProviderResult,
    ResourceProvider,
)


def _request(stack: str = "shop", logical_id: str = "Jobs") -> ProviderRequest:
    return ProviderRequest(
        services=None,  # type: ignore[arg-type]  # naming and results call no service
        stack_name=stack,
        stack_id=f"arn:aws:cloudformation:us-east-1:123456789012:stack/{stack}/1",
        logical_id=logical_id,
        resource_type="AWS::SQS::Queue",
        properties={},
        region="us-east-1",
        account_id="123456789012",
    )


def test_a_physical_name_is_stack_logical_id_and_a_random_suffix_within_the_limit() -> None:
    # WHEN names are generated, with room to spare and with a tight limit
    roomy = _request().physical_name()
    tight = _request("a-very-long-stack-name", "AnEvenLongerLogicalId").physical_name(30)
    # THEN they are CloudFormation's <stack>-<logicalId>-<12 random>, truncated before the suffix, and unique
    assert re.fullmatch(r"shop-Jobs-[A-Z0-9]{12}", roomy)
    assert len(tight) == 30 and tight.startswith("a-very-long-stack") and re.search(r"-[A-Z0-9]{12}$", tight)
    assert _request().physical_name() != roomy


def test_ref_is_the_physical_id_unless_the_provider_says_otherwise() -> None:
    assert ProviderResult("q-url").ref_value == "q-url"
    assert ProviderResult("arn:...:function:f", ref="f").ref_value == "f"


def test_the_default_update_asks_for_a_replacement_naming_the_type() -> None:
    class Minimal(ResourceProvider):
        resource_type = "Custom::Minimal"
        properties = frozenset({"A"})

    # WHEN a provider without its own update is updated THEN the engine is told to replace the resource
    with pytest.raises(NeedsReplacement, match="Custom::Minimal"):
        Minimal().update(_request(), ProviderResult("p"), {"A": 1})
    # AND a provider that does not implement create or delete says so instead of doing nothing
    with pytest.raises(NotImplementedError):
        Minimal().create(_request())
