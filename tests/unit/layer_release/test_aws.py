"""Architectures, regions and error text of layer publishing (real AWS is not called: the EC2 client below
stands in for DescribeRegions)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from fogbank.errors import ConfigError
from fogbank.layer_release.aws import describe_error, parse_architectures, resolve_regions


def test_architectures_are_parsed_in_order_without_repeats() -> None:
    # GIVEN a list with spaces and a repeat / WHEN parsed THEN each known name is kept once, in order
    assert parse_architectures(" arm64, x86_64 ,arm64,") == ("arm64", "x86_64")


@pytest.mark.parametrize(("text", "named"), [("x86_64,amd64", "amd64"), (" , ", "empty list")])
def test_unknown_or_no_architectures_are_refused_with_the_valid_names(text: str, named: str) -> None:
    # GIVEN an unknown name or nothing / WHEN parsed THEN the error names it and lists the valid ones
    with pytest.raises(ConfigError, match=f"unknown {named}; use a comma-separated list of arm64, x86_64"):
        parse_architectures(text)


class _Ec2:
    """Answers DescribeRegions as EC2 does (stands in for real AWS)."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def describe_regions(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        return {"Regions": [{"RegionName": "us-east-1"}, {"RegionName": "eu-west-1"}]}


def test_all_regions_are_the_accounts_enabled_regions_asked_in_the_home_region() -> None:
    # GIVEN a client factory
    ec2 = _Ec2()
    asked: list[tuple[str, str]] = []

    def clients(service: str, region: str) -> _Ec2:
        asked.append((service, region))
        return ec2

    # WHEN "all" and a list are resolved
    every = resolve_regions(" all ", clients, "eu-central-1")
    listed = resolve_regions("eu-west-1, us-east-1,eu-west-1", clients, "eu-central-1")
    # THEN "all" asks EC2 once in the home region for enabled regions (sorted); a list needs no call
    assert every == ("eu-west-1", "us-east-1")
    assert asked == [("ec2", "eu-central-1")] and ec2.calls == [{"AllRegions": False}]
    assert listed == ("eu-west-1", "us-east-1")


def test_an_empty_region_list_is_refused() -> None:
    # GIVEN no region / WHEN resolved THEN the error shows both accepted forms
    with pytest.raises(ConfigError, match="pass `all` or a comma-separated list"):
        resolve_regions(" ,", lambda service, region: None, "us-east-1")


def test_aws_errors_are_described_by_code_and_message() -> None:
    # GIVEN an AWS error as botocore raises it, and another exception
    error = ClientError(
        {"Error": {"Code": "AccessDeniedException", "Message": "not allowed"}}, "PublishLayerVersion"
    )
    # WHEN described THEN the AWS one is "Code: Message", the other its text
    assert describe_error(error) == "AccessDeniedException: not allowed"
    assert describe_error(ValueError("bad zip")) == "bad zip"
