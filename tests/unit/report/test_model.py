"""The report's data model: JSON round trip and what is derived from it."""

from __future__ import annotations

from datetime import UTC, datetime

from fogbank.report.model import FeatureReport, Invocation, RunReport, TestReport, trim

T0 = datetime(2026, 11, 29, 18, 0, tzinfo=UTC)


def _report() -> RunReport:
    failing = TestReport(
        nodeid="tests/e2e/demo/test_demo.py::test_fails",
        outcome="failed",
        started_at=T0,
        duration_seconds=0.5,
        longrepr="assert 1 == 2",
        invocations=[Invocation(function_name="fn", request_id="r1", started_at=T0, cold_start=True)],
    )
    passing = TestReport(
        nodeid="tests/e2e/demo/test_demo.py::test_ok", outcome="passed", started_at=T0, duration_seconds=0.1
    )
    return RunReport(
        run_id="abc",
        target="local",
        started_at=T0,
        features=[FeatureReport(name="demo", tests=[passing, failing])],
    )


def test_a_report_survives_a_json_round_trip():
    # GIVEN a report with a failed test and its invocation
    report = _report()
    # WHEN it is written as JSON and read back
    again = RunReport.model_validate_json(report.model_dump_json())
    # THEN nothing is lost
    assert again == report
    assert again.features[0].tests[1].invocations[0].cold_start is True


def test_counts_failed_tests_and_outcome_are_derived():
    # GIVEN a run with one passing and one failing test
    report = _report()
    # THEN the counts, the failed tests and the outcome follow from the tests
    assert report.counts() == {"passed": 1, "failed": 1, "error": 0, "skipped": 0}
    assert [test.name for test in report.failed_tests] == ["test_fails"]
    assert report.outcome == "failed"
    assert report.features[0].failed


def test_trim_cuts_long_text_and_says_so():
    # GIVEN a long and a short text
    # WHEN they are trimmed to 5 characters
    # THEN only the long one is cut, and flagged
    assert trim("0123456789", 5) == ("01234", True)
    assert trim("abc", 5) == ("abc", False)
    assert trim(None, 5) == (None, False)
