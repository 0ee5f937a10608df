"""Pipelined deploys in real e2e sessions: the next feature's stack is deployed while the current tests run,
and `--fogbank-max-stacks` bounds how many stacks exist at once.

Three small features (an SQS queue each) run in one pytest session (no xdist, so the order is a, b, c), on
the local target and on the aws target (whose endpoint is a LocalCloud of this process, standing in for AWS).
Each feature's test watches CloudFormation while it runs and writes what it saw. The feature folders have no
`__init__.py`, so pytest's package scope cannot end a feature's stack: the pipeline must.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from fogbank.cloud import LocalCloud

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("framework-test_pipeline")]

FEATURES = ("alpha", "bravo", "charlie")
QUEUE_STACK = """
from aws_cdk import aws_sqs

from fogbank.infrastructure import BaseInfrastructure


class QueueStack(BaseInfrastructure):
    def create_resources(self) -> None:
        queue = aws_sqs.Queue(self.stack, "Queue")
        self.add_cfn_output(name="QueueName", value=queue.queue_name)
"""
OBSERVING_TEST = """
import json
import os
import time

import boto3

FEATURE = "{feature}"
NEXT = {next!r}


def test_observe(infrastructure):
    assert infrastructure["QueueName"]
    cloudformation = boto3.client("cloudformation")
    complete, peak = set(), 0
    deadline = time.monotonic() + float(os.environ["OBSERVE_SECONDS"])
    while time.monotonic() < deadline:
        alive = [s for s in cloudformation.list_stacks()["StackSummaries"] if s["StackStatus"] != "DELETE_COMPLETE"]
        peak = max(peak, len(alive))
        complete |= {{s["StackName"].split("-")[1] for s in alive if s["StackStatus"] == "CREATE_COMPLETE"}}
        if os.environ.get("UNTIL_NEXT_IS_UP") and NEXT in complete:
            break
        time.sleep(0.2)
    with open(os.environ["OBSERVATIONS"], "a") as record:
        record.write(json.dumps({{"feature": FEATURE, "others_up": sorted(complete - {{FEATURE}}), "peak": peak}}) + "\\n")
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pipeline-project")
    (root / "pyproject.toml").write_text(
        textwrap.dedent(
            f"""
            [tool.fogbank]
            layer_requirements = ["six==1.17.0"]
            cdk_out = "{root / "cdk.out"}"
            """
        )
    )
    for index, feature in enumerate(FEATURES):
        folder = root / "tests" / "e2e" / feature
        folder.mkdir(parents=True)
        (folder / "infrastructure.py").write_text(QUEUE_STACK)
        following = FEATURES[index + 1] if index + 1 < len(FEATURES) else None
        (folder / f"test_{feature}.py").write_text(OBSERVING_TEST.format(feature=feature, next=following))
    return root


def _session(project: Path, args: list[str], env: dict[str, str]) -> tuple[list[dict], str]:
    observations = project / f"observations-{len(list(project.glob('observations-*')))}.jsonl"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTEST_", "FOGBANK_"))}
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "-q",
            *args,
            "tests/e2e",
        ],
        cwd=project,
        env={
            **clean,
            **env,
            "OBSERVATIONS": str(observations),
            "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        },
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    return [json.loads(line) for line in observations.read_text().splitlines()], output


@pytest.fixture(scope="module")
def stand_in_for_aws() -> Iterator[LocalCloud]:
    """A LocalCloud in this process as the aws target's endpoint (with CDK's asset bucket)."""
    with LocalCloud() as cloud:
        cloud.client("s3").create_bucket(
            Bucket=f"cdk-hnb659fds-assets-{cloud.context.account_id}-{cloud.region}"
        )
        yield cloud


@pytest.mark.parametrize("target", ["local", "aws"])
def test_the_next_feature_is_deployed_while_the_current_tests_run(
    project: Path, target: str, request: pytest.FixtureRequest
):
    # GIVEN the default pipeline (2 stacks per worker); each test waits until the next feature's stack is up
    env = {"OBSERVE_SECONDS": "90", "UNTIL_NEXT_IS_UP": "1"}
    if target == "aws":
        env |= request.getfixturevalue("stand_in_for_aws").env()

    # WHEN the session runs
    seen, output = _session(project, ["--fogbank-target", target], env)

    # THEN while alpha's test ran, bravo's stack came up, and while bravo's ran, charlie's; never over 2
    by_feature = {entry["feature"]: entry for entry in seen}
    assert "bravo" in by_feature["alpha"]["others_up"], output
    assert "charlie" in by_feature["bravo"]["others_up"], output
    assert max(entry["peak"] for entry in seen) <= 2, seen


def test_max_stacks_bounds_the_stacks_alive_at_once(project: Path):
    # GIVEN --fogbank-max-stacks 1: a stack holds its slot from deploy to the end of its delete
    # WHEN the session runs, each test watching for 3 s
    seen, output = _session(project, ["--fogbank-max-stacks", "1"], {"OBSERVE_SECONDS": "3"})

    # THEN every feature ran, and no test ever saw a second stack
    assert sorted(entry["feature"] for entry in seen) == list(FEATURES), output
    assert [entry["others_up"] for entry in seen] == [[], [], []], seen
    assert max(entry["peak"] for entry in seen) == 1, seen
