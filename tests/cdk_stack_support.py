"""Test support for integration tests that deploy a synthesized CDK stack into a LocalCloud and read what its
functions printed to their log groups.

The CDK pieces are imported inside the functions (aws-cdk-lib starts Node.js), so importing this module is cheap.

Example (skipped as a doctest: it starts a cloud and synthesizes with aws-cdk-lib):
    >>> with deployed_stack(assembly, "my-stack") as (cloud, outputs):  # doctest: +SKIP
    ...     printed(cloud, outputs["ConsumerName"], "RECEIVED")
    ['{"id": 1}']
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fogbank.cloud import LocalCloud

__all__ = ["deployed_stack", "inline_python_function", "printed"]


def inline_python_function(stack: Any, name: str, source: str, timeout_s: int | None = None) -> Any:
    """A python3.11 `aws_lambda.Function` named `name` running `source` (handler `index.handler`), with a
    `<name>Name` output holding its function name."""
    import aws_cdk as cdk
    from aws_cdk import aws_lambda as lambda_

    made = lambda_.Function(
        stack,
        name,
        runtime=lambda_.Runtime.PYTHON_3_11,
        handler="index.handler",
        code=lambda_.Code.from_inline(source),
        **({"timeout": cdk.Duration.seconds(timeout_s)} if timeout_s is not None else {}),
    )
    cdk.CfnOutput(stack, f"{name}Name", value=made.function_name)
    return made


@contextmanager
def deployed_stack(assembly: Path, stack_name: str) -> Iterator[tuple[LocalCloud, dict[str, str]]]:
    """A new LocalCloud (bootstrapped as `cdk bootstrap` would) with `assembly`'s stack deployed as
    `stack_name`; yields the cloud and the stack's outputs, and deletes the stack and stops the cloud after."""
    from fogbank.deploy import delete_stack, deploy_stack, resolve_target

    with LocalCloud() as cloud:
        cloud.client("ssm").put_parameter(Name="/cdk-bootstrap/hnb659fds/version", Value="27", Type="String")
        target = resolve_target("local", endpoint=cloud.endpoint)
        outputs = deploy_stack(target, assembly, stack_name)
        try:
            yield cloud, outputs
        finally:
            delete_stack(target, stack_name)


def printed(
    cloud: LocalCloud, function: str, prefix: str, count: int = 1, timeout: float = 30.0
) -> list[str]:
    """What `function`'s handler printed after `prefix ` on each line, once `count` such lines are in its log
    group or `timeout` seconds have passed (a deadline, not a fixed sleep)."""
    logs = cloud.client("logs")
    deadline = time.monotonic() + timeout
    while True:
        try:
            found = logs.filter_log_events(
                logGroupName=f"/aws/lambda/{function}", filterPattern=f'"{prefix} "'
            )
            lines = [e["message"].split(f"{prefix} ", 1)[1] for e in found["events"]]
        except logs.exceptions.ResourceNotFoundException:
            lines = []
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)
