"""Shared by tests/unit/cloud: moto's state in this process (mock_aws), with nothing on the network."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

ACCOUNT = "123456789012"  # moto's default account, the local cloud's too
Clients = Callable[..., Any]


@pytest.fixture
def aws() -> Iterator[Clients]:
    """`aws("s3")` or `aws("logs", "eu-west-1")`: a boto3 client on a fresh in-process moto state."""
    with mock_aws():
        yield lambda service, region="us-east-1": boto3.client(
            service, region_name=region, aws_access_key_id="testing", aws_secret_access_key="testing"
        )


def zip_of(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def lambda_role(aws: Clients, name: str = "fn-role") -> str:
    trust = '{"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}'
    return str(aws("iam").create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]["Arn"])
