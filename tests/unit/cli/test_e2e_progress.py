"""`fogbank e2e`'s per-feature progress reporter, on real pytest sessions."""

from __future__ import annotations

import json
import textwrap

import pytest

from fogbank.cli.e2e_progress import feature_of

pytest_plugins = ["pytester"]

# Two features with a package-scoped fixture that stands in for the stack: its setup and teardown take
# measurable time, as deploy and delete do. (No cloud: this tests the reporter, not the framework.)
FEATURE_CONFTEST = """
import time
import pytest

@pytest.fixture(scope="package")
def stack():
    time.sleep(0.2)
    yield {"deployed": True}
    time.sleep(0.1)
"""


def _make_features(pytester: pytest.Pytester, broken_deploy: bool = False) -> None:
    for feature, body in (
        (
            "alpha",
            "def test_one(stack):\n    assert stack['deployed']\n\ndef test_two(stack):\n    assert False\n",
        ),
        ("beta", "def test_three(stack):\n    assert stack['deployed']\n"),
    ):
        folder = pytester.path / "e2e" / feature
        folder.mkdir(parents=True)
        conftest = FEATURE_CONFTEST
        if broken_deploy and feature == "beta":
            conftest = conftest.replace(
                'yield {"deployed": True}', 'raise RuntimeError("deploy failed")\n    yield'
            )
        (folder / "conftest.py").write_text(textwrap.dedent(conftest))
        (folder / f"test_{feature}.py").write_text(body)


def test_feature_is_the_test_files_folder():
    # GIVEN / WHEN / THEN
    assert feature_of("tests/e2e/event_handler/test_cors.py::test_x[alb-https://a]") == "event_handler"
    assert feature_of("test_top.py::test_y") == "."


@pytest.mark.parametrize("xdist_args", [["-p", "no:xdist"], ["-n", "2", "--dist", "loadgroup"]])
def test_progress_and_summary_per_feature(pytester: pytest.Pytester, xdist_args: list[str]):
    # GIVEN two features, one with a failing test
    _make_features(pytester)
    report = pytester.path / "report.json"

    # WHEN the suite runs with the progress plugin (without xdist, and with two workers)
    result = pytester.runpytest_subprocess(
        "-p", "fogbank.cli.e2e_progress", *xdist_args, f"--fogbank-e2e-report={report}", "e2e"
    )

    # THEN each feature's deploy and end are shown, and the summary lists both features
    assert result.ret == 1
    result.stdout.re_match_lines(
        [r".*alpha\s+deploying.*", r".*alpha\s+deployed in 0\.\d s; running 2 tests.*"], consecutive=False
    )
    result.stdout.re_match_lines([r".*beta\s+ok: 1 passed; tests .* teardown \(stack delete\) 0\.\d s.*"])
    result.stdout.re_match_lines([r".*alpha\s+FAILED: 1 passed, 1 failed.*"])
    result.stdout.re_match_lines([r".*fogbank e2e summary.*", r"2 features, wall time .*; failed: alpha"])
    figures = json.loads(report.read_text())["features"]
    assert figures["alpha"]["passed"] == 1 and figures["alpha"]["failed"] == 1
    assert figures["beta"]["ok"] is True
    assert figures["beta"]["deploy_seconds"] >= 0.2
    assert figures["beta"]["teardown_seconds"] >= 0.1


def test_failing_deploy_is_reported_as_such(pytester: pytest.Pytester):
    # GIVEN a feature whose stack fixture fails in setup
    _make_features(pytester, broken_deploy=True)

    # WHEN
    result = pytester.runpytest_subprocess("-p", "fogbank.cli.e2e_progress", "-p", "no:xdist", "e2e")

    # THEN the progress line says the setup (deploy) failed, and the summary marks the feature
    result.stdout.re_match_lines([r".*beta\s+setup FAILED after .*"])
    result.stdout.re_match_lines([r"beta\s+FAILED\s+0 passed, 1 errors.*"])


def test_a_run_records_durations_and_a_partial_run_does_not(pytester: pytest.Pytester):
    # GIVEN two features (alpha has a failing test, but its deploy works) and no durations file yet
    _make_features(pytester)
    durations = pytester.path / ".fogbank" / "durations.json"

    # WHEN the suite runs with the progress plugin
    pytester.runpytest_subprocess("-p", "fogbank.cli.e2e_progress", "-p", "no:xdist", "e2e")

    # THEN both features' deploy (fixture setup), tests and teardown are recorded, with their test counts
    recorded = json.loads(durations.read_text())["features"]
    assert sorted(recorded) == ["alpha", "beta"]
    assert recorded["alpha"]["test_count"] == 2 and recorded["beta"]["test_count"] == 1
    assert recorded["beta"]["deploy"] >= 0.2 and recorded["beta"]["teardown"] >= 0.1

    # WHEN a run of some tests only (-k) runs, with the file removed
    durations.unlink()
    pytester.runpytest_subprocess("-p", "fogbank.cli.e2e_progress", "-p", "no:xdist", "-k", "three", "e2e")

    # THEN it records nothing: a partial run says nothing about a feature's whole time
    assert not durations.exists()
