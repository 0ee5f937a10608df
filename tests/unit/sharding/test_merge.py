"""Merging shards' outputs, from files written by real pytest runs (two shards of a small suite)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fogbank.cli.main import app
from fogbank.errors import ConfigError
from fogbank.sharding import Durations
from fogbank.sharding.merge import merge_shards

pytest_plugins = ["pytester"]

FIXTURE = """
import time
import pytest

@pytest.fixture(scope="package")
def stack():
    time.sleep(0.1)
    yield {}
"""


def _run_shard(pytester: pytest.Pytester, features: dict[str, str], name: str) -> Path:
    """Run `features` (folder -> test source) like one CI shard; returns its results folder."""
    for feature, source in features.items():
        folder = pytester.path / "e2e" / feature
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "__init__.py").write_text("")
        (folder / "conftest.py").write_text(FIXTURE)
        (folder / f"test_{feature}.py").write_text(source)
    results = pytester.path / name
    pytester.runpytest_subprocess(
        "-p", "fogbank.cli.e2e_progress", "-p", "no:xdist",
        f"--junitxml={results / 'junit.xml'}",
        f"--fogbank-e2e-report={results / 'summary.json'}",
        f"--fogbank-durations={results / 'durations.json'}",
        *(f"e2e/{feature}" for feature in features),
    )  # fmt: skip
    return results


def test_two_shards_merge_into_one_junit_one_summary_and_the_durations(pytester: pytest.Pytester):
    # GIVEN two shards: alpha (2 tests, one failing) and beta (1 test); a committed durations file
    first = _run_shard(
        pytester, {"alpha": "def test_a(stack): pass\ndef test_b(stack): assert False\n"}, "s1"
    )
    second = _run_shard(pytester, {"beta": "def test_c(stack): pass\n"}, "s2")
    committed = pytester.path / ".fogbank" / "durations.json"

    # WHEN merged, with a third shard that left nothing
    out, missing = pytester.path / "out", pytester.path / "s3"
    merge_args = ["report", "merge", str(first), str(second), str(missing), "-o", str(out)]
    result = CliRunner().invoke(app, [*merge_args, "--durations", str(committed)])

    # THEN one JUnit file holds both shards' suites and the totals; the summary knows both features and where
    # they ran; the durations file has both; and the missing shard makes the command fail, by name
    assert result.exit_code == 1, result.output
    assert "failed: alpha" in result.output and "shards without results: s3" in result.output
    junit = ElementTree.parse(pytester.path / "out" / "junit.xml").getroot()
    assert (junit.get("tests"), junit.get("failures")) == ("3", "1")
    assert [suite.get("name") for suite in junit.iter("testsuite")] == ["pytest (s1)", "pytest (s2)"]
    summary = json.loads((pytester.path / "out" / "summary.json").read_text())
    assert {name: f["shard"] for name, f in summary["features"].items()} == {"alpha": "s1", "beta": "s2"}
    assert summary["missing_shards"] == ["s3"]
    assert "| beta | s2 | ok |" in (pytester.path / "out" / "summary.md").read_text()
    assert sorted(Durations.load(committed)) == ["alpha", "beta"]


def test_a_feature_in_two_shards_is_refused(pytester: pytest.Pytester):
    # GIVEN two shards that both ran alpha (plans from different commits)
    first = _run_shard(pytester, {"alpha": "def test_a(stack): pass\n"}, "s1")
    second = _run_shard(pytester, {"alpha": "def test_a(stack): pass\n"}, "s2")

    # WHEN / THEN
    with pytest.raises(ConfigError, match="feature alpha is in two shards"):
        merge_shards([first, second], pytester.path / "out")
