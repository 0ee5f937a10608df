"""A cloud's memory cgroups go when it stops (memory_limit.py); skipped where memory is not enforced."""

from __future__ import annotations

import json
import os

import pytest

from fogbank.cloud import LocalCloud
from fogbank.cloud.lambda_.memory_limit import probe
from lambda_support import ROLE_POLICY, invoke_json, zip_code

_PROBE = probe()
pytestmark = pytest.mark.skipif(
    _PROBE.parent_dir is None, reason=f"memory limits are not enforced here: {_PROBE.reason}"
)


def _clouds() -> set[str]:
    """The memory cgroups of this process's clouds (other test processes may run clouds beside it)."""
    assert _PROBE.parent_dir is not None
    return {path.name for path in _PROBE.parent_dir.glob(f"fogbank-{os.getpid()}-*")}


def test_cloud_stop_removes_its_memory_cgroups() -> None:
    # GIVEN a cloud of its own that ran a function
    assert _PROBE.parent_dir is not None
    before = _clouds()
    with LocalCloud() as cloud:
        client = cloud.client("lambda")
        iam = cloud.client("iam")
        role = iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(ROLE_POLICY))["Role"]["Arn"]
        client.create_function(
            FunctionName="f",
            Runtime="python3.11",
            Role=role,
            Handler="app.handler",
            Code={"ZipFile": zip_code({"app.py": "def handler(e, c):\n    return 1\n"})},
        )
        invoke_json(client, "f")
        mine = _clouds() - before
        assert len(mine) == 1
        assert any((_PROBE.parent_dir / mine.pop()).glob("env-*"))

    # WHEN it stops
    # THEN no cgroup of it is left
    assert _clouds() <= before
