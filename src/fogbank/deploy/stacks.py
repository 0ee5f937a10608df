"""Create, update and delete a synthesized stack through the CloudFormation API, and wait for it.

The same code serves the local cloud and AWS. Waiting polls DescribeStacks on a deadline with a short,
growing interval (at most 2 s on AWS, 50 ms on the local cloud), so it returns as soon as the stack settles;
a rich spinner shows the latest event. On a failure the failing stack events are printed and raised in a
DeployError.

Example (skipped as a doctest: it needs a running local cloud):
    >>> from fogbank.deploy.stacks import deploy_stack, delete_stack
    >>> outputs = deploy_stack(target, Path("cdk.out/my-feature"), "fogbank-my-feature-1a2b3c")  # doctest: +SKIP
    >>> delete_stack(target, "fogbank-my-feature-1a2b3c")  # doctest: +SKIP
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError
from rich.console import Console
from tenacity import RetryError, Retrying, retry_if_result, stop_after_delay, wait_exponential

from fogbank.deploy.assets import publish_assets, read_file_assets
from fogbank.deploy.targets import Target
from fogbank.errors import DeployError
from fogbank.heap import collection_paused
from fogbank.report.phases import phase

__all__ = [
    "StackArtifact",
    "delete_stack",
    "deploy_stack",
    "failing_events",
    "read_stack_artifact",
    "stack_status",
]

MAX_TEMPLATE_BODY = 51_200
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
DEFAULT_TIMEOUT = 1800.0
# Longest pause between two DescribeStacks while waiting. A growing pause up to 2 s suits AWS (its operations take
# seconds and DescribeStacks is throttled); on loopback a call costs about a millisecond and a stack settles in
# well under a second, where a 0.64-1.28 s pause would double the wait.
_AWS_POLL_MAX, _LOCAL_POLL_MAX = 2.0, 0.05
_FAILED_END_STATES = {
    "CREATE_FAILED", "ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "DELETE_FAILED", "UPDATE_FAILED",
    "UPDATE_ROLLBACK_COMPLETE", "UPDATE_ROLLBACK_FAILED",
}  # fmt: skip
_console = Console(stderr=True)


@dataclass(frozen=True)
class StackArtifact:
    """The stack of a cloud assembly: its template file and asset manifest."""

    artifact_id: str
    template_file: Path
    assets_manifest: str | None


def read_stack_artifact(assembly_dir: Path) -> StackArtifact:
    """The one CloudFormation stack in `assembly_dir/manifest.json`."""
    manifest_path = assembly_dir / "manifest.json"
    if not manifest_path.is_file():
        raise DeployError(f"{assembly_dir} is not a cloud assembly (no manifest.json); synthesize it first")
    artifacts: dict[str, Any] = json.loads(manifest_path.read_text(encoding="utf-8")).get("artifacts", {})
    stacks = [name for name, item in artifacts.items() if item.get("type") == "aws:cloudformation:stack"]
    if len(stacks) != 1:
        raise DeployError(
            f"{manifest_path} holds {len(stacks)} stacks ({', '.join(stacks) or 'none'}); fogbank deploys "
            "exactly one stack per feature folder"
        )
    stack = artifacts[stacks[0]]
    asset_manifests = [
        artifacts[dep]["properties"]["file"]
        for dep in stack.get("dependencies", [])
        if artifacts.get(dep, {}).get("type") == "cdk:asset-manifest"
    ]
    return StackArtifact(
        artifact_id=stacks[0],
        template_file=assembly_dir / stack["properties"]["templateFile"],
        assets_manifest=asset_manifests[0] if asset_manifests else None,
    )


def stack_status(target: Target, stack: str) -> dict[str, Any] | None:
    """DescribeStacks for one stack (name or id); None when it does not exist."""
    try:
        found = target.client("cloudformation").describe_stacks(StackName=stack)["Stacks"]
    except ClientError as exc:
        if "does not exist" in str(exc):
            return None
        raise DeployError(f"cannot describe stack {stack} on {target.describe()}: {exc}") from exc
    return dict(found[0]) if found else None


def _template_argument(target: Target, assembly_dir: Path, artifact: StackArtifact) -> dict[str, str]:
    body = artifact.template_file.read_text(encoding="utf-8")
    if len(body.encode()) <= MAX_TEMPLATE_BODY:
        return {"TemplateBody": body}
    for asset in read_file_assets(assembly_dir, target, artifact.assets_manifest):
        if asset.source.resolve() == artifact.template_file.resolve():
            base = target.endpoint_url or f"https://s3.{target.region}.amazonaws.com"
            return {"TemplateURL": f"{base}/{asset.bucket}/{asset.key}"}
    raise DeployError(
        f"the template {artifact.template_file.name} is over {MAX_TEMPLATE_BODY} bytes and is not a file asset; "
        "use a synthesizer that publishes templates (the default, CliCredentialsStackSynthesizer, does)"
    )


def deploy_stack(
    target: Target,
    assembly_dir: Path,
    stack_name: str,
    *,
    tags: dict[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    zip_cache: Path | None = None,
) -> dict[str, str]:
    """Publish assets, create or update `stack_name`, wait, and return its outputs.

    The outputs are also written to `<assembly_dir>/stack_outputs.json`. `zip_cache` keeps zipped directory
    assets between runs (see `publish_assets`).
    """
    # The boto3 clients built here stay for the process's life, and in a process that imported CDK a full
    # collection walks a million objects (one run: 159 ms of a 0.56 s deploy). The collector waits until the
    # deploy ends, then what is alive is frozen (fogbank.heap), as the e2e plugin does after each deploy.
    with collection_paused():
        return _deploy_stack(target, assembly_dir, stack_name, tags, timeout, zip_cache)


def _deploy_stack(
    target: Target,
    assembly_dir: Path,
    stack_name: str,
    tags: dict[str, str] | None,
    timeout: float,
    zip_cache: Path | None,
) -> dict[str, str]:
    artifact = read_stack_artifact(assembly_dir)
    with phase("assets"):
        publish_assets(target, assembly_dir, artifact.assets_manifest, zip_cache=zip_cache)
    cloudformation = target.client("cloudformation")
    arguments: dict[str, Any] = {
        "StackName": stack_name,
        "Capabilities": CAPABILITIES,
        "Tags": [{"Key": key, "Value": value} for key, value in (tags or {}).items()],
        **_template_argument(target, assembly_dir, artifact),
    }
    started = datetime.now(UTC)
    existing = stack_status(target, stack_name)
    if existing is not None and existing["StackStatus"] in ("ROLLBACK_COMPLETE", "ROLLBACK_FAILED"):
        _console.print(
            f"Stack {stack_name} is in {existing['StackStatus']}; deleting it before creating again"
        )
        delete_stack(target, stack_name, timeout=timeout)
        existing = None
    try:
        if existing is None or existing["StackStatus"] == "REVIEW_IN_PROGRESS":
            stack_id = cloudformation.create_stack(**arguments)["StackId"]
            final = _wait(target, stack_id, stack_name, "CREATE_COMPLETE", started, timeout)
        else:
            try:
                cloudformation.update_stack(**arguments)
            except ClientError as exc:
                if "No updates are to be performed" not in str(exc):
                    raise
                # Nothing changed: the stack as it stands is the deployment, including one whose earlier
                # update rolled back to this very template.
                if existing["StackStatus"] in _USABLE_WITHOUT_UPDATE:
                    final = existing
                else:
                    final = _wait(
                        target, existing["StackId"], stack_name, "UPDATE_COMPLETE", started, timeout
                    )
            else:
                final = _wait(target, existing["StackId"], stack_name, "UPDATE_COMPLETE", started, timeout)
    except ClientError as exc:
        raise DeployError(f"CloudFormation refused stack {stack_name} on {target.describe()}: {exc}") from exc
    outputs = {item["OutputKey"]: item["OutputValue"] for item in final.get("Outputs", [])}
    (assembly_dir / "stack_outputs.json").write_text(json.dumps(outputs, indent=2) + "\n", encoding="utf-8")
    return outputs


def delete_stack(target: Target, stack_name: str, *, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Delete `stack_name` and wait until it is gone; a stack that does not exist is already deleted."""
    with collection_paused():  # as in deploy_stack
        _delete_stack(target, stack_name, timeout)


def _delete_stack(target: Target, stack_name: str, timeout: float) -> None:
    existing = stack_status(target, stack_name)
    if (
        existing is not None and existing["StackStatus"] in UPDATING
    ):  # CloudFormation refuses to delete it now
        existing = _settled(target, existing["StackId"], stack_name, "its update to end", timeout)
    if existing is None or existing["StackStatus"] == "DELETE_COMPLETE":
        return
    started = datetime.now(UTC)
    try:
        target.client("cloudformation").delete_stack(StackName=existing["StackId"])
    except ClientError as exc:
        raise DeployError(f"cannot delete stack {stack_name} on {target.describe()}: {exc}") from exc
    _wait(target, existing["StackId"], stack_name, "DELETE_COMPLETE", started, timeout)


def _settled(
    target: Target, stack_id: str, stack_name: str, awaited: str, timeout: float
) -> dict[str, Any] | None:
    """The stack once no operation runs on it (None: it is gone); DeployError after `timeout`."""

    def settled(stack: dict[str, Any] | None) -> bool:
        return stack is None or not stack["StackStatus"].endswith("_IN_PROGRESS")

    retrying = Retrying(
        stop=stop_after_delay(timeout),
        wait=wait_exponential(
            multiplier=0.02, min=0.02, max=_LOCAL_POLL_MAX if target.is_local else _AWS_POLL_MAX
        ),
        retry=retry_if_result(lambda stack: not settled(stack)),
    )
    stack: dict[str, Any] | None = None
    with _console.status(f"Waiting for {stack_name}: {awaited}") as spinner:
        try:
            for attempt in retrying:
                with attempt:
                    stack = stack_status(target, stack_id)
                    if stack is not None:
                        spinner.update(f"{stack_name}: {stack['StackStatus']}")
                outcome = attempt.retry_state.outcome
                if outcome is not None and not outcome.failed:
                    attempt.retry_state.set_result(stack)
        except RetryError as exc:
            raise DeployError(
                f"stack {stack_name} did not reach {awaited} within {timeout:.0f} s on {target.describe()}; "
                "look at its events (aws cloudformation describe-stack-events) and try again"
            ) from exc
    return stack


def _wait(
    target: Target, stack_id: str, stack_name: str, success: str, started: datetime, timeout: float
) -> dict[str, Any]:
    stack = _settled(target, stack_id, stack_name, success, timeout)
    if stack is None:
        if success == "DELETE_COMPLETE":
            return {"StackStatus": "DELETE_COMPLETE"}
        raise DeployError(
            f"stack {stack_name} disappeared while waiting for {success} on {target.describe()}"
        )
    if stack["StackStatus"] == success or (
        success == "UPDATE_COMPLETE" and stack["StackStatus"] in _SETTLED_OK
    ):
        return stack
    failures = failing_events(target, stack_id, started)
    for line in failures:
        _console.print(f"[red]{line}[/]")
    reason = stack.get("StackStatusReason") or "no reason given"
    raise DeployError(
        f"stack {stack_name} ended in {stack['StackStatus']} instead of {success} on {target.describe()} "
        f"({reason}). Failing events:\n  " + ("\n  ".join(failures) or "none recorded")
    )


_SETTLED_OK = {"CREATE_COMPLETE", "UPDATE_COMPLETE"}
UPDATING = (
    frozenset(  # statuses in which CloudFormation refuses DeleteStack ("cannot be deleted while in status")
        {
            "UPDATE_IN_PROGRESS",
            "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS",
            "UPDATE_ROLLBACK_IN_PROGRESS",
            "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
        }
    )
)
_USABLE_WITHOUT_UPDATE = {"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE"}


def failing_events(target: Target, stack_id: str, since: datetime) -> list[str]:
    """`LogicalId (Type) STATUS: reason` for every failed event of the current operation, oldest first."""
    lines: list[str] = []
    paginator = target.client("cloudformation").get_paginator("describe_stack_events")
    try:
        for page in paginator.paginate(StackName=stack_id):
            for event in page["StackEvents"]:
                timestamp = event["Timestamp"]
                if timestamp.tzinfo is None:
                    timestamp = timestamp.replace(tzinfo=UTC)
                if timestamp < since.replace(microsecond=0):
                    return list(reversed(lines))
                if event.get("ResourceStatus", "").endswith("_FAILED"):
                    lines.append(
                        f"{event['LogicalResourceId']} ({event.get('ResourceType', '?')}) "
                        f"{event['ResourceStatus']}: {event.get('ResourceStatusReason', 'no reason given')}"
                    )
    except ClientError as exc:
        lines.append(f"(could not read the stack events: {exc})")
    return list(reversed(lines))
