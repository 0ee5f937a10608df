"""`fogbank deploy`, `fogbank destroy` and `fogbank sweep`: feature stacks outside pytest.

Example:
    $ fogbank deploy tests/e2e/logger --target local          # starts a local cloud for the command
    $ fogbank deploy tests/e2e/logger --endpoint http://127.0.0.1:4566
    $ fogbank destroy tests/e2e/logger --target aws
    $ fogbank sweep --older-than 2h --target aws
"""

from __future__ import annotations

import json
import re
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from fogbank.deploy.targets import Target

__all__ = ["parse_duration", "register"]

_ALIVE = [
    "CREATE_COMPLETE", "CREATE_FAILED", "ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "UPDATE_COMPLETE",
    "UPDATE_ROLLBACK_COMPLETE", "UPDATE_ROLLBACK_FAILED", "DELETE_FAILED", "IMPORT_COMPLETE",
]  # fmt: skip
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

TARGET_OPTION = typer.Option(
    "local", "--target", envvar="FOGBANK_TARGET", help="local (a fogbank local cloud) or aws."
)
ENDPOINT_OPTION = typer.Option(
    None,
    "--endpoint",
    envvar="AWS_ENDPOINT_URL",
    help="A running local cloud, e.g. http://127.0.0.1:4566 (default: AWS_ENDPOINT_URL, as `fogbank cloud start` prints).",
)


def parse_duration(text: str) -> timedelta:
    """`90s`, `30m`, `2h`, `1d` -> timedelta."""
    match = re.fullmatch(r"\s*(\d+)\s*([smhd])\s*", text)
    if match is None:
        raise typer.BadParameter(f"{text!r} is not a duration; write e.g. 30m, 2h or 1d")
    return timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])


def _target(stack: ExitStack, name: str, endpoint: str | None, start_local: bool) -> Target:
    from fogbank.deploy.targets import local_target, resolve_target

    if name == "local" and endpoint is None and start_local:
        from fogbank.cloud import LocalCloud

        cloud = stack.enter_context(LocalCloud())
        typer.echo(f"started a local cloud for this command at {cloud.endpoint}", err=True)
        return local_target(cloud.endpoint, region=cloud.region, account_id=cloud.account_id)
    return resolve_target(name, endpoint=endpoint)


def _feature_stacks(target: Target, project: str, feature: str | None) -> list[dict[str, object]]:
    """This project's fogbank stacks on the target (optionally of one feature), from their tags."""
    cloudformation = target.client("cloudformation")
    found: list[dict[str, object]] = []
    for page in cloudformation.get_paginator("list_stacks").paginate(StackStatusFilter=_ALIVE):
        for summary in page["StackSummaries"]:
            if not summary["StackName"].startswith("fogbank-"):
                continue
            stacks = cloudformation.describe_stacks(StackName=summary["StackId"])["Stacks"]
            tags = {tag["Key"]: tag["Value"] for tag in stacks[0].get("Tags", [])} if stacks else {}
            if tags.get("fogbank:project") == project and feature in (None, tags.get("fogbank:feature")):
                found.append(stacks[0])
    return found


def register(app: typer.Typer) -> None:
    """Add `deploy`, `destroy` and `sweep` to the top-level app."""

    @app.command("deploy")
    def deploy(
        feature_dir: Path = typer.Argument(..., exists=True, file_okay=False, help="A feature folder."),
        target: str = TARGET_OPTION,
        endpoint: str | None = ENDPOINT_OPTION,
    ) -> None:
        """Synthesize and deploy a feature folder's stack; print its outputs as JSON."""
        from fogbank.errors import ConfigError
        from fogbank.infrastructure import find_infrastructure_class

        try:  # before a local cloud is started for the command
            stack_class = find_infrastructure_class(feature_dir / "infrastructure.py")
        except ConfigError as error:
            raise typer.BadParameter(str(error), param_hint="FEATURE_DIR") from None
        with ExitStack() as stack:
            chosen = _target(stack, target, endpoint, start_local=True)
            infra = stack_class(target=chosen)
            outputs = infra.deploy()
            typer.echo(json.dumps(dict(outputs), indent=2, sort_keys=True))
            typer.echo(f"deployed {infra.stack_name} to {chosen.describe()}", err=True)

    @app.command("destroy")
    def destroy(
        what: str = typer.Argument(..., help="A feature folder (all its stacks) or a stack name."),
        target: str = TARGET_OPTION,
        endpoint: str | None = ENDPOINT_OPTION,
    ) -> None:
        """Delete a stack, or every stack of a feature folder, and wait until they are gone."""
        from fogbank.config import load_config
        from fogbank.deploy.stacks import delete_stack

        with ExitStack() as stack:
            chosen = _target(stack, target, endpoint, start_local=False)
            names = [what]
            if Path(what).is_dir():
                folder = Path(what).resolve()
                feature = folder.name.replace("_", "-")
                found = _feature_stacks(chosen, load_config(folder).root.name, feature)
                names = [str(item["StackName"]) for item in found]
                if not names:
                    typer.echo(f"no stacks of feature {feature} on {chosen.describe()}", err=True)
            for name in names:
                delete_stack(chosen, name)
                typer.echo(f"deleted {name}", err=True)

    @app.command("sweep")
    def sweep(
        older_than: str = typer.Option("2h", "--older-than", help="Age, e.g. 30m, 2h, 1d."),
        run_id: str | None = typer.Option(
            None, "--run-id", help="Only the stacks of this run (tag fogbank:run-id), whatever their age."
        ),
        target: str = TARGET_OPTION,
        endpoint: str | None = ENDPOINT_OPTION,
        dry_run: bool = typer.Option(False, "--dry-run", help="List what would be deleted."),
    ) -> None:
        """Delete this project's leftover fogbank test stacks older than --older-than (or of one --run-id).

        Stacks carry the tags fogbank:project, fogbank:feature and fogbank:run-id; the stacks of a run in
        progress are younger than a sensible --older-than and are left alone. Deletes run 8 at a time.
        """
        from concurrent.futures import ThreadPoolExecutor

        from fogbank.config import load_config
        from fogbank.deploy.stacks import delete_stack

        now = datetime.now(UTC)
        cutoff = now - parse_duration(older_than)
        with ExitStack() as stack:
            chosen = _target(stack, target, endpoint, start_local=False)
            project = load_config().root.name
            doomed: list[tuple[str, str]] = []
            for item in _feature_stacks(chosen, project, None):
                created = item["CreationTime"]
                assert isinstance(created, datetime)
                created = created if created.tzinfo else created.replace(tzinfo=UTC)
                tags = {tag["Key"]: tag["Value"] for tag in item.get("Tags", [])}  # type: ignore[attr-defined]
                run = tags.get("fogbank:run-id", "?")
                if (run_id is None and created > cutoff) or (run_id is not None and run != run_id):
                    continue
                age = int((now - created).total_seconds() // 60)
                doomed.append(
                    (str(item["StackName"]), f"run {run}, created {created:%Y-%m-%d %H:%M}, {age} min ago")
                )
            for name, about in doomed:
                if dry_run:
                    typer.echo(f"would delete {name} ({about})")
            if dry_run or not doomed:
                typer.echo(f"{len(doomed)} stacks of {project} to sweep on {chosen.describe()}", err=True)
                return
            with ThreadPoolExecutor(max_workers=8) as pool:
                results = {name: pool.submit(delete_stack, chosen, name) for name, _ in doomed}
            failed = 0
            for name, about in doomed:
                error = results[name].exception()
                if error is None:
                    typer.echo(f"deleted {name} ({about})")
                else:
                    failed += 1
                    typer.echo(f"could not delete {name} ({about}): {error}", err=True)
            if failed:
                raise typer.Exit(1)
