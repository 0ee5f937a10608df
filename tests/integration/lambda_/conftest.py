"""Fixtures for the Lambda integration tests: a LocalCloud, boto3 clients and zipped handler code."""

from __future__ import annotations

import io
import json
import textwrap
import uuid
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from fogbank.cloud import LocalCloud

ROLE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}

HANDLER_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["s3:*", "sqs:*", "logs:*", "lambda:*"], "Resource": "*"}],
}


def zip_code(files: dict[str, str], modes: dict[str, int] | None = None) -> bytes:
    """A .zip with `files` (name -> source, dedented)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, source in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = ((modes or {}).get(name, 0o644)) << 16
            archive.writestr(info, textwrap.dedent(source))
    return buffer.getvalue()


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    with LocalCloud() as running:
        yield running


@pytest.fixture(scope="module")
def lambda_client(cloud: LocalCloud) -> Any:
    return cloud.client("lambda")


@pytest.fixture(scope="module")
def logs_client(cloud: LocalCloud) -> Any:
    return cloud.client("logs")


@pytest.fixture(scope="module")
def role_arn(cloud: LocalCloud) -> str:
    iam = cloud.client("iam")
    role = iam.create_role(RoleName="lambda-role", AssumeRolePolicyDocument=json.dumps(ROLE_POLICY))
    # These tests are about Lambda; the local cloud evaluates IAM (tests/integration/iam), so the role
    # may do what the handlers here do, as it would need to on AWS.
    iam.put_role_policy(
        RoleName="lambda-role", PolicyName="handlers", PolicyDocument=json.dumps(HANDLER_POLICY)
    )
    return str(role["Role"]["Arn"])


@pytest.fixture
def make_function(lambda_client: Any, role_arn: str) -> Callable[..., str]:
    """Create a python3.11 function from {file: source}; returns its (unique) name."""

    def make(files: dict[str, str], handler: str = "app.handler", **kwargs: Any) -> str:
        name = kwargs.pop("FunctionName", None) or f"fn-{uuid.uuid4().hex[:10]}"
        lambda_client.create_function(
            FunctionName=name,
            Runtime=kwargs.pop("Runtime", "python3.11"),
            Role=role_arn,
            Handler=handler,
            Code={"ZipFile": zip_code(files)},
            **kwargs,
        )
        return name

    return make


def invoke_json(
    lambda_client: Any, name: str, payload: Any = None, **kwargs: Any
) -> tuple[dict[str, Any], Any]:
    """Invoke and return (raw response, decoded JSON payload)."""
    response = lambda_client.invoke(FunctionName=name, Payload=json.dumps(payload or {}).encode(), **kwargs)
    body = response["Payload"].read()
    return response, json.loads(body) if body else None
