"""Browser tests: real Chromium (Debian's `chromium`) driven by Playwright, on a sample project with one
feature (tests/fixtures/report_project) deployed for real to a local cloud.

Without a Chromium these tests are skipped with one line that says how to get it; `.ci/run` installs it, so
CI always runs them. Screenshots go to docs/images/ (the README and docs show them).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_support import CHROMIUM, HOW_TO_GET_CHROMIUM, SAMPLE_PROJECT


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if Path(CHROMIUM).exists():
        return
    for item in items:
        if "integration/browser" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.skip(reason=HOW_TO_GET_CHROMIUM))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium per test module.

    Not per session: Playwright's sync API keeps an asyncio loop marked as running on this thread while it is
    open, so later tests on the same worker (e.g. AppSync's executor, which calls asyncio.run) would fail.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, device_scale_factor=1)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="session")
def sample_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample project (its cdk.out caches synth and layer across the browser tests)."""
    root = tmp_path_factory.mktemp("report_project") / "project"
    shutil.copytree(SAMPLE_PROJECT, root, ignore=shutil.ignore_patterns("cdk.out", "__pycache__", ".fogbank"))
    return root
