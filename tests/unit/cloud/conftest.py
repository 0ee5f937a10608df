"""Shared by tests/unit/cloud: moto's state in this process (mock_aws), with nothing on the network."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.config import Config
from moto import mock_aws

from fogbank.cloud.router import AwsRequest, AwsResponse

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


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def in_process_client(
    service: str, signing_name: str, handler: Callable[[AwsRequest], AwsResponse | None]
) -> Any:
    """A boto3 client whose requests `handler` answers in this process, as the router hands them over HTTP."""
    client = boto3.client(
        service,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        endpoint_url="http://127.0.0.1:1",  # never reached: the request is answered before it is sent
        config=Config(retries={"max_attempts": 1}),
    )

    def send(request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        split = urlsplit(request.url)
        body = request.body if isinstance(request.body, bytes) else (request.body or "").encode()
        headers = {k: v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()}
        answer = handler(
            AwsRequest.build(
                request.method, split.path, headers, body, query=parse_qs(split.query), service=signing_name
            )
        )
        assert answer is not None, f"{service}: the handler passed on a request it must answer"
        return AWSResponse(request.url, answer.status, answer.headers, _Raw(answer.body))  # type: ignore[arg-type]

    client.meta.events.register_first(f"before-send.{client.meta.service_model.service_id.hyphenize()}", send)
    return client
