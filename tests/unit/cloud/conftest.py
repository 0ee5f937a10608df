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
from moto.core.models import botocore_stubber

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


class _Raw(io.BytesIO):
    """An answer's body as urllib3 hands it to botocore: streamed, or read (streaming outputs)."""

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.getvalue()


def in_process_client(
    service: str,
    signing_name: str,
    handler: Callable[[AwsRequest], AwsResponse | None],
    *,
    moto_answers_the_rest: bool = False,
) -> Any:
    """A boto3 client whose requests `handler` answers in this process, as the router hands them over HTTP.

    With `moto_answers_the_rest`, a request the handler passes on (None) goes to moto's in-process state, as
    the router sends it to moto (needs the `aws` fixture); otherwise passing one on fails the test.
    """
    client = boto3.client(
        service,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        # moto's in-process state answers AWS's own URLs only; otherwise nothing listens: a request the
        # handler passed on fails instead of leaving the machine
        endpoint_url=None if moto_answers_the_rest else "http://127.0.0.1:1",
        config=Config(retries={"max_attempts": 1}),
    )

    def send(request: AWSPreparedRequest, **_: Any) -> AWSResponse | None:
        split = urlsplit(request.url)
        body = request.body if isinstance(request.body, bytes) else (request.body or "").encode()
        headers = {k: v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()}
        answer = handler(
            AwsRequest.build(
                request.method, split.path, headers, body, query=parse_qs(split.query), service=signing_name
            )
        )
        if answer is None and moto_answers_the_rest:
            assert botocore_stubber.enabled, "moto's in-process state is not active: use the `aws` fixture"
            return None  # botocore goes on to moto's in-process answer (mock_aws)
        assert answer is not None, f"{service}: the handler passed on a request it must answer"
        return AWSResponse(request.url, answer.status, answer.headers, _Raw(answer.body))  # type: ignore[arg-type]

    client.meta.events.register_first(f"before-send.{client.meta.service_model.service_id.hyphenize()}", send)
    return client
