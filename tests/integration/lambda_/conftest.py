"""Fixtures for the Lambda integration tests: a LocalCloud, boto3 clients and zipped handler code."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from fogbank.cloud import LocalCloud
from fogbank.cloud.lambda_.process import Spawner
from fogbank.cloud.lambda_.python_runtime import build_runtime_dir
from fogbank.cloud.lambda_.zygote import Zygote
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


@pytest.fixture
def started_zygote(tmp_path: Path) -> Iterator[Zygote]:
    """A started zygote (its own spawner and runtime directory under tmp_path); closed after the test."""
    spawner = Spawner()
    zygote = Zygote(spawner, build_runtime_dir(tmp_path), tmp_path / "lambda" / "opt-probe")
    zygote.start()
    try:
        yield zygote
    finally:
        zygote.close()
        spawner.close()


@pytest.fixture
def namespaced_zygote(started_zygote: Zygote) -> Zygote:
    """`started_zygote`, where its environments get their own namespaces (/opt, /tmp, /var/task); skips elsewhere."""
    if started_zygote.opt_error is not None:
        pytest.skip(f"this machine has no user + mount namespaces: {started_zygote.opt_error}")
    return started_zygote


@pytest.fixture
def zygote(started_zygote: Zygote) -> Zygote:
    """`started_zygote` (a test module may override this name, e.g. with `namespaced_zygote`)."""
    return started_zygote
