"""How layer publishing talks to AWS: boto3 clients per region, regions and architectures, error text.

Every call goes through boto3's standard credential chain and honours AWS_ENDPOINT_URL, so the same commands
run against AWS and against a local cloud.

Example:
    >>> parse_architectures("x86_64,arm64")
    ('x86_64', 'arm64')
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from fogbank.errors import ConfigError
from fogbank.layer import ARCHITECTURES

__all__ = ["ClientFactory", "boto3_clients", "describe_error", "parse_architectures", "resolve_regions"]

ClientFactory = Callable[[str, str], Any]
"""(service, region) -> a boto3 client."""


def parse_architectures(text: str) -> tuple[str, ...]:
    """`x86_64,arm64` -> ('x86_64', 'arm64'); an unknown name is a clear error."""
    names = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [name for name in names if name not in ARCHITECTURES]
    if unknown or not names:
        raise ConfigError(
            f"--architectures {text!r}: unknown {', '.join(unknown) or 'empty list'}; "
            f"use a comma-separated list of {', '.join(sorted(ARCHITECTURES))}"
        )
    return names


def resolve_regions(text: str, clients: ClientFactory, home_region: str) -> tuple[str, ...]:
    """`all` -> every region enabled for the account (EC2 DescribeRegions); else a comma-separated list."""
    if text.strip() == "all":
        answer = clients("ec2", home_region).describe_regions(AllRegions=False)
        return tuple(sorted(region["RegionName"] for region in answer["Regions"]))
    names = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    if not names:
        raise ConfigError(
            "--regions is empty; pass `all` or a comma-separated list such as us-east-1,eu-west-1"
        )
    return names


def boto3_clients(session: boto3.session.Session | None = None) -> ClientFactory:
    """A ClientFactory over one boto3 session (default: the standard credential chain)."""
    chosen = session or boto3.session.Session()
    config = Config(retries={"max_attempts": 5, "mode": "standard"})

    def client(service: str, region: str) -> Any:
        return chosen.client(service, region_name=region, config=config)

    return client


def describe_error(error: Exception) -> str:
    """`Code: Message` for an AWS error, the text of anything else."""
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        return f"{details.get('Code', 'Error')}: {details.get('Message', str(error))}"
    return str(error)
