"""The run report of a run with one failing test, opened in Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from browser_support import run_fogbank, screenshot

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]


def test_the_failure_opens_expanded_with_its_invocations_logs_and_trace(sample_project: Path, page: Any):
    # GIVEN a project with one feature, whose second test fails
    report = sample_project / "out" / "report.html"
    # WHEN `fogbank e2e` runs it on the local cloud, on one xdist worker
    run = run_fogbank(
        sample_project, "e2e", "-n", "1", "-p", "no:cacheprovider", f"--fogbank-report={report}"
    )
    # THEN the run failed, and the summary names the report
    assert run.returncode == 1, run.stdout[-3000:] + run.stderr[-3000:]
    assert f"fogbank report: {report}" in run.stdout
    assert report.with_suffix(".json").is_file()
    # AND opened in a browser (offline: a file URL), the failure is expanded at the top
    page.route(
        "**/*",
        lambda route: route.abort() if not route.request.url.startswith("file:") else route.continue_(),
    )
    page.goto(report.as_uri())
    failure = page.locator("#failures + details.test.failed")
    assert failure.get_attribute("open") is not None
    assert failure.is_visible()
    assert "the shipping fee of 5 is missing" in failure.locator("pre.assertion").inner_text()
    # AND next to the assertion: its invocation, its log lines and its trace waterfall, visible
    invocation = failure.locator(".inv")
    assert invocation.count() == 1
    assert invocation.locator(".logs").is_visible()
    assert "checkout of 2 items, total 41" in invocation.locator(".logs").inner_text()
    waterfall = invocation.locator(".wf")
    assert waterfall.is_visible()
    assert "## compute_total" in waterfall.inner_text()
    assert waterfall.locator(".chip", has_text="total=41").is_visible()
    assert invocation.locator(".metrics-box").inner_text().count("CheckoutTotal") == 1
    # AND the failure's waterfall sits above the passing tests: no scrolling through them to read it
    passing = page.locator("details.test.passed")
    assert passing.count() == 1 and passing.get_attribute("open") is None
    assert waterfall.bounding_box()["y"] < passing.bounding_box()["y"]
    screenshot(page, "report")
