"""Unit test: stopping the CloudFormation component waits a bounded time for resource calls still running."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from fogbank.cloud.cloudformation import component as cfn_component
from fogbank.cloud.cloudformation.component import CloudFormationComponent
from fogbank.cloud.router import AwsRouter
from fogbank.cloud.site import AwsClients, CloudSite


class _Unused:
    """Stands in for a collaborator this test never reaches (no stack is created)."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the component called {name} of a collaborator this test does not provide")


def test_stop_is_bounded_when_a_resource_call_hangs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a component whose resource pool runs a call that does not return, and a short stop limit
    monkeypatch.setattr(cfn_component, "_STOP_TIMEOUT", 0.5)
    site = CloudSite("http://127.0.0.1:9", tmp_path)
    component = CloudFormationComponent(
        site,
        AwsRouter(lambda environ, start_response: []),
        clients=AwsClients(site),
        lambda_=_Unused(),
        frontdoors=_Unused(),
        appsync=_Unused(),
        elasticache=_Unused(),
    )
    release = threading.Event()
    started = threading.Event()

    def hanging_resource_call() -> None:
        started.set()
        release.wait(60)

    component.pool.submit(hanging_resource_call)
    assert started.wait(10)

    # WHEN the component is stopped (on a thread, so that a hang shows as a failure, not a stuck run)
    stopper = threading.Thread(target=component.stop)
    stopper.start()
    stopper.join(timeout=10)
    returned = not stopper.is_alive()
    release.set()
    stopper.join(timeout=10)

    # THEN stop() returned although the call was still running
    assert returned, "stop() waited for a hanging resource call without a limit"
