"""The local cloud's web console in Chromium: `fogbank cloud start`, the sample feature deployed to it by
`fogbank e2e --fogbank-endpoint` while the stacks page is open (it updates live), then every page."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from browser_support import run_fogbank, screenshot

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]


@dataclass(frozen=True)
class RunningCloud:
    endpoint: str
    console: str  # the console's home URL


@pytest.fixture(scope="module")
def cloud() -> Iterator[RunningCloud]:
    """`fogbank cloud start` on free ports, ended with SIGTERM (as Ctrl-C ends it)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "fogbank.cli", "cloud", "start", "--port", "0", "--console-port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        endpoint = process.stdout.readline().strip().removeprefix("endpoint: ")
        console = process.stdout.readline().strip().removeprefix("console: ")
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/_fogbank/console/", console), console
        yield RunningCloud(endpoint=endpoint, console=console)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def deployed(cloud: RunningCloud, sample_project: Path, browser: Any) -> Iterator[RunningCloud]:
    """The sample feature deployed (and kept) while a console page watches the stacks list."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    watcher = context.new_page()
    watcher.goto(cloud.console + "stacks")
    assert "no stacks yet" in watcher.locator("#live").inner_text()
    run = run_fogbank(
        sample_project,
        "e2e",
        "-p",
        "no:xdist",
        "-p",
        "no:cacheprovider",
        "--fogbank-endpoint",
        cloud.endpoint,
        "--fogbank-keep-stacks",
        "--fogbank-report=none",
    )
    assert run.returncode == 1, run.stdout[-3000:] + run.stderr[-3000:]  # the sample's one failing test
    # the open page shows the new stack without a reload: live updates
    watcher.locator("#stacks a", has_text="fogbank-checkout").wait_for(timeout=15_000)
    context.close()
    yield cloud


def test_stack_page_shows_status_resources_events_outputs_and_template(deployed: RunningCloud, page: Any):
    # GIVEN the deployed sample feature WHEN its stack is opened from the list
    page.goto(deployed.console + "stacks")
    page.locator("#stacks a", has_text="fogbank-checkout").click()
    # THEN it shows the status, the resources, the events timeline, the outputs and the template
    assert page.locator("#stack-status").inner_text() == "CREATE_COMPLETE"
    assert "AWS::Lambda::Function" in page.locator("#resources").inner_text()
    assert page.locator(".tl .row").count() >= 4
    assert "CheckoutArn" in page.locator("#outputs").inner_text()
    page.locator("details[data-key=template] summary").click()
    assert '"AWS::Lambda::Function"' in page.locator("#template").inner_text()
    screenshot(page, "console-stack")


def test_function_page_shows_configuration_invocations_with_logs_and_a_chart(
    deployed: RunningCloud, page: Any
):
    # GIVEN the sample's function, invoked twice by the tests
    page.goto(deployed.console + "functions")
    page.locator("#functions a", has_text="checkout").click()
    # THEN its configuration, its invocations (one cold) with their logs, and a duration chart are shown
    assert "python3" in page.locator("#configuration").inner_text()
    invocations = page.locator("#invocations .inv")
    assert invocations.count() >= 2
    assert page.locator("#invocations .badge.cold").count() >= 1
    invocations.first.locator(".logs-box summary").click()
    assert "REPORT RequestId" in invocations.first.locator(".logs").inner_text()
    page.locator(".series-chart canvas").first.wait_for()
    screenshot(page, "console-function", full_page=True)


def test_a_test_invoke_returns_the_response_and_the_invocation_appears(deployed: RunningCloud, page: Any):
    # GIVEN the function's page
    page.goto(deployed.console + "functions")
    page.locator("#functions a", has_text="checkout").click()
    before = page.locator("#invocations .inv").count()
    # WHEN a JSON payload is invoked from the console
    page.fill("#invoke-payload", json.dumps({"items": [{"price": 7, "quantity": 3}]}))
    page.click("#invoke-button")
    # THEN the function's response is shown, and the new invocation joins the list without a reload
    page.locator("#invoke-result", has_text='"total": 21').wait_for(timeout=15_000)
    request_id = page.locator("#invoke-status").inner_text().rsplit(" ", 1)[-1]
    page.locator(f'#invocations .inv[data-request-id="{request_id}"]').wait_for(timeout=15_000)
    assert page.locator("#invocations .inv").count() == before + 1
    screenshot(page, "console-invoke")


def test_log_search_uses_filter_patterns(deployed: RunningCloud, page: Any):
    # GIVEN the log search page with the function's log group
    page.goto(deployed.console + "logs")
    group = next(
        v
        for v in page.eval_on_selector_all("#log-group option", "os => os.map(o => o.value)")
        if "checkout" in v
    )
    page.select_option("#log-group", group)
    # WHEN searching with a quoted phrase THEN only the matching line comes back
    page.fill("#log-pattern", '"checkout of 2 items"')
    page.click("#log-search button")
    assert page.locator("#log-results .ln").count() == 1
    screenshot(page, "console-logs")
    # WHEN searching with a JSON pattern on the EMF lines THEN it matches by field
    page.fill("#log-pattern", "{ $.CheckoutTotal = 41 }")
    page.click("#log-search button")
    assert page.locator("#log-results .ln").count() == 1
    # WHEN the pattern is malformed THEN the engine's error is shown
    page.fill("#log-pattern", "{ $.x = ")
    page.click("#log-search button")
    assert page.locator("#console-error").is_visible()


def test_traces_filter_by_expression_and_show_a_waterfall(deployed: RunningCloud, page: Any):
    # GIVEN the traces page WHEN filtered by an annotation
    page.goto(deployed.console + "traces")
    page.fill("#trace-filter", "annotation.total = 41")
    page.click("#trace-search button")
    # THEN one trace is listed; opened, it is a waterfall with the function's subsegment
    links = page.locator("#traces a")
    assert links.count() == 1
    screenshot(page, "console-traces")
    links.first.click()
    waterfall = page.locator(".wf")
    assert "## compute_total" in waterfall.inner_text()
    assert waterfall.locator(".chip", has_text="total=41").is_visible()
    screenshot(page, "console-trace")


def test_metrics_page_charts_the_emf_metric(deployed: RunningCloud, page: Any):
    # GIVEN orders placed over the last ten minutes, each emitting its total as EMF
    function = _checkout_function(deployed)
    lambda_ = boto3.client("lambda", endpoint_url=deployed.endpoint, region_name="us-east-1",
                           aws_access_key_id="testing", aws_secret_access_key="testing")  # fmt: skip
    now = time.time()
    for minutes_ago, quantity in [(9, 2), (8, 3), (7, 1), (6, 5), (5, 4), (4, 6), (3, 3), (2, 7), (1, 5)]:
        basket = {"items": [{"price": 12, "quantity": quantity}], "ordered_at": now - 60 * minutes_ago}
        assert lambda_.invoke(FunctionName=function, Payload=json.dumps(basket).encode())["StatusCode"] == 200
    # WHEN the Shop namespace is shown
    page.goto(deployed.console + "metrics?namespace=Shop")
    # THEN its metric is charted by dimension
    chart = page.locator(".metric-chart", has_text="CheckoutTotal")
    assert "service=checkout" in chart.inner_text()
    chart.locator("canvas").wait_for(timeout=10_000)
    screenshot(page, "console-metrics")


def _checkout_function(cloud: RunningCloud) -> str:
    functions = boto3.client(
        "lambda", endpoint_url=cloud.endpoint, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    ).list_functions()["Functions"]  # fmt: skip
    return next(f["FunctionName"] for f in functions if "checkout" in f["FunctionName"])


def test_requests_from_another_origin_are_refused(deployed: RunningCloud):
    # GIVEN a request that another site's page would send WHEN it reaches the console THEN it is refused
    request = urllib.request.Request(deployed.console + "stacks", headers={"Origin": "http://evil.example"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403
