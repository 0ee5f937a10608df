"""`fogbank sweep` deletes this project's leftover test stacks by age, and nothing else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fogbank.cli.main import app
from fogbank.cloud import LocalCloud

QUEUE = {"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}}


def _create(cloud: LocalCloud, name: str, tags: dict[str, str]) -> None:
    cfn = cloud.client("cloudformation")
    cfn.create_stack(
        StackName=name,
        TemplateBody=json.dumps(QUEUE),
        Tags=[{"Key": key, "Value": value} for key, value in tags.items()],
    )
    cfn.get_waiter("stack_create_complete").wait(
        StackName=name, WaiterConfig={"Delay": 0.1, "MaxAttempts": 100}
    )


def _alive(cloud: LocalCloud) -> set[str]:
    summaries = cloud.client("cloudformation").list_stacks()["StackSummaries"]
    return {s["StackName"] for s in summaries if s["StackStatus"] != "DELETE_COMPLETE"}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    root = tmp_path / "shop"
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "shop"\nversion = "0"\n')
    monkeypatch.chdir(root)
    return root.name


def test_sweep_deletes_old_project_stacks_only(project: str) -> None:
    with LocalCloud() as cloud:
        # GIVEN a stack of this project, one of another project, and one that fogbank did not make
        _create(cloud, "fogbank-logger-run1", {"fogbank:project": project, "fogbank:feature": "logger"})
        _create(cloud, "fogbank-logger-run2", {"fogbank:project": "other", "fogbank:feature": "logger"})
        _create(cloud, "production-api", {})
        runner = CliRunner()

        # WHEN sweeping with an age the stacks have not reached
        young = runner.invoke(app, ["sweep", "--older-than", "1h", "--endpoint", cloud.endpoint])
        # THEN nothing is deleted
        assert young.exit_code == 0, young.output
        assert _alive(cloud) == {"fogbank-logger-run1", "fogbank-logger-run2", "production-api"}

        # WHEN a dry run and then a real sweep with an age they have all reached
        dry = runner.invoke(app, ["sweep", "--older-than", "0s", "--endpoint", cloud.endpoint, "--dry-run"])
        swept = runner.invoke(app, ["sweep", "--older-than", "0s", "--endpoint", cloud.endpoint])

        # THEN the dry run names only this project's stack, and the sweep deletes exactly that one
        assert dry.exit_code == 0 and "would delete fogbank-logger-run1" in dry.output
        assert "run2" not in dry.output and "production-api" not in dry.output
        assert swept.exit_code == 0, swept.output
        assert _alive(cloud) == {"fogbank-logger-run2", "production-api"}


def test_sweep_of_one_run_deletes_its_stacks_whatever_their_age(project: str) -> None:
    with LocalCloud() as cloud:
        # GIVEN two stacks of a crashed run and one of a run in progress, all just created
        crashed = {"fogbank:project": project, "fogbank:run-id": "crashed1"}
        _create(cloud, "fogbank-logger-crashed1", {**crashed, "fogbank:feature": "logger"})
        _create(cloud, "fogbank-tracer-crashed1", {**crashed, "fogbank:feature": "tracer"})
        _create(cloud, "fogbank-logger-live2", {"fogbank:project": project, "fogbank:run-id": "live2"})

        # WHEN sweeping the crashed run by its id
        swept = CliRunner().invoke(app, ["sweep", "--run-id", "crashed1", "--endpoint", cloud.endpoint])

        # THEN exactly its stacks are deleted, each named with its run and age
        assert swept.exit_code == 0, swept.output
        assert "deleted fogbank-tracer-crashed1 (run crashed1, created" in swept.output
        assert _alive(cloud) == {"fogbank-logger-live2"}
