"""Helpers of the browser tests (tests/integration/browser): where Chromium is, running `fogbank` as a user
does, and saving screenshots into docs/images/.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("FOGBANK_CHROMIUM", "/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[1]
SAMPLE_PROJECT = REPO / "tests" / "fixtures" / "report_project"
SCREENSHOTS = REPO / "docs" / "images"
HOW_TO_GET_CHROMIUM = (
    f"no Chromium at {CHROMIUM}: the browser tests are skipped. Get it with `sudo apt-get install -y chromium` "
    "(or run .ci/run, which installs it), or point FOGBANK_CHROMIUM at one"
)


def run_fogbank(project: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """`fogbank <args>` in `project`, as a user runs it (a subprocess with this interpreter)."""
    env = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    env["JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION"] = "1"
    env.pop("PYTEST_XDIST_WORKER", None)
    env.pop("FOGBANK_RUN_ID", None)
    env.pop("PYTEST_ADDOPTS", None)
    return subprocess.run(
        [sys.executable, "-m", "fogbank.cli", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def screenshot(page: Any, name: str, *, full_page: bool = False) -> Path:
    """Save a screenshot to docs/images/<name>.png (kept current by every run of these tests)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
