"""The pytest plugin, in real pytest sessions (pytester, in subprocesses) on a sample project."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from fogbank.cloud import LocalCloud

pytest_plugins = ["pytester"]
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("framework-test_plugin")]

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "features"

RECORDING_CONFTEST = '''
import os
from pathlib import Path

import fogbank.pytest_plugin.plugin as plugin

_real_build = plugin.build_shared_layer


def build_shared_layer():
    """Records every run of the layer task, then builds for real."""
    with open(os.environ["LAYER_TASK_RECORD"], "a", encoding="utf-8") as record:
        record.write(f"{os.environ.get('PYTEST_XDIST_WORKER', 'master')}\\n")
    return _real_build()


plugin.build_shared_layer = build_shared_layer
'''

LAYER_TEST = """
from pathlib import Path


def test_layer_{index}(fogbank_layer):
    assert (Path(fogbank_layer) / "python" / "six.py").is_file()
"""


def _project(pytester: pytest.Pytester) -> Path:
    root = pytester.path
    for item in FIXTURES.iterdir():
        if item.is_dir():
            shutil.copytree(item, root / item.name, ignore=shutil.ignore_patterns("cdk.out", "__pycache__"))
        else:
            shutil.copy(item, root / item.name)
    return root


def test_layer_task_runs_once_across_two_xdist_workers(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
):
    # GIVEN a project whose tests all need the layer, and a record of every run of the layer task
    root = _project(pytester)
    record = root / "layer-task-runs.txt"
    monkeypatch.setenv("LAYER_TASK_RECORD", str(record))
    pytester.makeconftest(RECORDING_CONFTEST)
    for index in range(6):
        pytester.makepyfile(**{f"test_layer_{index}": LAYER_TEST.format(index=index)})
    # WHEN the session runs on two xdist workers
    result = pytester.runpytest_subprocess("-n", "2", "-p", "xdist", "-p", "no:cacheprovider", "-v")
    # THEN every test passed, on both workers, and the layer task ran exactly once
    result.assert_outcomes(passed=6)
    result.stdout.re_match_lines([r"\[gw0\] .*PASSED"])
    result.stdout.re_match_lines([r"\[gw1\] .*PASSED"])
    runs = record.read_text(encoding="utf-8").split()
    assert len(runs) == 1 and runs[0] in ("gw0", "gw1")
    assert (root / "cdk.out" / "layer_build" / "python" / "six.py").is_file()


FEATURE_TEST = """
import boto3
import pytest


def test_outputs_reach_the_deployed_queue(infrastructure):
    url = boto3.client("sqs").get_queue_url(QueueName=infrastructure["OrdersQueueName"])["QueueUrl"]
    assert url
    with open("seen-stacks.txt", "a") as record:
        record.write(infrastructure.stack_name + "\\n")


def test_missing_output_is_a_clear_key_error(infrastructure):
    with pytest.raises(KeyError, match="has no output 'Nope'; it has: OrdersQueueName, OrdersQueueNameArn"):
        infrastructure["Nope"]
    with open("seen-stacks.txt", "a") as record:
        record.write(infrastructure.stack_name + "\\n")
"""

SEED_CONFTEST = """
import pytest

from handwritten.infrastructure import HandwrittenStack


@pytest.fixture(autouse=True, scope="module")
def infrastructure():
    stack = HandwrittenStack()
    try:
        yield stack.deploy()
    finally:
        stack.delete()
"""


@pytest.fixture
def shared_cloud():
    with LocalCloud() as cloud:
        yield cloud


def _alive_stacks(cloud: LocalCloud) -> list[str]:
    summaries = cloud.client("cloudformation").list_stacks()["StackSummaries"]
    return [s["StackName"] for s in summaries if s["StackStatus"] != "DELETE_COMPLETE"]


def test_infrastructure_fixture_deploys_once_per_feature_and_always_deletes(
    pytester: pytest.Pytester, shared_cloud: LocalCloud
):
    # GIVEN a feature folder with infrastructure.py and two test files, and a seed-style feature whose
    # conftest deploys its stack by hand; a running local cloud the session uses
    root = _project(pytester)
    (root / "queue_only" / "test_queue.py").write_text(FEATURE_TEST, encoding="utf-8")
    (root / "queue_only" / "test_queue_again.py").write_text(FEATURE_TEST, encoding="utf-8")
    handwritten = root / "handwritten"
    handwritten.mkdir()
    (handwritten / "__init__.py").write_text("", encoding="utf-8")
    source = (root / "queue_only" / "infrastructure.py").read_text(encoding="utf-8")
    (handwritten / "infrastructure.py").write_text(
        source.replace("QueueOnlyStack", "HandwrittenStack"), "utf-8"
    )
    (handwritten / "conftest.py").write_text(SEED_CONFTEST, encoding="utf-8")
    (handwritten / "test_handwritten.py").write_text(
        FEATURE_TEST.replace("infrastructure.stack_name", "'hand'"), "utf-8"
    )
    # WHEN the session runs against the cloud
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--rootdir", str(root), f"--fogbank-endpoint={shared_cloud.endpoint}",
        "queue_only", "handwritten",
    )  # fmt: skip
    # THEN all tests passed; the queue_only tests shared one deployment
    result.assert_outcomes(passed=6)
    seen = (root / "seen-stacks.txt").read_text(encoding="utf-8").split()
    feature_stacks = {name for name in seen if name != "hand"}
    assert len(feature_stacks) == 1 and next(iter(feature_stacks)).startswith("fogbank-queue-only-")
    # AND every stack was deleted at the end, including the hand-written conftest's
    assert _alive_stacks(shared_cloud) == []
    deleted = shared_cloud.client("cloudformation").list_stacks(StackStatusFilter=["DELETE_COMPLETE"])
    names = {s["StackName"] for s in deleted["StackSummaries"]}
    assert feature_stacks <= names and any(name.startswith("fogbank-handwritten-") for name in names)

    # WHEN the same session runs again with --fogbank-keep-stacks
    kept = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--rootdir", str(root), f"--fogbank-endpoint={shared_cloud.endpoint}",
        "--fogbank-keep-stacks", "queue_only",
    )  # fmt: skip
    # THEN the stack is still there, and the output says how to delete it
    kept.assert_outcomes(passed=4, warnings=1)
    (alive,) = _alive_stacks(shared_cloud)
    assert f"fogbank destroy {alive} --target local --endpoint {shared_cloud.endpoint}" in kept.stdout.str()
    outputs = json.loads((root / "cdk.out" / "queue-only" / "stack_outputs.json").read_text(encoding="utf-8"))
    assert set(outputs) == {"OrdersQueueName", "OrdersQueueNameArn"}
