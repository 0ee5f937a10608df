"""Fixtures for the Lambda integration tests: a LocalCloud, boto3 clients and zipped handler code."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from fogbank.cloud import LocalCloud
from lambda_support import HANDLER_POLICY, ROLE_POLICY, zip_code


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
