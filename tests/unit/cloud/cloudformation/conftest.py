"""The CloudFormation engine in this process, its providers calling moto's in-process state (no cloud runs).

`engine` is a started CloudFormationComponent on a real router whose clients are boto3 clients on moto's
in-process state (the `aws` fixture); `cfn` is a boto3 CloudFormation client answered by that router.
Only resource types whose providers call AWS APIs (SSM, SQS, SNS, ...) can be deployed here: the Lambda,
front-door, AppSync and ElastiCache components are not part of it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fogbank.cloud.cloudformation.component import CloudFormationComponent
from fogbank.cloud.router import AwsRouter
from fogbank.cloud.site import CloudSite

from ..conftest import Clients, in_process_client


class _NotHere:
    """A component these tests do not deploy for (a resource type needing it fails the test loudly)."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the engine called {name} of a component the in-process engine does not have")


@pytest.fixture
def engine(tmp_path: Path, aws: Clients) -> Iterator[CloudFormationComponent]:
    router = AwsRouter(lambda environ, start_response: [])
    component = CloudFormationComponent(
        CloudSite("http://127.0.0.1:9", tmp_path),
        router,
        clients=aws,
        lambda_=_NotHere(),
        frontdoors=_NotHere(),
        appsync=_NotHere(),
        elasticache=_NotHere(),
    )
    component.start()
    component.router = router  # type: ignore[attr-defined]  # for the cfn fixture
    try:
        yield component
    finally:
        component.stop()


@pytest.fixture
def cfn(engine: CloudFormationComponent) -> Any:
    return in_process_client("cloudformation", "cloudformation", engine.router.dispatch)  # type: ignore[attr-defined]


def settled(cfn: Any, stack: str, timeout: float = 30) -> dict[str, Any]:
    """The stack once its operation has ended (no status ending in _IN_PROGRESS)."""
    deadline = time.monotonic() + timeout
    while True:
        found: dict[str, Any] = cfn.describe_stacks(StackName=stack)["Stacks"][0]
        if not found["StackStatus"].endswith("_IN_PROGRESS") or time.monotonic() > deadline:
            return found
        time.sleep(0.02)


def body(resources: dict[str, Any], **sections: Any) -> str:
    return json.dumps({"Resources": resources, **sections})


def deploy(cfn: Any, stack: str, template: str, update: bool = False, **options: Any) -> dict[str, str]:
    """Create (or update) `stack` from `template`; its outputs once the operation succeeded."""
    (cfn.update_stack if update else cfn.create_stack)(StackName=stack, TemplateBody=template, **options)
    found = settled(cfn, stack)
    if not found["StackStatus"].endswith("_COMPLETE") or "ROLLBACK" in found["StackStatus"]:
        events = cfn.describe_stack_events(StackName=stack)["StackEvents"]
        failures = [e.get("ResourceStatusReason") for e in events if e["ResourceStatus"].endswith("FAILED")]
        raise AssertionError(f"{stack} ended {found['StackStatus']}: {failures}")
    return {o["OutputKey"]: o["OutputValue"] for o in found.get("Outputs", [])}


def delete(cfn: Any, stack: str) -> dict[str, Any]:
    """Delete `stack` and return it once deleted (found by its id: a deleted stack has no name any more)."""
    stack_id = cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackId"]
    cfn.delete_stack(StackName=stack)
    return settled(cfn, stack_id)


class _NoLambda:
    """No function runs in these tests: a front door that tried to invoke one would fail the test."""

    def invoke(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("no invocation expected")


@pytest.fixture
def with_doors(tmp_path: Path, aws: Clients) -> Iterator[tuple[Any, Any]]:
    """(cfn, doors): the in-process engine deploying into a front-door component that is not started (its
    commands and models work; no listener runs), so the API Gateway providers' models can be read back."""
    from fogbank.cloud.frontdoors.component import FrontDoorsComponent

    site = CloudSite("http://127.0.0.1:9", tmp_path)
    router = AwsRouter(lambda environ, start_response: [])
    doors = FrontDoorsComponent(site, router, lambda_=_NoLambda())
    component = CloudFormationComponent(
        site,
        router,
        clients=aws,
        lambda_=_NotHere(),
        frontdoors=doors,
        appsync=_NotHere(),
        elasticache=_NotHere(),
    )
    component.start()
    try:
        yield in_process_client("cloudformation", "cloudformation", router.dispatch), doors
    finally:
        component.stop()


@pytest.fixture
def with_appsync(tmp_path: Path, aws: Clients) -> Iterator[tuple[Any, Any]]:
    """(cfn, appsync): the in-process engine deploying into an AppSync component that is not started (no
    edge listener; no resolver runs), so what the AppSync providers make it serve can be read back."""
    from fogbank.cloud.appsync.component import AppSyncComponent

    site = CloudSite("http://127.0.0.1:9", tmp_path)
    router = AwsRouter(lambda environ, start_response: [])
    appsync = AppSyncComponent(site, lambda_=_NotHere(), edge=_NotHere())
    component = CloudFormationComponent(
        site,
        router,
        clients=aws,
        lambda_=_NotHere(),
        frontdoors=_NotHere(),
        appsync=appsync,
        elasticache=_NotHere(),
    )
    component.start()
    try:
        yield in_process_client("cloudformation", "cloudformation", router.dispatch), appsync
    finally:
        component.stop()
