"""The shipped GitHub Actions workflows: fork-safe, and every `fogbank repo|layer` command they run exists."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from fogbank.cli.main import app

WORKFLOWS = sorted((Path(__file__).resolve().parents[3] / "docs" / "workflows").glob("fogbank-*.yml"))


def load(path: Path) -> dict:
    document = yaml.safe_load(path.read_text())
    document["on"] = document.pop(True, document.get("on"))  # YAML 1.1 reads the key `on` as true
    return document


def run_lines(document: dict) -> list[str]:
    return [step["run"] for job in document["jobs"].values() for step in job["steps"] if "run" in step]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_pull_request_target_never_runs_pr_code(path):
    # GIVEN a shipped workflow
    document = load(path)
    if "pull_request_target" not in document["on"]:
        pytest.skip("not a pull_request_target workflow")  # the other workflows never hold PR-writable tokens

    # WHEN its steps are inspected
    steps = [step for job in document["jobs"].values() for step in job["steps"]]

    # THEN no step checks out the PR head, and no PR-controlled text is interpolated into a shell
    for step in steps:
        assert "head" not in str(step.get("with", {}).get("ref", ""))
        assert "github.event.pull_request" not in step.get("run", "")


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_fogbank_command_in_a_workflow_exists(path):
    # GIVEN the `fogbank repo ...` and `fogbank layer ...` command lines of a workflow
    commands = [
        shlex.split(match)
        for text in run_lines(load(path))
        for match in re.findall(r"fogbank (?:repo|layer) [^\n>|]*", text)
    ]
    assert commands, f"{path.name} runs no fogbank command"

    # WHEN each subcommand's help is asked for / THEN it exists and accepts the options used
    for command in commands:
        words = [word for word in command[1:] if not word.startswith(("-", "$"))]
        result = CliRunner().invoke(app, [*words, "--help"])
        assert result.exit_code == 0, f"{path.name}: {' '.join(command)}: {result.output}"
        for option in (word for word in command if word.startswith("--")):
            assert option in result.output, f"{path.name}: {option} unknown to {' '.join(words)}"
