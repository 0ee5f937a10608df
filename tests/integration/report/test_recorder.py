"""The report's pytest side, in real pytest sessions (pytester): when a report is written, and what it holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from fogbank.report.model import RunReport

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.slow

TESTS = """
def test_passes():
    assert True

def test_fails():
    assert 1 + 1 == 3, "arithmetic is broken"
"""


def test_an_explicit_path_gets_a_report_with_outcomes_and_assertions(pytester: pytest.Pytester):
    # GIVEN a folder with a passing and a failing test, and an explicit report path
    pytester.makepyfile(test_demo=TESTS)
    target = pytester.path / "out" / "report.html"
    # WHEN pytest runs
    result = pytester.runpytest_subprocess(
        "-p", "no:xdist", "-p", "no:cacheprovider", f"--fogbank-report={target}"
    )
    # THEN the summary names the report, and its JSON holds both tests with the failing assertion
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([f"fogbank report: {target}*"])
    report = RunReport.load(target.with_suffix(".json"))
    tests = {test.name: test for test in report.tests}
    assert tests["test_passes"].outcome == "passed"
    assert tests["test_fails"].outcome == "failed" and "arithmetic is broken" in (
        tests["test_fails"].longrepr or ""
    )
    assert "arithmetic is broken" in target.read_text(encoding="utf-8")


def test_no_report_without_a_deployed_feature_or_with_none(pytester: pytest.Pytester):
    # GIVEN plain tests (no feature folder)
    pytester.makepyfile(test_demo=TESTS)
    # WHEN pytest runs by default, and with --fogbank-report=none
    default = pytester.runpytest_subprocess("-p", "no:xdist", "-p", "no:cacheprovider")
    off = pytester.runpytest_subprocess("-p", "no:xdist", "-p", "no:cacheprovider", "--fogbank-report=none")
    # THEN neither writes a report
    for result in (default, off):
        result.assert_outcomes(passed=1, failed=1)
        assert "fogbank report:" not in result.stdout.str()
    assert not (Path(pytester.path) / "cdk.out" / "fogbank-report.html").exists()
