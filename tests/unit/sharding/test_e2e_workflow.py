"""The shipped sharded e2e workflow (docs/workflows/e2e.yml) and the scheduled sweep (e2e-sweep.yml):
their structure, and that every fogbank command they run exists with the options they use."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

WORKFLOWS = Path(__file__).resolve().parents[3] / "docs" / "workflows"
SHARD_JOBS = ("local", "aws")


def load(name: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    document["on"] = document.pop(True, document.get("on"))  # YAML 1.1 reads the key `on` as true
    return document


def run_text(job: dict[str, Any]) -> str:
    return "\n".join(step["run"] for step in job["steps"] if "run" in step)


@pytest.fixture(scope="module")
def e2e() -> dict[str, Any]:
    return load("e2e.yml")


def test_both_shard_jobs_run_the_same_n_shards_and_the_report_merges_n(e2e):
    # GIVEN the matrix of each shard job and the report job's SHARDS
    shards = [e2e["jobs"][job]["strategy"]["matrix"]["shard"] for job in SHARD_JOBS]
    declared = int(e2e["jobs"]["report"]["env"]["SHARDS"])

    # THEN they agree, count 1..N, and a failing shard does not cancel the others
    assert shards[0] == shards[1] == list(range(1, declared + 1))
    for job in SHARD_JOBS:
        assert e2e["jobs"][job]["strategy"]["fail-fast"] is False


@pytest.mark.parametrize("job", SHARD_JOBS)
def test_each_shard_runs_its_share_and_uploads_its_results_even_on_failure(e2e, job):
    # GIVEN a shard job
    steps = e2e["jobs"][job]["steps"]
    command = run_text(e2e["jobs"][job])

    # THEN it runs shard <matrix.shard>/<number of matrix jobs>, writing all three results into one folder,
    assert "--shard ${{ matrix.shard }}/${{ strategy.job-total }}" in command
    for option in (
        "--fogbank-report=e2e-results/",
        "--junit-xml=e2e-results/",
        "--fogbank-e2e-report=e2e-results/",
        "--fogbank-durations=e2e-results/",
    ):
        assert option in command
    # and uploads that folder under a name the report job asks for, also when tests failed
    uploads = [step for step in steps if str(step.get("uses", "")).startswith("actions/upload-artifact")]
    assert len(uploads) == 1 and uploads[0]["if"] == "always()"
    assert uploads[0]["with"]["path"] == "e2e-results/"
    assert uploads[0]["with"]["name"] == f"e2e-{job}-${{{{ matrix.shard }}}}"
    assert ("--fogbank-target aws" in command) == (job == "aws")


def test_pull_requests_run_locally_and_only_main_gets_aws_credentials(e2e):
    # GIVEN the two shard jobs
    local, aws = e2e["jobs"]["local"], e2e["jobs"]["aws"]

    # THEN the local job never holds an OIDC token or assumes a role; the AWS job runs only for main
    assert "pull_request" in e2e["on"] and local["if"] == "github.event_name != 'push'"
    assert "id-token" not in local.get("permissions", {}) and e2e["permissions"] == {"contents": "read"}
    assert not any("configure-aws-credentials" in str(step.get("uses", "")) for step in local["steps"])
    assert aws["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert aws["permissions"]["id-token"] == "write"


def test_the_report_job_waits_for_every_shard_and_merges_the_uploaded_names(e2e):
    # GIVEN the report job
    report = e2e["jobs"]["report"]
    command = run_text(report)

    # THEN it runs after both shard jobs whatever their result, downloads the shards' artifacts, and merges
    # exactly the folders the shard jobs upload (so a missing shard is named, not silently skipped)
    assert report["needs"] == list(SHARD_JOBS)
    assert report["if"].startswith("always()")
    download = next(step for step in report["steps"] if "download-artifact" in str(step.get("uses", "")))
    assert download["with"] == {"pattern": "e2e-*", "path": "results/"}
    assert 'echo "results/e2e-$TARGET-$i"' in command
    assert '--durations "$durations"' in command and "GITHUB_STEP_SUMMARY" in command
    assert "durations=.fogbank/durations-aws.json" in command  # each target's own durations file


def test_the_sweep_runs_on_a_schedule_against_aws():
    # GIVEN the sweep workflow
    sweep = load("e2e-sweep.yml")

    # THEN it has a cron schedule and sweeps AWS by age
    assert re.fullmatch(r"[\d*/, ]+", sweep["on"]["schedule"][0]["cron"])
    assert "fogbank sweep --target aws --older-than" in run_text(sweep["jobs"]["sweep"])


@pytest.mark.parametrize("name", ["e2e.yml", "e2e-sweep.yml"])
def test_every_fogbank_command_exists_with_its_options(name):
    # GIVEN every `fogbank ...` command line of the workflow (GitHub expressions and shell variables aside)
    text = "\n".join(run_text(job) for job in load(name)["jobs"].values())
    text = re.sub(r"\$\{\{[^}]*\}\}", "X", text.replace("\n--", " --"))
    commands = [shlex.split(match) for match in re.findall(r"fogbank (?:e2e|report|sweep)[^\n|&;]*", text)]
    assert commands, f"{name} runs no fogbank command"

    # WHEN each command's help is asked for (a subprocess: `fogbank e2e --help` prints pytest's options too)
    # THEN it exists and knows the options used
    for command in commands:
        words = [word for word in command[1:3] if word in ("e2e", "report", "merge", "sweep")]
        result = subprocess.run(
            [sys.executable, "-m", "fogbank.cli", *words, "--help"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, f"{name}: {' '.join(command)}: {result.stdout}{result.stderr}"
        for option in (word.split("=", 1)[0] for word in command if word.startswith("--")):
            assert option in result.stdout, f"{name}: {option} unknown to `fogbank {' '.join(words)}`"
