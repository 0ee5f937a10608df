"""Fixtures for the CloudFormation integration tests: a LocalCloud, its clients and code in S3."""

from __future__ import annotations

import contextlib
import io
import json
import textwrap
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import WaiterError

from fogbank.cloud import LocalCloud

CODE_BUCKET = "cfn-test-code"


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, source in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o644 << 16
            archive.writestr(info, textwrap.dedent(source))
    return buffer.getvalue()


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    with LocalCloud() as running:
        yield running


@pytest.fixture(scope="module")
def cfn(cloud: LocalCloud) -> Any:
    return cloud.client("cloudformation")


@pytest.fixture(scope="module")
def upload_zip(cloud: LocalCloud) -> Callable[[str, dict[str, str]], dict[str, str]]:
    """Put a zip of {file: source} into S3; returns {"S3Bucket", "S3Key"} for a template."""
    s3 = cloud.client("s3")
    s3.create_bucket(Bucket=CODE_BUCKET)

    def upload(key: str, files: dict[str, str]) -> dict[str, str]:
        s3.put_object(Bucket=CODE_BUCKET, Key=key, Body=_zip(files))
        return {"S3Bucket": CODE_BUCKET, "S3Key": key}

    return upload


@pytest.fixture(scope="module")
def run_stack(cfn: Any) -> Callable[..., dict[str, Any]]:
    """Create (or update) a stack from a dict template, wait with boto3's waiter, return DescribeStacks' stack.

    A waiter failure is not raised: the returned stack shows the final status.
    """

    def run(name: str, template: dict[str, Any], *, update: bool = False, **kwargs: Any) -> dict[str, Any]:
        call = cfn.update_stack if update else cfn.create_stack
        call(StackName=name, TemplateBody=json.dumps(template), Capabilities=["CAPABILITY_IAM"], **kwargs)
        waiter = cfn.get_waiter("stack_update_complete" if update else "stack_create_complete")
        with contextlib.suppress(WaiterError):
            waiter.wait(StackName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 600})
        return dict(cfn.describe_stacks(StackName=name)["Stacks"][0])

    return run


@pytest.fixture(scope="module")
def delete_stack(cfn: Any) -> Callable[[str], None]:
    def delete(name: str) -> None:
        stack_id = cfn.describe_stacks(StackName=name)["Stacks"][0]["StackId"]
        cfn.delete_stack(StackName=name)
        cfn.get_waiter("stack_delete_complete").wait(
            StackName=stack_id, WaiterConfig={"Delay": 0.2, "MaxAttempts": 600}
        )

    return delete


def events_of(cfn: Any, name: str) -> list[tuple[str, str, str, str]]:
    """(logical id, type, status, reason) of every event, oldest first."""
    events = cfn.describe_stack_events(StackName=name)["StackEvents"]
    return [
        (e["LogicalResourceId"], e["ResourceType"], e["ResourceStatus"], e.get("ResourceStatusReason", ""))
        for e in reversed(events)
    ]


@pytest.fixture(scope="module")
def stack_events(cfn: Any) -> Callable[[str], list[tuple[str, str, str, str]]]:
    return lambda name: events_of(cfn, name)
